"""Caps per mentee: open requests per mentor and overall, sessions with one mentor per week.

From the tracker: one mentee held 50 pending requests with one mentor in 1.9 s (51 emails to the
mentor) and filled another mentor's week with four bookings.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from sessions.errors import BookingError
from sessions.models import Booking, Notification
from sessions.services.bookings import booking_cancel, booking_decline, booking_reschedule
from sessions.tests.test_bookings_support import book, iso, local_slot, open_every_day, set_policy
from tests.factories import MenteeFactory, MentorFactory

LIST = reverse("api:booking-list")


def _approving(mentor=None, **policy):
    mentor = mentor or MentorFactory(timezone="Europe/Berlin")
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True, min_notice_hours=0, horizon_days=180, **policy)
    return mentor


def _open(mentor=None, **policy):
    mentor = mentor or MentorFactory(timezone="Europe/Berlin")
    open_every_day(mentor)
    set_policy(mentor, min_notice_hours=0, horizon_days=180, **policy)
    return mentor


def _weeks(mentor, n, *, first=1):
    """n starts one week apart (Wednesdays 10:00 in the mentor's zone), so only one cap can bind."""
    monday = local_slot(mentor, days=0).astimezone(mentor.tzinfo).date()
    monday -= timedelta(days=monday.weekday())
    return [local_slot(mentor, on=monday + timedelta(days=2 + 7 * (first + i))) for i in range(n)]


# --- open requests ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_third_open_request_with_one_mentor_is_refused_and_the_mentor_gets_no_mail(mentee):
    mentor = _approving()
    starts = _weeks(mentor, 3)
    book(mentee, mentor, starts[0])
    book(mentee, mentor, starts[1])
    mails_before = Notification.objects.filter(recipient=mentor).count()
    with pytest.raises(BookingError) as caught:
        book(mentee, mentor, starts[2])
    assert caught.value.status == 409 and caught.value.code == "too_many_requests_open"
    assert f"with {mentor.display_name}" in caught.value.message and "at most 2" in caught.value.message
    assert Booking.objects.filter(mentee=mentee, mentor=mentor).count() == 2
    assert Notification.objects.filter(recipient=mentor).count() == mails_before


@pytest.mark.django_db
def test_sixth_open_request_across_mentors_is_refused(mentee):
    mentors = [_approving() for _ in range(6)]
    # Different days: the mentee's own calendar must not be what refuses them.
    for i, mentor in enumerate(mentors[:5]):
        book(mentee, mentor, local_slot(mentor, days=2 + i))
    with pytest.raises(BookingError) as caught:
        book(mentee, mentors[5], local_slot(mentors[5], days=9))
    assert caught.value.code == "too_many_requests_open" and "5 unanswered requests open" in caught.value.message
    assert Booking.objects.filter(mentee=mentee).count() == 5


@pytest.mark.django_db
def test_answered_withdrawn_or_expired_requests_free_the_place(mentee, frozen_now):
    mentor = _approving()
    starts = _weeks(mentor, 5)
    first = book(mentee, mentor, starts[0])
    second = book(mentee, mentor, starts[1])
    booking_decline(booking=first, actor=mentor, reason="Busy")
    third = book(mentee, mentor, starts[2])
    booking_cancel(booking=second, actor=mentee, reason="Found an answer")
    book(mentee, mentor, starts[3])
    # An unanswered request past its expiry no longer counts, even before the sweeper marks it.
    Booking.objects.filter(pk=third.pk).update(expires_at=third.created_at + timedelta(minutes=1))
    frozen_now.move_to(third.created_at + timedelta(minutes=2))
    assert book(mentee, mentor, starts[4]).status == Booking.Status.REQUESTED


@pytest.mark.django_db
def test_open_request_caps_come_from_settings(mentee, settings):
    settings.BOOKING_MAX_OPEN_REQUESTS_PER_MENTOR = 1
    mentor = _approving()
    starts = _weeks(mentor, 2)
    book(mentee, mentor, starts[0])
    with pytest.raises(BookingError) as caught:
        book(mentee, mentor, starts[1])
    assert caught.value.code == "too_many_requests_open"


@pytest.mark.django_db
def test_mentors_who_confirm_at_once_open_no_requests_to_cap(mentee):
    mentor = _open()
    for start in _weeks(mentor, 4):
        assert book(mentee, mentor, start).status == Booking.Status.CONFIRMED


# --- sessions per mentor per week ---------------------------------------------------------------

@pytest.mark.django_db
def test_third_session_with_one_mentor_in_a_week_is_refused(mentee):
    mentor = _open()
    wednesday = _weeks(mentor, 1)[0]
    book(mentee, mentor, wednesday)
    book(mentee, mentor, wednesday + timedelta(days=1))
    with pytest.raises(BookingError) as caught:
        book(mentee, mentor, wednesday + timedelta(days=2))
    assert caught.value.status == 409 and caught.value.code == "too_many_sessions_with_mentor"
    assert caught.value.field_errors["start"] == [caught.value.message]
    # The next week is another week, and another mentee is not affected.
    assert book(mentee, mentor, wednesday + timedelta(days=7)).status == Booking.Status.CONFIRMED
    assert book(MenteeFactory(), mentor, wednesday + timedelta(days=2)).status == Booking.Status.CONFIRMED


@pytest.mark.django_db
def test_a_cancelled_session_does_not_use_up_the_week(mentee):
    mentor = _open()
    wednesday = _weeks(mentor, 1)[0]
    book(mentee, mentor, wednesday)
    booking_cancel(booking=book(mentee, mentor, wednesday + timedelta(days=1)), actor=mentee, reason="Clash")
    assert book(mentee, mentor, wednesday + timedelta(days=2)).status == Booking.Status.CONFIRMED


@pytest.mark.django_db
def test_week_is_the_mentors_local_iso_week(mentee):
    # Sunday 19:00 in Auckland is still Sunday there but Sunday 06:00 UTC; Monday 09:00 Auckland
    # is Sunday 20:00 UTC. A UTC week would count both in one week; the mentor's week does not.
    mentor = _open(MentorFactory(timezone="Pacific/Auckland"))
    wednesday = _weeks(mentor, 1)[0]
    sunday = wednesday + timedelta(days=4, hours=9)   # 19:00 local
    book(mentee, mentor, wednesday)
    book(mentee, mentor, sunday)
    monday = local_slot(mentor, on=sunday.astimezone(mentor.tzinfo).date() + timedelta(days=1), hour=9)
    assert monday.astimezone(mentor.tzinfo).isocalendar().week != sunday.astimezone(mentor.tzinfo).isocalendar().week
    assert monday.isocalendar().week == sunday.isocalendar().week  # the same UTC week
    assert book(mentee, mentor, monday).status == Booking.Status.CONFIRMED


@pytest.mark.django_db
def test_reschedule_into_a_full_week_is_refused_but_within_it_is_fine(mentee):
    mentor = _open()
    wednesday, next_wednesday = _weeks(mentor, 2)
    book(mentee, mentor, wednesday)
    moving = book(mentee, mentor, wednesday + timedelta(days=1))
    # Moving inside the same week does not count the session against itself.
    moving = booking_reschedule(booking=moving, actor=mentee, new_start=wednesday + timedelta(days=2))
    other = book(mentee, mentor, next_wednesday)
    with pytest.raises(BookingError) as caught:
        booking_reschedule(booking=other, actor=mentee, new_start=wednesday + timedelta(days=1, hours=2))
    assert caught.value.code == "too_many_sessions_with_mentor"
    other.refresh_from_db()
    assert other.start == next_wednesday


# --- page and API ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_page_and_api_refuse_the_same_way(client_for, mentee):
    mentor = _approving()
    starts = _weeks(mentor, 3)
    book(mentee, mentor, starts[0])
    book(mentee, mentor, starts[1])
    payload = {"mentor": mentor.pk, "start": iso(starts[2]), "duration": 30, "topic": "Interviews",
               "question": "How do I answer system design questions at staff level?"}
    api = client_for(mentee).post(LIST, payload, format="json")
    page = client_for(mentee).post(reverse("booking:book", args=[mentor.pk]),
                                   {**payload, "context_url": ""})
    assert api.status_code == page.status_code == 409
    body = api.json()
    assert body["code"] == "too_many_requests_open"
    html = page.content.decode()
    assert body["detail"].replace("'", "&#x27;") in html
    # What the mentee wrote is kept on the page.
    assert "How do I answer system design questions at staff level?" in html
    assert Booking.objects.filter(mentee=mentee).count() == 2


# --- under real concurrency (PostgreSQL) ----------------------------------------------------------

def _race(work, n):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def runner(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test reports anything unexpected
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _post_as(mentee, payload):
    client = APIClient()
    client.force_authenticate(mentee)
    response = client.post(LIST, payload, format="json")
    return response.status_code, response.json().get("code")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_racing_requests_to_one_mentor_cannot_pass_the_cap():
    mentee = MenteeFactory()
    mentor = _approving()
    starts = _weeks(mentor, 10)  # one a week: only the open-request cap can refuse them
    results = _race(lambda i: _post_as(mentee, {
        "mentor": mentor.pk, "start": iso(starts[i]), "duration": 30, "topic": "Race",
        "question": "Will only two of these requests get through?"}), 10)
    assert sorted(results) == [(201, None)] * 2 + [(409, "too_many_requests_open")] * 8, results
    assert Booking.objects.filter(mentee=mentee, status="requested").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_racing_requests_to_ten_mentors_cannot_pass_the_overall_cap():
    # Ten mentors: ten different policy locks, so only the mentee's own row lock serialises them.
    mentee = MenteeFactory()
    mentors = [_approving() for _ in range(10)]
    results = _race(lambda i: _post_as(mentee, {
        "mentor": mentors[i].pk, "start": iso(local_slot(mentors[i], days=2 + i)), "duration": 30,
        "topic": "Race", "question": "Will only five of these requests get through?"}), 10)
    assert sorted(results) == [(201, None)] * 5 + [(409, "too_many_requests_open")] * 5, results
    assert Booking.objects.filter(mentee=mentee, status="requested").count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_racing_bookings_in_one_week_cannot_pass_the_weekly_cap():
    mentee = MenteeFactory()
    mentor = _open()
    wednesday = _weeks(mentor, 1)[0]
    starts = [wednesday + timedelta(days=i // 3 - 2, hours=i % 3) for i in range(10)]  # Mon-Sun, no overlaps
    results = _race(lambda i: _post_as(mentee, {
        "mentor": mentor.pk, "start": iso(starts[i]), "duration": 30, "topic": "Race",
        "question": "Will only two of these sessions get booked?"}), 10)
    assert sorted(results) == [(201, None)] * 2 + [(409, "too_many_sessions_with_mentor")] * 8, results
    assert Booking.objects.filter(mentee=mentee, status="confirmed").count() == 2
