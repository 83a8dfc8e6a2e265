"""A mentor who needs more time extends a request's answer time: only the mentor, only a pending
request, only once, by a bounded amount and never past the start; the history says so and the
mentee is told through the outbox. The page and the API call the same service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError

from sessions.errors import BookingError
from sessions.models import Booking, BookingEvent, Notification
from sessions.services.bookings import booking_confirm, booking_extend
from sessions.tests.test_bookings_support import book, local_slot, open_every_day, run_concurrently, set_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(mentor, mentee):
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    return book(mentee, mentor, local_slot(mentor, days=5))


def test_the_mentor_extends_once_by_the_setting_with_a_history_row_and_a_mail_to_the_mentee(
        request_, mentor, mentee, settings, django_capture_on_commit_callbacks):
    settings.BOOKING_REQUEST_EXTEND_HOURS = 24
    before = request_.expires_at
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_extend(booking=request_, actor=mentor)
    assert booking.expires_at == before + timedelta(hours=24)
    booking.refresh_from_db()
    assert booking.expires_at == before + timedelta(hours=24)
    assert booking.status == Booking.Status.REQUESTED
    event = booking.events.get(kind=BookingEvent.Kind.EXTENDED)
    assert (event.actor, event.from_end, event.to_end) == (mentor, before, before + timedelta(hours=24))
    mail = Notification.objects.get(booking=booking, kind="booking_extended")
    assert mail.recipient == mentee
    assert not Notification.objects.filter(booking=booking, kind="booking_extended", recipient=mentor).exists()


def test_fewer_hours_may_be_asked_and_more_than_the_bound_is_refused(request_, mentor, settings):
    settings.BOOKING_REQUEST_EXTEND_HOURS = 24
    with pytest.raises(BookingError) as refused:
        booking_extend(booking=request_, actor=mentor, hours=25)
    assert refused.value.status == 400 and "hours" in refused.value.field_errors
    with pytest.raises(BookingError):
        booking_extend(booking=request_, actor=mentor, hours=0)
    before = request_.expires_at
    assert booking_extend(booking=request_, actor=mentor, hours=24).expires_at == before + timedelta(hours=24)


def test_the_extension_never_passes_the_start(mentor, mentee, settings, frozen_now):
    frozen_now.move_to("2026-11-02T06:00:00Z", tick=False)
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    settings.BOOKING_REQUEST_EXTEND_HOURS = 24
    # Now is Mon 06:00 UTC: the request expires Wed 06:00 (48 h), the session starts Wed 17:00 UTC.
    start = local_slot(mentor, days=2, hour=18)
    booking = book(mentee, mentor, start)
    assert start - booking.expires_at == timedelta(hours=11)
    assert booking_extend(booking=booking, actor=mentor).expires_at == start


def test_a_request_that_runs_until_the_start_cannot_be_extended(request_, mentor):
    Booking.objects.filter(pk=request_.pk).update(expires_at=request_.start)
    request_.refresh_from_db()
    with pytest.raises(BookingError) as refused:
        booking_extend(booking=request_, actor=mentor)
    assert refused.value.code == "too_late" and refused.value.status == 409


def test_only_once(request_, mentor):
    booking_extend(booking=request_, actor=mentor, hours=1)
    with pytest.raises(BookingError) as refused:
        booking_extend(booking=request_, actor=mentor, hours=1)
    assert refused.value.code == "already_extended" and refused.value.status == 409
    assert request_.events.filter(kind=BookingEvent.Kind.EXTENDED).count() == 1


def test_the_database_refuses_a_second_extension_row(request_, mentor):
    BookingEvent.objects.create(booking=request_, kind=BookingEvent.Kind.EXTENDED, actor=mentor)
    with pytest.raises(IntegrityError):
        BookingEvent.objects.create(booking=request_, kind=BookingEvent.Kind.EXTENDED, actor=mentor)


def test_the_mentee_may_not_extend_and_a_stranger_learns_nothing(request_, mentee, stranger):
    with pytest.raises(BookingError) as mentee_refused:
        booking_extend(booking=request_, actor=mentee)
    assert mentee_refused.value.status == 403
    with pytest.raises(BookingError) as stranger_refused:
        booking_extend(booking=request_, actor=stranger)
    assert stranger_refused.value.status == 404
    assert not request_.events.filter(kind=BookingEvent.Kind.EXTENDED).exists()


def test_only_a_pending_request(request_, mentor):
    booking_confirm(booking=request_, actor=mentor)
    with pytest.raises(BookingError) as refused:
        booking_extend(booking=request_, actor=mentor)
    assert refused.value.code == "wrong_state"


def test_an_expired_request_cannot_be_extended(request_, mentor, frozen_now):
    frozen_now.move_to(request_.expires_at + timedelta(minutes=1))
    with pytest.raises(BookingError) as refused:
        booking_extend(booking=request_, actor=mentor)
    assert refused.value.code == "expired"


def test_api_extend(request_, mentor, mentee, stranger, client_for, settings):
    settings.BOOKING_REQUEST_EXTEND_HOURS = 12
    url = f"/api/v1/bookings/{request_.pk}/extend/"
    assert client_for(stranger).post(url, {}, format="json").status_code == 404
    assert client_for(mentee).post(url, {}, format="json").status_code == 403
    assert client_for(mentor).post(url, {"hours": 13}, format="json").status_code == 400
    response = client_for(mentor).post(url, {"hours": 2}, format="json")
    assert response.status_code == 200, response.content
    assert [e["kind"] for e in response.json()["events"]] == ["requested", "extended"]
    again = client_for(mentor).post(url, {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_extended")


def test_session_page_offers_extend_once(request_, mentor, client_for):
    client = client_for(mentor)
    page = client.get(f"/sessions/{request_.pk}/").content.decode()
    assert 'id="extend-button"' in page
    response = client.post(f"/sessions/{request_.pk}/extend/")
    assert response.status_code == 302
    assert 'id="extend-button"' not in client.get(f"/sessions/{request_.pk}/").content.decode()


def test_the_extension_mail_names_the_new_answer_time_in_the_mentees_zone(request_, mentor, mentee):
    from sessions.emails import notification_email

    booking_extend(booking=request_, actor=mentor)
    message = notification_email(Notification.objects.get(booking=request_, kind="booking_extended"))
    assert "America/New_York" in message.body and "stays open until" in message.body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_extensions_extend_once(mentor, mentee):
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    booking = book(mentee, mentor, local_slot(mentor, days=5))
    before = booking.expires_at
    results = run_concurrently(lambda i: booking_extend(booking=Booking.objects.get(pk=booking.pk), actor=mentor,
                                                        hours=1), 6)
    assert sorted(kind for kind, _ in results) == ["error"] * 5 + ["ok"]
    assert {exc.code for kind, exc in results if kind == "error"} == {"already_extended"}
    booking.refresh_from_db()
    assert booking.expires_at == before + timedelta(hours=1)
    assert booking.events.filter(kind=BookingEvent.Kind.EXTENDED).count() == 1
    assert Notification.objects.filter(booking=booking, kind="booking_extended").count() == 1
