from django.urls import path

from sessions.api import bookings_views as views

urlpatterns = [
    path("bookings/", views.BookingListCreate.as_view(), name="booking-list"),
    path("bookings/<id:pk>/", views.BookingDetail.as_view(), name="booking-detail"),
    path("bookings/<id:pk>/confirm/", views.BookingConfirm.as_view(), name="booking-confirm"),
    path("bookings/<id:pk>/decline/", views.BookingDecline.as_view(), name="booking-decline"),
    path("bookings/<id:pk>/extend/", views.BookingExtend.as_view(), name="booking-extend"),
    path("bookings/<id:pk>/cancel/", views.BookingCancel.as_view(), name="booking-cancel"),
    path("bookings/<id:pk>/reschedule/", views.BookingReschedule.as_view(), name="booking-reschedule"),
]
