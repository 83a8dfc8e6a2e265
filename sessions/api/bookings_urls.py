from django.urls import path

from sessions.api import bookings_views as views

urlpatterns = [
    path("bookings/", views.BookingListCreate.as_view(), name="booking-list"),
    path("bookings/<int:pk>/", views.BookingDetail.as_view(), name="booking-detail"),
    path("bookings/<int:pk>/confirm/", views.BookingConfirm.as_view(), name="booking-confirm"),
    path("bookings/<int:pk>/decline/", views.BookingDecline.as_view(), name="booking-decline"),
    path("bookings/<int:pk>/cancel/", views.BookingCancel.as_view(), name="booking-cancel"),
    path("bookings/<int:pk>/reschedule/", views.BookingReschedule.as_view(), name="booking-reschedule"),
]
