"""Time-driven transitions: expiry, completion and no-show reports (service and API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sessions.errors import BookingError
from sessions.models import Booking, BookingEvent, Notification, ReliabilityRecord
from sessions.services.lifecycle import booking_report_no_show, requests_expire_due, sessions_complete_due
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


# --- no-show: service -----------------------------------------------------------------------------

def test_mentee_reports_absent_mentor_on_a_completed_session(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    sessions_complete_due(now=END + timedelta(hours=1), grace=15)
    booking = booking_report_no_show(booking=booking, actor=mentee, party="mentor", now=END + timedelta(hours=2))
    assert (booking.status, booking.no_show_party, booking.no_show_reported_by) == ("no_show", "mentor", mentee)
    # The completion counted for both is taken back; the absent mentor gets the no-show.
    assert _record(mentor) == (0, 0, 1)
    assert _record(mentee) == (0, 0, 0)
    assert BookingEvent.objects.filter(booking=booking, kind="no_show", actor=mentee).count() == 1


def test_mentor_reports_absent_mentee_before_the_completion_job_ran(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    booking = booking_report_no_show(booking=booking, actor=mentor, now=END + timedelta(minutes=5))
    assert (booking.status, booking.no_show_party) == ("no_show", "mentee")
    assert _record(mentee) == (0, 0, 1)
    # The completion job leaves it alone afterwards.
    assert sessions_complete_due(now=END + timedelta(hours=1), grace=15) == 0


@pytest.mark.parametrize(("moment", "code"), [
    (START + timedelta(minutes=10), "not_ended"),
    (END + timedelta(hours=48, seconds=1), "too_late"),
])
def test_no_show_only_between_end_and_48_hours_after(mentor, mentee, moment, code):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    with pytest.raises(BookingError) as error:
        booking_report_no_show(booking=booking, actor=mentee, now=moment)
    assert (error.value.status, error.value.code) == (409, code)
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    assert not ReliabilityRecord.objects.exists()


def test_no_show_is_reported_once(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    booking_report_no_show(booking=booking, actor=mentee, now=END + timedelta(hours=1))
    with pytest.raises(BookingError) as error:
        booking_report_no_show(booking=booking, actor=mentor, party="mentee", now=END + timedelta(hours=1))
    assert error.value.code == "already_reported"
    assert _record(mentor) == (0, 0, 1) and _record(mentee) == (0, 0, 0)


def test_no_show_rejects_strangers_self_reports_and_cancelled_sessions(mentor, mentee, stranger):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    later = END + timedelta(hours=1)
    with pytest.raises(BookingError) as error:
        booking_report_no_show(booking=booking, actor=stranger, now=later)
    assert error.value.status == 403
    with pytest.raises(BookingError) as error:
        booking_report_no_show(booking=booking, actor=mentee, party="mentee", now=later)
    assert "party" in error.value.field_errors
    with pytest.raises(BookingError) as error:
        booking_report_no_show(booking=booking, actor=mentee, party="nobody", now=later)
    assert "party" in error.value.field_errors
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")
    with pytest.raises(BookingError) as error:
        booking_report_no_show(booking=booking, actor=mentee, now=later)
    assert error.value.code == "wrong_state"


# --- no-show: API ---------------------------------------------------------------------------------

def _ended_booking(mentor, mentee, *, hours_ago: float = 1) -> Booking:
    start = timezone.now() - timedelta(hours=hours_ago, minutes=30)
    return BookingFactory(mentor=mentor, mentee=mentee, start=start)


def _url(booking) -> str:
    return reverse("api:booking-no-show", args=[booking.pk])


def test_api_no_show_anonymous_is_401(api_client, mentor, mentee):
    booking = _ended_booking(mentor, mentee)
    response = api_client.post(_url(booking), {}, format="json")
    assert response.status_code == 401
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_api_no_show_stranger_is_404(client_for, mentor, mentee, stranger):
    booking = _ended_booking(mentor, mentee)
    response = client_for(stranger).post(_url(booking), {}, format="json")
    assert response.status_code == 404
    assert client_for(stranger).post(reverse("api:booking-no-show", args=[999999]), {}).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_api_no_show_staff_who_is_not_a_participant_is_403(client_for, mentor, mentee, staff):
    booking = _ended_booking(mentor, mentee)
    response = client_for(staff).post(_url(booking), {}, format="json")
    assert response.status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_api_mentee_reports_the_mentor(client_for, mentor, mentee):
    booking = _ended_booking(mentor, mentee)
    response = client_for(mentee).post(_url(booking), {"party": "mentor"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": booking.pk, "status": "no_show", "no_show_party": "mentor"}
    assert _record(mentor) == (0, 0, 1)


def test_api_mentor_reports_the_mentee_by_default(client_for, mentor, mentee):
    booking = _ended_booking(mentor, mentee)
    response = client_for(mentor).post(_url(booking), {}, format="json")
    assert response.status_code == 200
    assert response.json()["no_show_party"] == "mentee"
    assert _record(mentee) == (0, 0, 1)


def test_api_no_show_bad_input_is_4xx_with_a_message(client_for, mentor, mentee):
    booking = _ended_booking(mentor, mentee)
    client = client_for(mentee)

    response = client.post(_url(booking), {"party": "alien"}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["party"]
    response = client.post(_url(booking), {"party": "mentee"}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["party"]

    upcoming = BookingFactory(mentor=mentor, mentee=mentee, start=timezone.now() + timedelta(hours=5))
    response = client.post(_url(upcoming), {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_ended"

    old = _ended_booking(mentor, mentee, hours_ago=49)
    response = client.post(_url(old), {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "too_late"

    assert client.post(_url(booking), {}, format="json").status_code == 200
    response = client.post(_url(booking), {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_reported"
    assert _record(mentor) == (0, 0, 1)
