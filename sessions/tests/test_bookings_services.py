"""Booking services: every transition, the rules, and nothing written on any error."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from sessions.errors import BookingError
from sessions.models import Booking, BookingEvent, Notification, ReliabilityRecord
from sessions.services.bookings import (
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_decline,
    booking_reschedule,
)
from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy
from tests.factories import MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_mentor(mentor):
    open_every_day(mentor)
    return mentor


def _counts():
    return Booking.objects.count(), BookingEvent.objects.count(), Notification.objects.count()


# --- create --------------------------------------------------------------------------------------

def test_booking_is_confirmed_with_an_unguessable_jitsi_room(open_mentor, mentee):
    start = local_slot(open_mentor)
    booking = book(mentee, open_mentor, start)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.start == start and booking.end == start + timedelta(minutes=30)
    assert booking.call_url.startswith(settings.JITSI_BASE_URL + "/mm-")
    assert len(booking.call_url.rsplit("/", 1)[1]) >= 30
    other = book(MenteeFactory(), open_mentor, start + timedelta(hours=2))
    assert other.call_url != booking.call_url
    assert list(booking.events.values_list("kind", flat=True)) == ["confirmed"]
    assert Notification.objects.filter(booking=booking, kind="booking_confirmed").exists()


def test_mentor_own_meeting_link_is_used(open_mentor, mentee):
    profile = open_mentor.mentor_profile
    profile.call_method = "own_link"
    profile.meeting_url = "https://zoom.example.com/j/123"
    profile.save()
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    assert booking.call_url == "https://zoom.example.com/j/123"


def test_buffers_are_held_around_the_session(open_mentor, mentee):
    set_policy(open_mentor, buffer_before_minutes=10, buffer_after_minutes=15)
    start = local_slot(open_mentor)
    booking = book(mentee, open_mentor, start)
    assert booking.blocked_start == start - timedelta(minutes=10)
    assert booking.blocked_end == booking.end + timedelta(minutes=15)


def test_approval_needed_makes_a_request_that_expires(open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    now = timezone.now()
    booking = book(mentee, open_mentor, local_slot(open_mentor), now=now)
    assert booking.status == Booking.Status.REQUESTED
    assert booking.expires_at == now + timedelta(hours=settings.BOOKING_REQUEST_EXPIRY_HOURS)
    assert booking.call_url == ""
    assert list(booking.events.values_list("kind", flat=True)) == ["requested"]


def test_request_expires_at_the_start_at_the_latest(open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True, min_notice_hours=1)
    start = local_slot(open_mentor, days=1)
    now = start - timedelta(hours=5)
    booking = book(mentee, open_mentor, start, now=now)
    assert booking.expires_at == start


@pytest.mark.parametrize(
    "change, field",
    [
        ({"question": "   "}, "question"),
        ({"topic": ""}, "topic"),
        ({"duration": 45}, "duration"),
    ],
)
def test_bad_input_writes_nothing(open_mentor, mentee, change, field):
    kwargs = {"topic": "Growth", "question": "How do I get promoted?", "duration": 30}
    kwargs.update(change)
    with pytest.raises(BookingError) as err:
        booking_create(mentee=mentee, mentor=open_mentor, start=local_slot(open_mentor), **kwargs)
    assert err.value.status == 400
    assert field in err.value.field_errors
    assert _counts() == (0, 0, 0)


def test_no_one_books_themselves(open_mentor):
    with pytest.raises(BookingError) as err:
        book(open_mentor, open_mentor, local_slot(open_mentor))
    assert err.value.status == 400 and "mentor" in err.value.field_errors
    assert _counts() == (0, 0, 0)


def test_mentor_not_accepting_bookings(open_mentor, mentee):
    open_mentor.mentor_profile.accepting_bookings = False
    open_mentor.mentor_profile.save()
    with pytest.raises(BookingError) as err:
        book(mentee, open_mentor, local_slot(open_mentor))
    assert err.value.status == 400
    assert _counts() == (0, 0, 0)


def test_user_without_mentor_profile_cannot_be_booked(mentee, stranger):
    with pytest.raises(BookingError) as err:
        book(mentee, stranger, timezone.now() + timedelta(days=2))
    assert err.value.status == 404


@pytest.mark.parametrize(("when", "code"), [("past", "past"), ("inside_notice", "notice"),
                                          ("outside_availability", "outside_availability"),
                                          ("misaligned", "not_aligned")])
def test_unbookable_starts_are_rejected_by_the_slot_check(open_mentor, mentee, when, code):
    start = {
        "past": local_slot(open_mentor, days=-1),
        "inside_notice": timezone.now() + timedelta(hours=1),
        "outside_availability": local_slot(open_mentor, hour=22),
        "misaligned": local_slot(open_mentor, minute=7),
    }[when]
    with pytest.raises(BookingError) as err:
        book(mentee, open_mentor, start)
    # A start the slot engine refuses is a bad request (400), not a conflict with another booking.
    assert (err.value.status, err.value.code) == (400, code)
    assert err.value.message
    assert _counts() == (0, 0, 0)


def test_taken_slot_is_409_with_next_free_slots(open_mentor, mentee):
    start = local_slot(open_mentor)
    book(mentee, open_mentor, start)
    before = _counts()
    with pytest.raises(BookingError) as err:
        book(MenteeFactory(), open_mentor, start + timedelta(minutes=15))
    assert err.value.status == 409 and err.value.code == "slot_taken"
    next_slots = err.value.extra["next_slots"]
    assert next_slots, "a lost slot offers the next free ones"
    first = datetime.fromisoformat(next_slots[0])
    assert first >= start + timedelta(minutes=30)
    assert _counts() == before


def test_mentee_cannot_hold_two_sessions_at_once(open_mentor, mentee):
    other_mentor = MentorFactory(timezone="Europe/Berlin")
    open_every_day(other_mentor)
    start = local_slot(open_mentor)
    book(mentee, open_mentor, start)
    before = _counts()
    with pytest.raises(BookingError) as err:
        book(mentee, other_mentor, start)
    assert err.value.status == 409
    assert "already" in err.value.message
    assert _counts() == before


# --- confirm / decline ---------------------------------------------------------------------------

@pytest.fixture
def request_booking(open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    return book(mentee, open_mentor, local_slot(open_mentor))


def test_mentor_confirms_a_request(request_booking, mentor):
    booking = booking_confirm(booking=request_booking, actor=mentor)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.call_url.startswith(settings.JITSI_BASE_URL)
    assert booking.confirmed_at is not None and booking.expires_at is None
    assert booking.sequence == 1
    assert list(booking.events.values_list("kind", flat=True)) == ["requested", "confirmed"]
    assert Notification.objects.filter(booking=booking, kind="booking_confirmed", recipient=booking.mentee).exists()


def test_mentee_cannot_confirm_their_own_request(request_booking, mentee):
    with pytest.raises(BookingError) as err:
        booking_confirm(booking=request_booking, actor=mentee)
    assert err.value.status == 403
    request_booking.refresh_from_db()
    assert request_booking.status == Booking.Status.REQUESTED


@pytest.mark.parametrize("persona, status", [("stranger", 404), ("staff", 403)])
def test_outsiders_cannot_confirm(request_booking, request, persona, status):
    with pytest.raises(BookingError) as err:
        booking_confirm(booking=request_booking, actor=request.getfixturevalue(persona))
    assert err.value.status == status
    assert BookingEvent.objects.filter(booking=request_booking).count() == 1


def test_expired_request_cannot_be_confirmed(request_booking, mentor):
    with pytest.raises(BookingError) as err:
        booking_confirm(booking=request_booking, actor=mentor, now=request_booking.expires_at + timedelta(minutes=1))
    assert err.value.status == 409


def test_mentor_declines_and_the_slot_is_free_again(request_booking, mentor):
    booking = booking_decline(booking=request_booking, actor=mentor, reason="Travelling that week")
    assert booking.status == Booking.Status.DECLINED
    assert booking.cancel_reason == "Travelling that week"
    assert booking.events.last().kind == "declined"
    # Booking a declined slot again is fine while it is free.
    again = book(MenteeFactory(), mentor, booking.start)
    assert again.status == Booking.Status.REQUESTED


def test_cancelled_booking_cannot_be_confirmed(request_booking, mentor, mentee):
    booking_cancel(booking=request_booking, actor=mentee, reason="Found the answer")
    with pytest.raises(BookingError) as err:
        booking_confirm(booking=request_booking, actor=mentor)
    assert err.value.status == 409 and "cancelled" in err.value.message


# --- cancel --------------------------------------------------------------------------------------

def test_early_cancellation_is_not_late(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    booking = booking_cancel(booking=booking, actor=mentee, reason="Conflict at work")
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancelled_by == mentee and not booking.cancelled_late
    assert booking.sequence == 1
    assert not ReliabilityRecord.objects.filter(late_cancellations__gt=0).exists()
    assert Notification.objects.filter(booking=booking, kind="booking_cancelled", recipient=open_mentor).exists()


def test_late_cancellation_counts_against_the_canceller(open_mentor, mentee):
    start = local_slot(open_mentor, days=3)
    booking = book(mentee, open_mentor, start, now=start - timedelta(days=2))
    late_now = start - timedelta(hours=settings.BOOKING_LATE_CANCEL_HOURS) + timedelta(minutes=1)
    booking = booking_cancel(booking=booking, actor=open_mentor, reason="Sick", now=late_now)
    assert booking.cancelled_late
    assert ReliabilityRecord.objects.get(user=open_mentor).late_cancellations == 1
    assert not ReliabilityRecord.objects.filter(user=mentee, late_cancellations__gt=0).exists()


def test_cancellation_needs_a_reason_and_writes_nothing_without_one(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    before = _counts()
    with pytest.raises(BookingError) as err:
        booking_cancel(booking=booking, actor=mentee, reason="  ")
    assert err.value.status == 400 and "reason" in err.value.field_errors
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and _counts() == before


def test_stranger_cannot_cancel_booking(open_mentor, mentee, stranger):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    with pytest.raises(BookingError) as err:
        booking_cancel(booking=booking, actor=stranger, reason="Mischief")
    assert err.value.status == 404


def test_cancelling_twice_is_a_conflict(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    booking_cancel(booking=booking, actor=mentee, reason="Changed plans")
    with pytest.raises(BookingError) as err:
        booking_cancel(booking=booking, actor=open_mentor, reason="Again")
    assert err.value.status == 409


def test_cancel_withdraws_pending_reminders(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))
    booking_cancel(booking=booking, actor=mentee, reason="Changed plans")
    assert not Notification.objects.filter(booking=booking, kind__startswith="reminder_", state="pending").exists()


# --- reschedule ----------------------------------------------------------------------------------

def test_reschedule_moves_the_same_row_and_keeps_history(open_mentor, mentee):
    start = local_slot(open_mentor)
    booking = book(mentee, open_mentor, start)
    uid = booking.uid
    new_start = start + timedelta(days=1, hours=2)
    moved = booking_reschedule(booking=booking, actor=mentee, new_start=new_start)
    assert moved.pk == booking.pk and moved.uid == uid
    assert moved.start == new_start and moved.end == new_start + timedelta(minutes=30)
    assert moved.sequence == 1
    event = moved.events.get(kind="rescheduled")
    assert (event.from_start, event.to_start, event.actor) == (start, new_start, mentee)
    assert Booking.objects.count() == 1
    # The old time is free again for someone else.
    assert book(MenteeFactory(), open_mentor, start).status == Booking.Status.CONFIRMED


def test_reschedule_by_mentor_raises_sequence_again(open_mentor, mentee):
    start = local_slot(open_mentor)
    booking = book(mentee, open_mentor, start)
    booking = booking_reschedule(booking=booking, actor=mentee, new_start=start + timedelta(hours=1))
    booking = booking_reschedule(booking=booking, actor=open_mentor, new_start=start + timedelta(hours=3))
    assert booking.sequence == 2
    assert booking.events.filter(kind="rescheduled").count() == 2


def test_reschedule_onto_a_taken_slot_changes_nothing(open_mentor, mentee):
    start = local_slot(open_mentor)
    booking = book(mentee, open_mentor, start)
    taken = start + timedelta(hours=2)
    book(MenteeFactory(), open_mentor, taken)
    before = _counts()
    with pytest.raises(BookingError) as err:
        booking_reschedule(booking=booking, actor=mentee, new_start=taken)
    assert err.value.status == 409 and err.value.extra["next_slots"]
    booking.refresh_from_db()
    assert (booking.start, booking.sequence) == (start, 0)
    assert _counts() == before


def test_reschedule_may_overlap_its_own_old_time(open_mentor, mentee):
    start = local_slot(open_mentor)
    booking = book(mentee, open_mentor, start, duration=60)
    moved = booking_reschedule(booking=booking, actor=mentee, new_start=start + timedelta(minutes=30))
    assert moved.start == start + timedelta(minutes=30)


def test_stranger_cannot_reschedule(open_mentor, mentee, stranger):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    with pytest.raises(BookingError) as err:
        booking_reschedule(booking=booking, actor=stranger, new_start=booking.start + timedelta(hours=1))
    assert err.value.status == 404


def test_cancelled_booking_cannot_be_rescheduled(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    booking_cancel(booking=booking, actor=mentee, reason="No longer needed")
    with pytest.raises(BookingError) as err:
        booking_reschedule(booking=booking, actor=mentee, new_start=booking.start + timedelta(hours=1))
    assert err.value.status == 409


def test_requested_booking_can_be_rescheduled_and_stays_requested(open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    moved = booking_reschedule(booking=booking, actor=mentee, new_start=booking.start + timedelta(hours=1))
    assert moved.status == Booking.Status.REQUESTED and moved.sequence == 1


# --- DST -----------------------------------------------------------------------------------------

def test_booking_across_a_dst_change_keeps_the_mentors_wall_clock(mentor, mentee):
    """09:00 Berlin is 08:00 UTC before 28 March 2027 and 07:00 UTC after it."""
    open_every_day(mentor, start=datetime(2000, 1, 1, 9).time(), end=datetime(2000, 1, 1, 12).time())
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    now = datetime(2027, 3, 20, 12, tzinfo=UTC)
    before = book(mentee, mentor, datetime(2027, 3, 26, 8, tzinfo=UTC), now=now)
    after = book(mentee, mentor, datetime(2027, 3, 29, 7, tzinfo=UTC), now=now)
    assert before.start.astimezone(berlin).hour == 9 and after.start.astimezone(berlin).hour == 9
    # 06:00 UTC on 29 March is 08:00 in Berlin (summer time): outside the 09:00-12:00 window.
    with pytest.raises(BookingError):
        book(MenteeFactory(), mentor, datetime(2027, 3, 29, 6, tzinfo=UTC), now=now)
    assert after.start.astimezone(zoneinfo.ZoneInfo("America/New_York")).hour == 3
    assert date(2027, 3, 29) == after.start.astimezone(berlin).date()
