"""Boundaries of the booking rules that mutation testing showed no test would notice moving.

Each test pins one edge exactly (the late-cancellation threshold, the start instant, who counts
as late), so flipping `<` to `<=` or a status check fails a test. See README, Mutation testing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from sessions.errors import BookingError
from sessions.models import Booking, ReliabilityRecord
from sessions.services.bookings import booking_cancel
from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 10, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def open_mentor(mentor):
    open_every_day(mentor)
    return mentor


def _late_cancellations(user) -> int:
    record = ReliabilityRecord.objects.filter(user=user).first()
    return record.late_cancellations if record else 0


def test_cancelling_exactly_at_the_late_threshold_is_not_late(open_mentor, mentee):
    start = local_slot(open_mentor, days=3)
    booking = book(mentee, open_mentor, start)
    on_the_line = start - timedelta(hours=settings.BOOKING_LATE_CANCEL_HOURS)

    booking = booking_cancel(booking=booking, actor=mentee, reason="Conflict at work", now=on_the_line)

    assert booking.status == Booking.Status.CANCELLED and not booking.cancelled_late
    assert _late_cancellations(mentee) == 0


def test_withdrawing_an_unanswered_request_at_the_last_minute_is_not_late(open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    start = local_slot(open_mentor, days=3)
    booking = book(mentee, open_mentor, start)
    assert booking.status == Booking.Status.REQUESTED

    booking = booking_cancel(booking=booking, actor=mentee, reason="Found an answer", now=start - timedelta(minutes=5))

    assert booking.status == Booking.Status.CANCELLED and not booking.cancelled_late
    assert _late_cancellations(mentee) == 0


def test_session_cannot_be_cancelled_at_its_start_instant(open_mentor, mentee):
    start = local_slot(open_mentor, days=3)
    booking = book(mentee, open_mentor, start)

    with pytest.raises(BookingError) as err:
        booking_cancel(booking=booking, actor=mentee, reason="Too late now", now=start)

    assert (err.value.status, err.value.code) == (409, "started")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_one_minute_before_start_cancellation_is_late_for_the_canceller(open_mentor, mentee):
    start = local_slot(open_mentor, days=3)
    booking = book(mentee, open_mentor, start)

    booking = booking_cancel(booking=booking, actor=mentee, reason="Emergency", now=start - timedelta(minutes=1))

    assert booking.cancelled_late
    assert (_late_cancellations(mentee), _late_cancellations(open_mentor)) == (1, 0)
