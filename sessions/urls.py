from sessions.urls_availability import urlpatterns as availability_urls
from sessions.urls_bookings import urlpatterns as booking_urls
from sessions.urls_noshow import urlpatterns as noshow_urls

app_name = "booking"
urlpatterns = availability_urls + booking_urls + noshow_urls
