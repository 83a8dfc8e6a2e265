"""Booking services, split by subdomain: availability, bookings, notifications, lifecycle."""
