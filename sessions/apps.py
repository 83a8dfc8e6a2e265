from django.apps import AppConfig


class BookingConfig(AppConfig):
    # django.contrib.sessions already owns the "sessions" label.
    name = "sessions"
    label = "booking"
    verbose_name = "Availability and bookings"
