from sessions.api.availability_urls import urlpatterns as availability_urls
from sessions.api.bookings_urls import urlpatterns as booking_urls
from sessions.api.calendars_urls import urlpatterns as calendar_urls
from sessions.api.noshow_urls import urlpatterns as noshow_urls

urlpatterns = availability_urls + booking_urls + noshow_urls + calendar_urls
