"""What the no-show API and page tests share: a session that has just ended and a report's words."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sessions.models import Booking
from sessions.services.lifecycle import sessions_complete_due
from tests.factories import BookingFactory

REASON = "I waited 20 minutes in the call; nobody came."


def ended_booking(mentor, mentee, *, hours_ago: float = 1) -> Booking:
    """A 30-minute session that ended `hours_ago` hours ago, completed by the job as it would be."""
    start = timezone.now() - timedelta(hours=hours_ago, minutes=30)
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=start)
    sessions_complete_due(now=timezone.now(), grace=15)
    booking.refresh_from_db()
    return booking
