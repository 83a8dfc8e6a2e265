"""Booking API: permissions for every endpoint, bad input per field, pinned list queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Booking, BookingEvent, Notification
from sessions.tests.test_bookings_support import book, iso, local_slot, open_every_day, set_policy
from tests.factories import BookingFactory, MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:booking-list")


@pytest.fixture
def open_mentor(mentor):
    open_every_day(mentor)
    return mentor


@pytest.fixture
def booking(open_mentor, mentee):
    return book(mentee, open_mentor, local_slot(open_mentor))


@pytest.fixture
def request_booking(open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    return book(mentee, open_mentor, local_slot(open_mentor))


def _payload(who, **changes):
    data = {"mentor": who.pk, "start": iso(local_slot(who)), "duration": 30, "topic": "Interviews",
            "question": "How do I answer system design questions at staff level?", "context_url": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _written():
    return Booking.objects.count(), BookingEvent.objects.count(), Notification.objects.count()


# --- create --------------------------------------------------------------------------------------

def test_anonymous_cannot_book(api_client, open_mentor):
    response = api_client.post(LIST, _payload(open_mentor), format="json")
    assert response.status_code == 401
    assert _written() == (0, 0, 0)


def test_mentee_books_and_gets_utc_and_local_times(client_for, open_mentor, mentee):
    payload = _payload(open_mentor)
    response = client_for(mentee).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["start"] == payload["start"] and body["start"].endswith("Z")
    assert body["timezone"] == "America/New_York"
    assert "America/New_York" in body["start_local"]
    assert body["mentor"]["id"] == open_mentor.pk and body["mentee"]["id"] == mentee.pk
    assert body["call_url"].startswith("https://")
    assert [e["kind"] for e in body["events"]] == ["confirmed"]
    assert Booking.objects.get(pk=body["id"]).mentee == mentee


@pytest.mark.parametrize(
    "changes, field, status",
    [
        ({"mentor": "abc"}, "mentor", 400),
        ({"start": "next tuesday"}, "start", 400),
        ({"start": "2027-02-30T10:00:00Z"}, "start", 400),
        ({"duration": 45}, "duration", 400),
        ({"duration": "long"}, "duration", 400),
        ({"question": ""}, "question", 400),
        ({"question": None}, "question", 400),
        ({"topic": "x" * 200}, "topic", 400),
        ({"context_url": "not a url"}, "context_url", 400),
    ],
)
def test_bad_input_is_400_per_field_and_writes_nothing(client_for, open_mentor, mentee, changes, field, status):
    response = client_for(mentee).post(LIST, _payload(open_mentor, **changes), format="json")
    assert response.status_code == status, response.content
    assert field in response.json()["errors"]
    assert _written() == (0, 0, 0)


def test_start_in_the_past_is_400(client_for, open_mentor, mentee):
    start = iso(local_slot(open_mentor, days=-2))
    response = client_for(mentee).post(LIST, _payload(open_mentor, start=start), format="json")
    assert response.status_code == 400
    assert "start" in response.json()["errors"]
    assert _written() == (0, 0, 0)


def test_user_who_is_not_a_mentor_cannot_be_booked(client_for, mentee, stranger):
    # Not bookable (accounts.selectors.bookable_mentors): the same 404 the slots API and page give.
    response = client_for(mentee).post(LIST, _payload(stranger), format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_booking_yourself_is_400(client_for, open_mentor):
    response = client_for(open_mentor).post(LIST, _payload(open_mentor), format="json")
    assert response.status_code == 400 and "mentor" in response.json()["errors"]


def test_taken_slot_is_409_with_next_slots(client_for, booking, open_mentor):
    response = client_for(MenteeFactory()).post(LIST, _payload(open_mentor, start=iso(booking.start)), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken" and body["detail"]
    assert body["next_slots"] and all(s.endswith("Z") for s in body["next_slots"])
    assert Booking.objects.count() == 1


# --- list ----------------------------------------------------------------------------------------

def test_list_needs_login(api_client):
    assert api_client.get(LIST).status_code == 401


def test_list_shows_mine_only(client_for, booking, mentee, open_mentor, stranger):
    BookingFactory()  # someone else's
    ids = lambda user, query="": [b["id"] for b in client_for(user).get(LIST + query).json()["results"]]  # noqa: E731
    assert ids(mentee) == [booking.pk]
    assert ids(open_mentor) == [booking.pk]
    assert ids(open_mentor, "?role=mentee") == []
    assert ids(mentee, "?role=mentee") == [booking.pk]
    assert ids(stranger) == []
    assert ids(stranger, "?all=1") == []


def test_staff_sees_all_with_all_flag(client_for, booking, staff):
    BookingFactory()
    assert client_for(staff).get(LIST).json()["count"] == 0
    assert client_for(staff).get(LIST + "?all=1").json()["count"] == 2


def test_list_upcoming_and_past(client_for, mentee):
    now = timezone.now()
    upcoming = BookingFactory(mentee=mentee)
    past = BookingFactory(mentee=mentee, start=now - timedelta(days=3), status="completed")
    client = client_for(mentee)
    assert [b["id"] for b in client.get(LIST + "?when=upcoming").json()["results"]] == [upcoming.pk]
    assert [b["id"] for b in client.get(LIST + "?when=past").json()["results"]] == [past.pk]


def test_list_rejects_unknown_filters(client_for, mentee):
    response = client_for(mentee).get(LIST + "?role=boss&when=later")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"role", "when"}


def test_list_query_count_does_not_grow_with_rows(client_for, mentee, django_assert_num_queries):
    client = client_for(mentee)
    mentor = MentorFactory()
    now = timezone.now()

    def add(n):
        for i in range(n):
            BookingFactory(mentee=mentee, mentor=mentor, start=now + timedelta(days=1 + Booking.objects.count(), hours=i))

    add(2)
    client.get(LIST)  # warm up the session
    with django_assert_num_queries(4) as small:
        assert client.get(LIST).json()["count"] == 2
    add(12)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(LIST).json()["count"] == 14


# --- detail --------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona, status", [("mentee", 200), ("mentor", 200), ("staff", 200), ("stranger", 404)])
def test_detail_visibility(client_for, booking, request, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(reverse("api:booking-detail", args=[booking.pk]))
    assert response.status_code == status
    if status == 200:
        assert response.json()["question"] == booking.question


def test_detail_anonymous_is_401(api_client, booking):
    assert api_client.get(reverse("api:booking-detail", args=[booking.pk])).status_code == 401


def test_detail_unknown_is_404(client_for, mentee):
    assert client_for(mentee).get(reverse("api:booking-detail", args=[424242])).status_code == 404


# --- actions -------------------------------------------------------------------------------------

def _post(client, name, booking, data=None):
    return client.post(reverse(f"api:booking-{name}", args=[booking.pk]), data or {}, format="json")


@pytest.mark.parametrize("name", ["confirm", "decline", "cancel", "reschedule"])
def test_actions_need_login(api_client, request_booking, name):
    assert _post(api_client, name, request_booking).status_code == 401


@pytest.mark.parametrize("name", ["confirm", "decline", "cancel", "reschedule"])
def test_stranger_gets_404_on_every_action(client_for, request_booking, stranger, name):
    data = {"reason": "x", "start": iso(request_booking.start + timedelta(hours=2))}
    assert _post(client_for(stranger), name, request_booking, data).status_code == 404
    request_booking.refresh_from_db()
    assert request_booking.status == "requested" and request_booking.sequence == 0


@pytest.mark.parametrize("persona, status", [("mentor", 200), ("mentee", 403), ("staff", 403)])
def test_confirm_permissions(client_for, request_booking, request, persona, status):
    response = _post(client_for(request.getfixturevalue(persona)), "confirm", request_booking)
    assert response.status_code == status
    request_booking.refresh_from_db()
    assert request_booking.status == ("confirmed" if status == 200 else "requested")
    if status == 200:
        assert response.json()["status"] == "confirmed" and response.json()["call_url"]


@pytest.mark.parametrize("persona, status", [("mentor", 200), ("mentee", 403), ("staff", 403)])
def test_decline_permissions(client_for, request_booking, request, persona, status):
    response = _post(client_for(request.getfixturevalue(persona)), "decline", request_booking, {"reason": "Busy"})
    assert response.status_code == status
    request_booking.refresh_from_db()
    assert request_booking.status == ("declined" if status == 200 else "requested")


def test_confirming_a_confirmed_booking_is_409(client_for, booking, open_mentor):
    response = _post(client_for(open_mentor), "confirm", booking)
    assert response.status_code == 409 and "confirmed" in response.json()["detail"]


@pytest.mark.parametrize("persona, status", [("mentor", 200), ("mentee", 200), ("staff", 403)])
def test_cancel_permissions(client_for, booking, request, persona, status):
    response = _post(client_for(request.getfixturevalue(persona)), "cancel", booking, {"reason": "Conflict"})
    assert response.status_code == status
    booking.refresh_from_db()
    assert booking.status == ("cancelled" if status == 200 else "confirmed")


def test_cancel_without_reason_is_400(client_for, booking, mentee):
    response = _post(client_for(mentee), "cancel", booking, {})
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    booking.refresh_from_db()
    assert booking.status == "confirmed"


@pytest.mark.parametrize("persona, status", [("mentor", 200), ("mentee", 200), ("staff", 403)])
def test_reschedule_permissions(client_for, booking, request, persona, status):
    new_start = booking.start + timedelta(hours=2)
    response = _post(client_for(request.getfixturevalue(persona)), "reschedule", booking, {"start": iso(new_start)})
    assert response.status_code == status, response.content
    booking.refresh_from_db()
    assert booking.start == (new_start if status == 200 else booking.start)
    if status == 200:
        assert response.json()["sequence"] == 1
        assert response.json()["events"][-1]["kind"] == "rescheduled"


@pytest.mark.parametrize("start, status", [("garbage", 400), (None, 400), ("2020-01-01T10:00:00Z", 400)])
def test_reschedule_bad_start(client_for, booking, mentee, start, status):
    data = {} if start is None else {"start": start}
    response = _post(client_for(mentee), "reschedule", booking, data)
    assert response.status_code == status
    assert "start" in response.json()["errors"]
    booking.refresh_from_db()
    assert booking.sequence == 0


def test_reschedule_onto_taken_slot_is_409(client_for, booking, open_mentor, mentee):
    other = book(MenteeFactory(), open_mentor, booking.start + timedelta(hours=3))
    response = _post(client_for(mentee), "reschedule", booking, {"start": iso(other.start)})
    assert response.status_code == 409 and response.json()["next_slots"]
