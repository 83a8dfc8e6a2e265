"""Build a mentor's record by hand (bookings, answers, ratings at chosen times) for the recognition
and mentor-stats tests, so each figure can be computed on paper."""

from __future__ import annotations

from datetime import datetime, timedelta

from ratings.models import Rating
from sessions.models import Booking, BookingEvent
from tests.factories import BookingFactory, MenteeFactory

_counter = {"n": 0}


def _mentee():
    _counter["n"] += 1
    return MenteeFactory(email=f"m{_counter['n']}@example.com", name=f"Mentee {_counter['n']}")


def session(mentor, *, start: datetime, status: str = "completed", mentee=None, minutes: int = 30, **fields) -> Booking:
    """A booking written straight to the table (no overlap checks: non-live statuses are free)."""
    end = start + timedelta(minutes=minutes)
    return BookingFactory(mentor=mentor, mentee=mentee or _mentee(), start=start, end=end, blocked_start=start,
                          blocked_end=end, duration_minutes=minutes, status=status,
                          completed_at=end if status == "completed" else None, **fields)


def answered(mentor, *, asked: datetime, after_minutes: float, kind: str = "confirmed", actor=None,
             start: datetime | None = None) -> Booking:
    """A request made at `asked` that the mentor (or `actor`) answered `after_minutes` later."""
    booking = session(mentor, start=start or asked + timedelta(days=3), status="declined")
    Booking.objects.filter(pk=booking.pk).update(created_at=asked)
    event = BookingEvent.objects.create(booking=booking, kind=kind, actor=actor or mentor)
    BookingEvent.objects.filter(pk=event.pk).update(at=asked + timedelta(minutes=after_minutes))
    return booking


def review(booking, *, stars: int, expectation: str = "", state: str = "published", at: datetime | None = None):
    """A mentee's rating of a completed booking, written straight to the table."""
    return Rating.objects.create(booking=booking, rater=booking.mentee, ratee=booking.mentor,
                                 direction="mentee_to_mentor", stars=stars, expectation=expectation, state=state,
                                 created_at=at or booking.end)
