"""The outbox: who is told what and when, reminders in real elapsed time, and exactly-once sending.

Time is pinned: services take `now`, so nothing here depends on the wall clock.
"""

from __future__ import annotations

import smtplib
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from icalendar import Calendar

from sessions.models import Booking, Notification
from sessions.services.notifications import (
    booking_notify,
    notifications_dispatch_due,
    notifications_retry,
    reminders_arm,
    reminders_cancel,
)
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# A Monday, far from any DST change: 15:00 UTC is 16:00 in Berlin and 10:00 in New York.
START = datetime(2027, 1, 18, 15, 0, tzinfo=UTC)
ARMED_AT = START - timedelta(days=5)


class FailingSMTPBackend(BaseEmailBackend):
    """A real email backend whose mail server is down: every send raises, like smtplib would."""

    calls = 0

    def send_messages(self, email_messages):
        FailingSMTPBackend.calls += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def _booking(mentor, mentee, start=START, **kwargs) -> Booking:
    return BookingFactory(mentor=mentor, mentee=mentee, start=start, **kwargs)


def _reminders(booking):
    return {(n.kind, n.recipient_id): n for n in Notification.objects.filter(booking=booking, kind__startswith="reminder_")}


# --- arming ---------------------------------------------------------------------------------------

def test_confirmed_booking_arms_24h_and_1h_reminders_for_both_participants(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    rows = _reminders(booking)
    assert set(rows) == {("reminder_24h", mentor.pk), ("reminder_1h", mentor.pk),
                         ("reminder_24h", mentee.pk), ("reminder_1h", mentee.pk)}
    assert rows["reminder_24h", mentee.pk].due_at == START - timedelta(hours=24)
    assert rows["reminder_1h", mentor.pk].due_at == START - timedelta(hours=1)
    assert {r.state for r in rows.values()} == {"pending"}


def test_arming_twice_creates_each_reminder_once(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    reminders_arm(booking=booking, now=ARMED_AT)
    assert Notification.objects.filter(booking=booking).count() == 4


def test_preferences_choose_which_reminders_each_person_gets(mentor, mentee):
    mentor.remind_24h = False
    mentor.save()
    mentee.remind_24h = mentee.remind_1h = False
    mentee.save()
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    assert set(_reminders(booking)) == {("reminder_1h", mentor.pk)}


def test_reminder_whose_moment_passed_before_confirmation_is_not_armed(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=START - timedelta(hours=3))
    assert {kind for kind, _ in _reminders(booking)} == {"reminder_1h"}


def test_requested_booking_gets_no_reminders(mentor, mentee):
    booking = _booking(mentor, mentee, status="requested")
    assert reminders_arm(booking=booking, now=ARMED_AT) == []
    assert not Notification.objects.exists()


def test_24h_reminder_of_session_just_after_dst_change_is_24_real_hours_before(mentor, mentee):
    # Berlin springs forward on Sun 28 Mar 2027 at 02:00. A 10:00 session that morning is 08:00
    # UTC; 24 real hours earlier is 08:00 UTC on Saturday, which is 09:00 on Berlin's clocks (25
    # wall-clock hours). Wall-clock arithmetic on the Berlin datetime would give 10:00 Saturday,
    # one real hour too late (23 hours before).
    start = datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN)
    booking = _booking(mentor, mentee, start=start)
    reminders_arm(booking=Booking.objects.get(pk=booking.pk), now=datetime(2027, 3, 20, tzinfo=UTC))
    row = _reminders(booking)["reminder_24h", mentor.pk]
    assert row.due_at == datetime(2027, 3, 27, 8, 0, tzinfo=UTC)
    assert booking.start.astimezone(UTC) - row.due_at == timedelta(hours=24)
    assert row.due_at.astimezone(BERLIN).hour == 9

    # Also when the service is handed the Berlin-aware datetime itself (not re-read from the DB).
    booking.start = start
    booking.sequence += 1
    Booking.objects.filter(pk=booking.pk).update(sequence=booking.sequence)
    reminders_arm(booking=booking, now=datetime(2027, 3, 20, tzinfo=UTC))
    fresh = Notification.objects.get(dedupe_key=f"reminder:{booking.pk}:reminder_24h:to{mentor.pk}:seq{booking.sequence}")
    assert fresh.due_at == datetime(2027, 3, 27, 8, 0, tzinfo=UTC)

    # Dispatched at its moment, it goes out; a minute earlier, it does not.
    assert notifications_dispatch_due(now=datetime(2027, 3, 27, 7, 59, tzinfo=UTC))["sent"] == 0
    Notification.objects.filter(booking=booking, payload__sequence=0).update(state="cancelled")
    counts = notifications_dispatch_due(now=datetime(2027, 3, 27, 8, 0, tzinfo=UTC))
    assert counts["sent"] == 2  # both participants' 24h reminders of the current sequence
    assert "10:00 CEST (Europe/Berlin)" in mail.outbox[0].body + mail.outbox[1].body


def test_cancelled_booking_gets_no_reminders(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")
    assert reminders_cancel(booking=booking) == 4
    counts = notifications_dispatch_due(now=START - timedelta(minutes=30))
    assert counts["sent"] == 0
    assert mail.outbox == []
    assert set(Notification.objects.values_list("state", flat=True)) == {"cancelled"}


def test_cancelled_booking_whose_reminders_were_not_cancelled_is_skipped_at_send_time(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")
    counts = notifications_dispatch_due(now=START - timedelta(minutes=30))
    assert counts == {"claimed": 4, "sent": 0, "skipped": 4, "retry": 0, "failed": 0}
    assert mail.outbox == []


def test_rescheduled_booking_rearms_reminders_for_the_new_time(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    new_start = START + timedelta(days=2, hours=3)
    # What booking_reschedule does inside its transaction.
    booking.start, booking.end = new_start, new_start + timedelta(minutes=30)
    booking.blocked_start, booking.blocked_end = booking.start, booking.end
    booking.sequence += 1
    booking.save()
    reminders_cancel(booking=booking)
    reminders_arm(booking=booking, now=ARMED_AT)

    pending = Notification.objects.filter(booking=booking, state="pending")
    assert pending.count() == 4
    assert {n.due_at for n in pending} == {new_start - timedelta(hours=24), new_start - timedelta(hours=1)}
    # At the OLD reminder moments nothing goes out; at the new ones each reminder goes out once.
    assert notifications_dispatch_due(now=START - timedelta(minutes=59))["sent"] == 0
    assert notifications_dispatch_due(now=new_start - timedelta(hours=24))["sent"] == 2
    assert notifications_dispatch_due(now=new_start - timedelta(minutes=59))["sent"] == 2
    assert notifications_dispatch_due(now=new_start - timedelta(minutes=58))["sent"] == 0
    assert len(mail.outbox) == 4


def test_stale_reminder_of_an_earlier_sequence_is_skipped(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    Booking.objects.filter(pk=booking.pk).update(sequence=1)  # moved without cancelling the old rows
    counts = notifications_dispatch_due(now=START - timedelta(minutes=30))
    assert counts["skipped"] == 4 and counts["sent"] == 0


# --- dispatching ----------------------------------------------------------------------------------

def test_reminder_is_sent_once_when_dispatcher_runs_twice(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    moment = START - timedelta(hours=1)
    first = notifications_dispatch_due(now=moment)
    second = notifications_dispatch_due(now=moment)
    assert first["sent"] == 4 and second["sent"] == 0
    assert len(mail.outbox) == 4
    assert Notification.objects.filter(state="sent", sent_at=moment).count() == 4


def test_reminder_missed_while_workers_were_down_goes_out_late_before_the_start(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    counts = notifications_dispatch_due(now=START - timedelta(minutes=5))
    assert counts["sent"] == 4


def test_reminder_missed_until_after_the_start_is_skipped(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    counts = notifications_dispatch_due(now=START + timedelta(minutes=1))
    assert counts["skipped"] == 4 and counts["sent"] == 0
    assert set(Notification.objects.values_list("last_error", flat=True)) == {"session already started"}
    assert mail.outbox == []


def test_dispatcher_takes_one_batch_at_a_time_in_due_order(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    counts = notifications_dispatch_due(now=START - timedelta(minutes=10), batch=3)
    assert counts["sent"] == 3
    assert Notification.objects.get(state="pending").kind == "reminder_1h"


def test_smtp_failure_is_retried_with_backoff_then_recorded_as_failed(mentor, mentee, settings):
    settings.EMAIL_BACKEND = "sessions.tests.test_notifications.FailingSMTPBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    booking = _booking(mentor, mentee)
    booking_notify(booking=booking, event="cancelled", actor=mentee)
    row = Notification.objects.get(recipient=mentor)
    Notification.objects.exclude(pk=row.pk).delete()
    t0 = row.due_at

    notifications_dispatch_due(now=t0)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.due_at) == ("pending", 1, t0 + timedelta(seconds=60))
    assert "SMTPServerDisconnected" in row.last_error

    # Not due during its backoff: nothing is attempted.
    calls = FailingSMTPBackend.calls
    notifications_dispatch_due(now=t0 + timedelta(seconds=59))
    assert FailingSMTPBackend.calls == calls

    notifications_dispatch_due(now=t0 + timedelta(seconds=60))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.due_at) == ("pending", 2, t0 + timedelta(seconds=180))

    notifications_dispatch_due(now=t0 + timedelta(seconds=180))
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 3)
    assert notifications_dispatch_due(now=t0 + timedelta(days=1))["claimed"] == 0

    # Fixed mail server: the admin action's service queues it again and it goes out once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_retry(ids=[row.pk], now=t0 + timedelta(days=1)) == 1
    assert notifications_dispatch_due(now=t0 + timedelta(days=1))["sent"] == 1
    row.refresh_from_db()
    assert row.state == "sent"
    assert len(mail.outbox) == 1


# --- who is told ----------------------------------------------------------------------------------

def _kinds_to(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_request_tells_the_mentor_and_gives_the_mentee_a_receipt(mentor, mentee):
    booking = _booking(mentor, mentee, status="requested")
    booking_notify(booking=booking, event="requested", actor=mentee)
    assert _kinds_to(mentor) == ["booking_requested"]
    assert _kinds_to(mentee) == ["booking_requested"]


def test_email_updates_off_drops_copies_of_own_actions_but_not_what_others_did(mentor, mentee):
    mentee.email_updates = False
    mentee.save()
    mentor.email_updates = False
    mentor.save()
    booking = _booking(mentor, mentee, status="requested")
    booking_notify(booking=booking, event="requested", actor=mentee)
    assert _kinds_to(mentee) == []  # the receipt is optional
    assert _kinds_to(mentor) == ["booking_requested"]  # the mentor must answer: essential
    booking_notify(booking=booking, event="cancelled", actor=mentee)
    assert _kinds_to(mentor) == ["booking_cancelled", "booking_requested"]
    assert _kinds_to(mentee) == []


def test_confirmation_reaches_both_even_with_email_updates_off(mentor, mentee):
    mentor.email_updates = mentee.email_updates = False
    mentor.save()
    mentee.save()
    booking = _booking(mentor, mentee)
    booking_notify(booking=booking, event="confirmed", actor=mentee)
    assert _kinds_to(mentor) == ["booking_confirmed"] and _kinds_to(mentee) == ["booking_confirmed"]


def test_decline_tells_only_the_mentee(mentor, mentee):
    booking = _booking(mentor, mentee, status="declined")
    booking_notify(booking=booking, event="declined", actor=mentor)
    assert _kinds_to(mentor) == [] and _kinds_to(mentee) == ["booking_declined"]


def test_notify_twice_for_the_same_event_creates_one_row_per_recipient(mentor, mentee):
    booking = _booking(mentor, mentee)
    booking_notify(booking=booking, event="confirmed", actor=mentor)
    booking_notify(booking=booking, event="confirmed", actor=mentor)
    assert Notification.objects.count() == 2


def test_unknown_event_is_a_programming_error(mentor, mentee):
    with pytest.raises(ValueError):
        booking_notify(booking=_booking(mentor, mentee), event="exploded")


# --- the emails -----------------------------------------------------------------------------------

def _sent_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_reminder_emails_have_text_and_html_with_times_in_each_recipients_zone(mentor, mentee):
    booking = _booking(mentor, mentee)
    reminders_arm(booking=booking, now=ARMED_AT)
    assert notifications_dispatch_due(now=START - timedelta(hours=24))["sent"] == 2
    mail.outbox.clear()
    notifications_dispatch_due(now=START - timedelta(minutes=59))
    [to_mentor] = _sent_to(mentor)
    [to_mentee] = _sent_to(mentee)
    assert "Mon 18 Jan 2027, 16:00 CET (Europe/Berlin)" in to_mentor.body
    assert "Mon 18 Jan 2027, 10:00 EST (America/New_York)" in to_mentee.body
    for message in (to_mentor, to_mentee):
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert booking.call_url in message.body and booking.call_url in html
        assert booking.question in message.body and booking.question in html
        assert f"/sessions/{booking.pk}/" in message.body
        assert message.subject.startswith("In 1 hour:")
    assert "10:00 EST (America/New_York)" in to_mentee.alternatives[0][0]
    assert Notification.objects.get(recipient=mentee, kind="reminder_1h").subject == to_mentee.subject


def test_confirmation_carries_an_ics_request_and_cancellation_an_ics_cancel(mentor, mentee):
    booking = _booking(mentor, mentee)
    booking_notify(booking=booking, event="confirmed", actor=mentor)
    Booking.objects.filter(pk=booking.pk).update(status="cancelled", sequence=1, cancel_reason="Sick",
                                                 cancelled_by=mentor)
    booking.refresh_from_db()
    booking_notify(booking=booking, event="cancelled", actor=mentor)
    notifications_dispatch_due(now=START - timedelta(days=1))
    to_mentee = _sent_to(mentee)
    assert [m.subject.split(":")[0] for m in to_mentee] == ["Confirmed", "Cancelled"]
    methods = []
    for message in to_mentee:
        [(name, content, mimetype)] = message.attachments
        assert name == "invite.ics"
        calendar = Calendar.from_ical(content)
        methods.append(str(calendar["METHOD"]))
        assert mimetype.startswith("text/calendar")
        assert message.alternatives[0][1] == "text/html"
    assert methods == ["REQUEST", "CANCEL"]
    assert "Reason: Sick" in to_mentee[1].body
    assert "Maya Mentor cancelled your session on Mon 18 Jan 2027, 10:00 EST (America/New_York)" in to_mentee[1].body


def test_email_html_escapes_what_people_typed(mentor, mentee):
    booking = _booking(mentor, mentee, question="Is <script>alert(1)</script> a good question?")
    booking_notify(booking=booking, event="confirmed", actor=mentor)
    notifications_dispatch_due(now=START - timedelta(days=1))
    html = _sent_to(mentee)[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in _sent_to(mentee)[0].body  # plain text stays plain


def test_the_publisher_merges_what_queued_while_the_broker_was_busy_into_one_message(monkeypatch):
    """Ids queued by several transactions while a publish is under way leave in ONE next message:
    under load the broker sees one publish for many bookings, and every id is in exactly one."""
    import threading

    from sessions.services import notifications

    assert notifications.publisher.flush()
    first_taken, go_on = threading.Event(), threading.Event()
    messages: list[list[int]] = []

    def publish(ids):
        messages.append(list(ids))
        first_taken.set()
        assert go_on.wait(timeout=10), "the test never let the broker answer"

    monkeypatch.setattr(notifications, "_publish", publish)
    notifications.publisher.submit([1, 2])
    assert first_taken.wait(timeout=10)
    for ids in ([3, 4], [5], [6, 7]):  # three more transactions commit meanwhile
        notifications.publisher.submit(ids)
    go_on.set()
    assert notifications.publisher.flush(timeout=10)

    assert messages == [[1, 2], [3, 4, 5, 6, 7]]
