# Admin registrations live beside the code they administer; importing them registers them.
from sessions import admin_bookings, admin_calendars, admin_noshow, admin_outbox  # noqa: F401
