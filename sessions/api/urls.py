from sessions.api.availability_urls import urlpatterns as availability_urls
from sessions.api.bookings_urls import urlpatterns as booking_urls
from sessions.api.lifecycle_urls import urlpatterns as lifecycle_urls

urlpatterns = availability_urls + booking_urls + lifecycle_urls
