from django.urls import path

from sessions.api.lifecycle_views import BookingNoShowView

urlpatterns: list = [
    path("bookings/<id:pk>/no-show/", BookingNoShowView.as_view(), name="booking-no-show"),
]
