"""Booking rules that mutation testing showed no test would notice breaking.

Each test pins one behaviour exactly (the late-cancellation threshold, the expiry instant, the field
and code of each refusal, what calendar apps read, how availability edits are validated), so a
flipped `<`, a dropped argument or a renamed field fails a test. See README, Mutation testing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.mail import get_connection
from icalendar import Calendar

from sessions import emails
from sessions.errors import BookingError
from sessions.models import AvailabilityRule, Booking, BookingEvent, Notification, ReliabilityRecord
from sessions.selectors import slot_check
from sessions.services import notifications
from sessions.services.availability import availability_set_weekly
from sessions.services.bookings import (
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_decline,
    booking_reschedule,
)
from sessions.services.calendar import booking_ics, user_calendar_feed
from sessions.services.notifications import notifications_dispatch_due, notifications_retry, reminders_arm
from sessions.tasks import send_notifications_task
from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy
from tests.factories import MenteeFactory, MentorFactory

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


def test_cancelling_exactly_at_the_late_threshold_is_not_late(open_mentor, mentee, settings):
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


def _refusal(call) -> BookingError:
    with pytest.raises(BookingError) as err:
        call()
    assert err.value.message, "a refusal always tells the person why"
    return err.value


# --- booking rules: each refusal names its field, code and status (the API and the forms rely on them)

@pytest.mark.parametrize(("values", "field"), [
    ({"question": ""}, "question"),
    ({"question": "Why?"}, "question"),
    ({"question": "x" * 2001}, "question"),
    ({"topic": ""}, "topic"),
    ({"topic": "t" * 141}, "topic"),
])
def test_invalid_topic_or_question_is_refused_on_its_own_field(open_mentor, mentee, values, field):
    start = local_slot(open_mentor)

    error = _refusal(lambda: book(mentee, open_mentor, start, **values))

    assert (error.status, error.code, list(error.field_errors)) == (400, "invalid", [field])
    assert not Booking.objects.exists()


def test_booking_an_unknown_mentor_is_a_404_on_the_mentor_field(mentee):
    not_a_mentor = MenteeFactory()

    error = _refusal(lambda: book(mentee, not_a_mentor, datetime(2026, 11, 13, 10, tzinfo=UTC)))

    assert (error.status, error.code, list(error.field_errors)) == (404, "not_found", ["mentor"])


def test_mentor_who_paused_bookings_is_refused_on_the_mentor_field(open_mentor, mentee):
    profile = open_mentor.mentor_profile
    profile.accepting_bookings = False
    profile.save()

    error = _refusal(lambda: book(mentee, open_mentor, local_slot(open_mentor)))

    assert (error.status, list(error.field_errors)) == (400, ["mentor"])


def test_booking_without_context_link_stores_no_link(open_mentor, mentee):
    booking = booking_create(mentee=mentee, mentor=open_mentor, start=local_slot(open_mentor), duration=30,
                             topic="Staff interview", question="How do I show staff-level impact?")

    booking.refresh_from_db()
    assert booking.context_url == ""


def test_jitsi_base_url_with_a_trailing_slash_gives_a_clean_room_link(open_mentor, mentee, settings):
    settings.JITSI_BASE_URL = "https://meet.example.org/"

    booking = book(mentee, open_mentor, local_slot(open_mentor))

    assert booking.call_url.startswith("https://meet.example.org/mm-")


# --- confirm / decline ----------------------------------------------------------------------------

@pytest.fixture
def request_(open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    return book(mentee, open_mentor, local_slot(open_mentor, days=5))


def test_request_cannot_be_confirmed_at_the_instant_it_expires(request_, open_mentor):
    at_expiry = request_.expires_at

    error = _refusal(lambda: booking_confirm(booking=request_, actor=open_mentor, now=at_expiry))

    assert (error.status, error.code) == (409, "expired")
    request_.refresh_from_db()
    assert request_.status == Booking.Status.REQUESTED


def test_request_can_be_confirmed_a_second_before_it_expires(request_, open_mentor):
    booking = booking_confirm(booking=request_, actor=open_mentor, now=request_.expires_at - timedelta(seconds=1))

    assert booking.status == Booking.Status.CONFIRMED


def test_request_cannot_be_confirmed_once_its_start_has_passed(request_, open_mentor):
    request_.expires_at = None  # an old request without expiry: only the start guards it
    request_.save(update_fields=["expires_at"])

    error = _refusal(lambda: booking_confirm(booking=request_, actor=open_mentor, now=request_.start))

    assert (error.status, error.code) == (409, "started")


def test_confirmation_is_recorded_as_the_mentors_act(request_, open_mentor):
    booking_confirm(booking=request_, actor=open_mentor)

    event = BookingEvent.objects.get(booking=request_, kind=BookingEvent.Kind.CONFIRMED)
    assert event.actor_id == open_mentor.pk


def test_decline_without_a_reason_stores_an_empty_reason(request_, open_mentor):
    booking = booking_decline(booking=request_, actor=open_mentor)

    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == (Booking.Status.DECLINED, "")


def test_confirmed_session_cannot_be_declined(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))

    error = _refusal(lambda: booking_decline(booking=booking, actor=open_mentor, reason="Busy"))

    assert (error.status, error.code) == (409, "wrong_state")


def test_mentee_cannot_confirm_their_own_request(request_, mentee):
    error = _refusal(lambda: booking_confirm(booking=request_, actor=mentee))

    assert (error.status, error.code) == (403, "forbidden")


# --- cancel ---------------------------------------------------------------------------------------

def test_cancelling_a_booking_deleted_meanwhile_is_a_404(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    Booking.objects.filter(pk=booking.pk).delete()

    error = _refusal(lambda: booking_cancel(booking=booking, actor=mentee, reason="Conflict"))

    assert (error.status, error.code) == (404, "not_found")


def test_cancel_reason_is_required_and_at_most_1000_characters(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))

    for reason in ("  ", "r" * 1001):
        error = _refusal(lambda reason=reason: booking_cancel(booking=booking, actor=mentee, reason=reason))
        assert (error.status, list(error.field_errors)) == (400, ["reason"])
    booking_cancel(booking=booking, actor=mentee, reason="r" * 1000)


def test_timely_cancellation_event_note_is_the_reason_as_written(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))

    booking_cancel(booking=booking, actor=mentee, reason="Conflict at work")

    assert BookingEvent.objects.get(booking=booking, kind=BookingEvent.Kind.CANCELLED).note == "Conflict at work"


def test_canceller_who_opted_out_of_updates_gets_no_copy_of_their_own_cancellation(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))
    mentee.email_updates = False
    mentee.save(update_fields=["email_updates"])

    booking_cancel(booking=booking, actor=mentee, reason="Conflict at work")

    told = set(Notification.objects.filter(booking=booking, kind="booking_cancelled")
               .values_list("recipient_id", flat=True))
    assert told == {open_mentor.pk}


# --- reschedule -----------------------------------------------------------------------------------

def test_reschedule_to_the_same_time_is_refused_on_the_start_field(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))

    error = _refusal(lambda: booking_reschedule(booking=booking, actor=mentee, new_start=booking.start))

    assert (error.status, list(error.field_errors)) == (400, ["start"])


def test_started_session_cannot_be_moved(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))

    error = _refusal(lambda: booking_reschedule(booking=booking, actor=mentee,
                                                new_start=booking.start + timedelta(hours=2), now=booking.start))

    assert (error.status, error.code) == (409, "started")


def test_session_cannot_be_moved_onto_the_mentees_other_session(open_mentor, mentee):
    other_mentor = MentorFactory()
    open_every_day(other_mentor)
    start = local_slot(open_mentor, days=4, hour=10)
    elsewhere = book(mentee, other_mentor, start + timedelta(hours=3))
    booking = book(mentee, open_mentor, start)

    error = _refusal(lambda: booking_reschedule(booking=booking, actor=mentee, new_start=elsewhere.start))

    assert (error.status, error.code) == (409, "slot_taken")
    assert "another session" in error.message
    booking.refresh_from_db()
    assert booking.start == start


def test_reschedule_history_keeps_both_the_old_and_the_new_times(open_mentor, mentee):
    start = local_slot(open_mentor, days=4, hour=10)
    booking = book(mentee, open_mentor, start)
    new_start = start + timedelta(hours=2)

    booking_reschedule(booking=booking, actor=mentee, new_start=new_start)

    event = BookingEvent.objects.get(booking=booking, kind=BookingEvent.Kind.RESCHEDULED)
    assert (event.from_start, event.from_end, event.to_start, event.to_end) == (
        start, start + timedelta(minutes=30), new_start, new_start + timedelta(minutes=30))
    assert event.actor_id == mentee.pk


def test_unoffered_session_length_is_refused_on_the_duration_field_naming_the_offered_ones(open_mentor, mentee):
    error = _refusal(lambda: book(mentee, open_mentor, local_slot(open_mentor), duration=45))

    assert (error.status, list(error.field_errors)) == (400, ["duration"])
    assert "30, 60" in error.field_errors["duration"][0]


def test_booking_history_starts_with_the_booked_times(open_mentor, mentee):
    start = local_slot(open_mentor)
    booking = book(mentee, open_mentor, start, duration=60)

    event = BookingEvent.objects.get(booking=booking)
    assert (event.kind, event.actor_id, event.to_start, event.to_end) == (
        BookingEvent.Kind.CONFIRMED, mentee.pk, start, start + timedelta(minutes=60))


def test_taken_slot_is_a_409_on_the_start_field_with_the_slot_checks_reason_and_next_slots(open_mentor, mentee):
    start = local_slot(open_mentor)
    book(MenteeFactory(), open_mentor, start)
    with pytest.raises(BookingError) as direct:
        slot_check(mentor=open_mentor, start=start, duration=30)

    error = _refusal(lambda: book(mentee, open_mentor, start))

    assert (error.status, error.code, list(error.field_errors)) == (409, "slot_taken", ["start"])
    assert error.message == direct.value.message
    assert error.extra["next_slots"]


# --- calendar invitations and feed: what calendar apps read --------------------------------------

def _only_event(ics: bytes):
    cal = Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_invitation_uid_carries_the_sites_host(open_mentor, mentee, settings):
    settings.SITE_URL = "https://mentors.example.com"
    booking = book(mentee, open_mentor, local_slot(open_mentor))

    _, event = _only_event(booking_ics(booking=booking, recipient=mentee))

    assert str(event["UID"]) == f"{booking.uid}@mentors.example.com"


def test_confirmed_invitation_is_opaque_gregorian_with_a_call_link_and_both_people_accepted(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))

    cal, event = _only_event(booking_ics(booking=booking, recipient=mentee))

    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert (str(event["STATUS"]), str(event["TRANSP"])) == ("CONFIRMED", "OPAQUE")
    assert str(event["URL"]) == booking.call_url
    assert event["ORGANIZER"].params["PARTSTAT"] == "ACCEPTED"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    # One fact per line, so calendar apps show it as written.
    assert f"\n\nQuestion:\n{booking.question}\n" in str(event["DESCRIPTION"])


def test_unanswered_request_is_tentative_and_awaits_the_mentee_nothing_to_join(open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    booking.call_url = "https://meet.example.org/mm-not-yet"  # even if a link were there already

    _, event = _only_event(booking_ics(booking=booking, recipient=mentee))

    assert str(event["STATUS"]) == "TENTATIVE"
    assert "ATTENDEE" not in event, "an unconfirmed request names nobody's address"
    assert "Join the call" not in str(event["DESCRIPTION"])


def test_cancelled_invitation_is_transparent_and_offers_no_call(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))
    booking = booking_cancel(booking=booking, actor=mentee, reason="Conflict at work")

    _, event = _only_event(booking_ics(booking=booking, method="CANCEL", recipient=open_mentor))

    assert (str(event["STATUS"]), str(event["TRANSP"])) == ("CANCELLED", "TRANSPARENT")
    assert "Join the call" not in str(event["DESCRIPTION"])
    assert "Cancelled: Conflict at work" in str(event["DESCRIPTION"])


def test_publish_method_is_accepted_in_any_case(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))

    cal, _ = _only_event(booking_ics(booking=booking, method="publish", recipient=mentee))

    assert str(cal["METHOD"]) == "PUBLISH"


def test_feed_is_named_and_tells_clients_to_refresh_hourly(open_mentor, mentee):
    book(mentee, open_mentor, local_slot(open_mentor))

    cal = Calendar.from_ical(user_calendar_feed(user=mentee))

    assert str(cal["X-WR-CALNAME"]) == "Mentoring sessions"
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    assert cal.decoded("REFRESH-INTERVAL") == timedelta(hours=1)


# --- availability edits: every bad window is reported, on the day it belongs to --------------------

def test_weekday_outside_monday_to_sunday_is_refused_for_each_window(mentor):
    with pytest.raises(BookingError) as err:
        availability_set_weekly(mentor=mentor, rules=[(7, time(9), time(10)), (-1, time(9), time(10)),
                                                      (0, time(9), time(10))])

    assert err.value.field_errors == {"rules": [
        "Window 1: the weekday must be 0 (Monday) to 6 (Sunday).",
        "Window 2: the weekday must be 0 (Monday) to 6 (Sunday).",
    ]}
    assert not AvailabilityRule.objects.filter(mentor=mentor).exists()


def test_window_without_times_is_refused_on_its_day_and_later_windows_are_still_checked(mentor):
    with pytest.raises(BookingError) as err:
        availability_set_weekly(mentor=mentor, rules=[
            {"weekday": 1, "start": time(9)}, (2, time(12), time(11)), (3, time(9), time(10)), (3, time(9, 30), time(11)),
        ])

    assert set(err.value.field_errors) == {"tuesday", "wednesday", "thursday"}
    assert "give a start and an end time" in err.value.field_errors["tuesday"][0]


def test_at_most_eight_windows_a_day(mentor):
    eight = [(4, time(hour), time(hour, 30)) for hour in range(8, 16)]
    availability_set_weekly(mentor=mentor, rules=eight)

    with pytest.raises(BookingError) as err:
        availability_set_weekly(mentor=mentor, rules=[*eight, (4, time(17), time(17, 30))])

    assert err.value.field_errors == {"friday": ["Friday: at most 8 windows a day."]}
    assert AvailabilityRule.objects.filter(mentor=mentor).count() == 8


def test_window_times_are_stored_to_the_whole_minute(mentor):
    availability_set_weekly(mentor=mentor, rules=[(2, time(8, 0, 15, 250), time(9, 30, 45))])

    rule = AvailabilityRule.objects.get(mentor=mentor)
    assert (rule.start_time, rule.end_time) == (time(8, 0), time(9, 30))


# --- the outbox -----------------------------------------------------------------------------------

def test_a_new_bookings_mails_are_handed_to_one_send_task_by_their_ids(open_mentor, mentee, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    assert notifications.publisher.flush()  # nothing of an earlier test is still on its way
    handed: list[tuple] = []
    monkeypatch.setattr(send_notifications_task, "apply_async", lambda args, **options: handed.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(mentee, open_mentor, local_slot(open_mentor))

    assert notifications.publisher.flush()  # published after commit, on the publisher's thread
    rows = Notification.objects.filter(booking=booking, kind="booking_confirmed").values_list("pk", flat=True)
    [(ids,)] = handed  # one message for both confirmations
    assert sorted(ids) == sorted(rows) and len(ids) == 2


def test_retrying_failed_mail_requeues_only_the_rows_chosen(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    chosen, other = Notification.objects.filter(booking=booking, kind="booking_confirmed")
    Notification.objects.filter(pk__in=[chosen.pk, other.pk]).update(state=Notification.State.FAILED)

    assert notifications_retry(ids=[chosen.pk]) == 1

    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.state, other.state) == (Notification.State.PENDING, Notification.State.FAILED)


def test_arming_reminders_again_leaves_a_sent_reminder_sent(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))
    reminders = Notification.objects.filter(booking=booking, kind__startswith="reminder_")
    assert reminders.count() == 4
    first = reminders.filter(recipient=mentee, kind="reminder_24h").get()
    Notification.objects.filter(pk=first.pk).update(state=Notification.State.SENT)

    rows = reminders_arm(booking=booking)

    assert sorted(row.pk for row in rows) == sorted(reminders.values_list("pk", flat=True))
    first.refresh_from_db()
    assert first.state == Notification.State.SENT


def test_reminders_still_pending_at_the_session_start_are_skipped_not_sent(open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))

    notifications_dispatch_due(now=booking.start)

    reminders = Notification.objects.filter(booking=booking, kind__startswith="reminder_")
    assert set(reminders.values_list("state", "last_error")) == {(Notification.State.SKIPPED, "session already started")}


def test_a_mail_that_cannot_be_built_fails_alone_and_the_rest_of_the_batch_is_sent(open_mentor, mentee, monkeypatch):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))
    broken = Notification.objects.get(booking=booking, kind="booking_confirmed", recipient=open_mentor)
    build = emails.notification_email

    def build_or_break(row):
        if row.pk == broken.pk:
            raise ValueError("template error")
        return build(row)

    monkeypatch.setattr(emails, "notification_email", build_or_break)

    counts = notifications_dispatch_due(now=booking.created_at)

    assert (counts["sent"], counts["failed"], counts["retry"]) == (1, 1, 0)
    broken.refresh_from_db()
    assert (broken.state, broken.attempts) == (Notification.State.FAILED, 1)


def test_every_transient_failure_in_a_batch_is_counted_as_a_retry(open_mentor, mentee, settings):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))
    settings.EMAIL_BACKEND = "sessions.tests.test_notifications.FailingSMTPBackend"

    counts = notifications_dispatch_due(now=booking.created_at)

    assert (counts["claimed"], counts["retry"], counts["sent"]) == (2, 2, 0)


def test_the_mail_connection_is_closed_after_a_batch(open_mentor, mentee, monkeypatch):
    booking = book(mentee, open_mentor, local_slot(open_mentor, days=5))
    opened = []

    def connect(**kwargs):
        connection = get_connection(**kwargs)
        connection.close = lambda: opened.remove(connection)
        opened.append(connection)
        return connection

    monkeypatch.setattr(notifications, "get_connection", connect)

    assert notifications_dispatch_due(now=booking.created_at)["sent"] == 2
    assert opened == []


def test_nothing_due_reports_every_count_as_zero():
    assert notifications_dispatch_due() == {"claimed": 0, "sent": 0, "skipped": 0, "retry": 0, "failed": 0}
