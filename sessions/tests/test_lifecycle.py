"""Time-driven transitions: expiry and completion. No-show reports: test_noshow_*.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sessions.models import BookingEvent, Notification, ReliabilityRecord
from sessions.services.lifecycle import requests_expire_due, sessions_complete_due
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

START = datetime(2027, 1, 18, 15, 0, tzinfo=UTC)
END = START + timedelta(minutes=30)


def _record(user) -> tuple[int, int, int]:
    record = ReliabilityRecord.objects.filter(user=user).first()
    return (record.sessions_completed, record.late_cancellations, record.no_shows) if record else (0, 0, 0)


# --- expiry ---------------------------------------------------------------------------------------

def test_unanswered_request_expires_and_mentee_is_told_once_when_job_runs_twice(mentor, mentee):
    expires = START - timedelta(days=2)
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START, status="requested", expires_at=expires)
    waiting = BookingFactory(mentor=mentor, mentee=mentee, start=START + timedelta(hours=2), status="requested",
                             expires_at=expires + timedelta(minutes=1))

    assert requests_expire_due(now=expires) == 1
    assert requests_expire_due(now=expires) == 0
    booking.refresh_from_db()
    assert booking.status == "expired" and booking.sequence == 1
    assert BookingEvent.objects.filter(booking=booking, kind="expired").count() == 1
    [row] = Notification.objects.filter(booking=booking)
    assert (row.kind, row.recipient) == ("booking_expired", mentee)
    waiting.refresh_from_db()
    assert waiting.status == "requested"

    notifications_dispatch_due(now=expires)
    notifications_dispatch_due(now=expires)
    [message] = mail.outbox
    assert message.to == [mentee.email]
    assert "expired" in message.body and message.alternatives[0][1] == "text/html"
    assert "Mon 18 Jan 2027, 10:00 EST (America/New_York)" in message.body
    # The mentor's page lives at its slug; the mail once linked /mentors/<id>/, a 404.
    assert f"All of Maya Mentor's times: http://localhost:8000{mentor.mentor_profile.get_absolute_url()}\n" in message.body


def test_expiry_mail_lists_other_free_slots_of_that_mentor(mentor, mentee):
    from sessions.models import AvailabilityRule

    now = timezone.now()
    for weekday in range(7):
        AvailabilityRule.objects.create(mentor=mentor, weekday=weekday, start_time="09:00", end_time="12:00")
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=now + timedelta(days=3), status="requested",
                             expires_at=now - timedelta(minutes=1))
    requests_expire_due(now=now)
    notifications_dispatch_due()
    [message] = mail.outbox
    assert "Other free times with Maya Mentor:" in message.body
    assert f"/mentors/{mentor.pk}/book/?start=" in message.body and "duration=30" in message.body
    assert "(America/New_York)" in message.body.split("Other free times")[1]
    booking.refresh_from_db()
    assert booking.status == "expired" and message.to == [mentee.email]


def test_confirmed_booking_never_expires(mentor, mentee):
    BookingFactory(mentor=mentor, mentee=mentee, start=START, status="confirmed", expires_at=START - timedelta(days=3))
    assert requests_expire_due(now=START) == 0


# --- completion -----------------------------------------------------------------------------------

def test_session_completes_after_grace_and_counts_once_when_job_runs_twice(mentor, mentee, settings):
    settings.SESSION_COMPLETE_GRACE_MINUTES = 15
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)

    assert sessions_complete_due(now=END + timedelta(minutes=14)) == 0
    assert sessions_complete_due(now=END + timedelta(minutes=15)) == 1
    assert sessions_complete_due(now=END + timedelta(minutes=16)) == 0
    booking.refresh_from_db()
    assert booking.status == "completed" and booking.completed_at == END + timedelta(minutes=15)
    assert _record(mentor) == (1, 0, 0) and _record(mentee) == (1, 0, 0)
    assert BookingEvent.objects.filter(booking=booking, kind="completed").count() == 1

    notifications_dispatch_due(now=END + timedelta(minutes=16))
    [message] = mail.outbox
    assert message.to == [mentee.email]
    assert message.subject == "How was your session with Maya Mentor?"
    assert f"/sessions/{booking.pk}/" in message.body and f"/sessions/{booking.pk}/" in message.alternatives[0][0]


def test_rate_invitation_respects_email_updates(mentor, mentee):
    mentee.email_updates = False
    mentee.save()
    BookingFactory(mentor=mentor, mentee=mentee, start=START)
    assert sessions_complete_due(now=END + timedelta(hours=1), grace=15) == 1
    assert not Notification.objects.exists()


def test_cancelled_and_requested_sessions_are_not_completed(mentor, mentee):
    BookingFactory(mentor=mentor, mentee=mentee, start=START, status="cancelled")
    BookingFactory(mentor=mentor, mentee=mentee, start=START + timedelta(hours=1), status="requested")
    assert sessions_complete_due(now=START + timedelta(days=1)) == 0
