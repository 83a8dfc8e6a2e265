"""Admin for availability and bookings."""
