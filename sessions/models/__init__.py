from sessions.models.availability import AvailabilityOverride, AvailabilityRule, BookingPolicy
from sessions.models.bookings import LIVE_STATUSES, Booking, BookingEvent, ReliabilityRecord
from sessions.models.calendars import BusyInterval, ExternalCalendar
from sessions.models.flash import FlashOffer, FlashQuestion
from sessions.models.noshow import NoShowReport
from sessions.models.notifications import Notification

__all__ = [
    "AvailabilityOverride", "AvailabilityRule", "BookingPolicy", "Booking", "BookingEvent",
    "ReliabilityRecord", "LIVE_STATUSES", "FlashQuestion", "FlashOffer", "NoShowReport", "Notification",
    "ExternalCalendar", "BusyInterval",
]
