"""Dates at the ends of the calendar (year 9999, year 1) are a 400 with the field, never a 500.

From the tracker: they gave OverflowError on the slots API and page, booking, reschedule and the
booking page. Every edge now refuses moments outside mentorship.datetimes' bounds before any
arithmetic runs.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentorship.datetimes import OUT_OF_RANGE
from sessions.models import AvailabilityOverride, Booking
from sessions.tests.test_bookings_support import book, local_slot, open_every_day

pytestmark = pytest.mark.django_db

LATE = "9999-12-31T23:45:00Z"
EARLY = "0001-01-01T00:00:00Z"
EDGE_STARTS = [LATE, EARLY, "0001-01-01T00:30:00+05:00", "9999-12-31T23:30:00-05:00", "2100-01-01T00:00:00Z",
               "1999-12-31T23:00:00Z"]


@pytest.fixture
def open_mentor(mentor):
    open_every_day(mentor)
    return mentor


@pytest.fixture
def booking(open_mentor, mentee):
    return book(mentee, open_mentor, local_slot(open_mentor))


@pytest.mark.parametrize("query, field", [
    ({"start": "9999-12-31"}, "start"),
    ({"start": "9999-12-25", "end": "9999-12-31"}, "start"),
    ({"end": "9999-12-31"}, "end"),
    ({"start": "0001-01-01"}, "start"),
    ({"start": "0001-01-01", "tz": "Pacific/Kiritimati"}, "start"),
    ({"start": "9999-12-31T23:59:59Z"}, "start"),
    ({"start": "0001-01-01T00:00:00+05:00"}, "start"),
    ({"start": "2026-11-02", "end": "9999-12-31T23:00:00"}, "end"),
])
def test_slots_api_answers_400_with_the_field(client, open_mentor, query, field):
    response = client.get(reverse("api:slots-list", args=[open_mentor.pk]), query)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid" and body["errors"][field] == [OUT_OF_RANGE]


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "9999-12-31T23:59:59Z"])
def test_slot_picker_page_shows_the_error(client, open_mentor, start):
    response = client.get(reverse("booking:slot_picker", args=[open_mentor.pk]), {"start": start})
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()


def test_the_last_accepted_day_still_answers(client, open_mentor):
    response = client.get(reverse("api:slots-list", args=[open_mentor.pk]), {"start": "2099-12-20", "end": "2099-12-31"})
    assert response.status_code == 200 and response.json()["slots"] == []


@pytest.mark.parametrize("start", EDGE_STARTS)
def test_booking_api_answers_400_on_start(client_for, open_mentor, mentee, start):
    response = client_for(mentee).post(reverse("api:booking-list"), {
        "mentor": open_mentor.pk, "start": start, "duration": 30, "topic": "Edges",
        "question": "What happens at the end of time?"}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "invalid" and "start" in response.json()["errors"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("start", EDGE_STARTS)
def test_booking_page_post_shows_a_form_error(client_for, open_mentor, mentee, start):
    response = client_for(mentee).post(reverse("booking:book", args=[open_mentor.pk]), {
        "start": start, "duration": 30, "topic": "Edges", "question": "What happens at the end of time?",
        "context_url": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert OUT_OF_RANGE in html
    assert "What happens at the end of time?" in html  # what the mentee wrote is kept
    assert not Booking.objects.exists()


@pytest.mark.parametrize("start", [LATE, EARLY, "9999-12-31T23:59:59+00:00"])
def test_booking_page_get_with_an_edge_start_is_a_400_page(client_for, open_mentor, mentee, start):
    response = client_for(mentee).get(reverse("booking:book", args=[open_mentor.pk]), {"start": start, "duration": 30})
    assert response.status_code == 400
    assert "Pick a time on the mentor" in response.content.decode()


@pytest.mark.parametrize("start", EDGE_STARTS)
def test_reschedule_api_answers_400_on_start(client_for, booking, mentee, start):
    response = client_for(mentee).post(reverse("api:booking-reschedule", args=[booking.pk]), {"start": start},
                                       format="json")
    assert response.status_code == 400, response.content[:300]
    assert "start" in response.json()["errors"]
    old_start = booking.start
    booking.refresh_from_db()
    assert booking.start == old_start


@pytest.mark.parametrize("start", EDGE_STARTS)
def test_reschedule_page_shows_a_form_error(client_for, booking, mentee, start):
    response = client_for(mentee).post(reverse("booking:reschedule", args=[booking.pk]), {"start": start})
    assert response.status_code == 400
    html = response.content.decode()
    assert OUT_OF_RANGE in html


def test_service_refuses_edge_moments_itself(open_mentor, mentee):
    from datetime import UTC, datetime

    from sessions.errors import BookingError

    for start in (datetime(9999, 12, 31, 23, 45, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)):
        with pytest.raises(BookingError) as caught:
            book(mentee, open_mentor, start)
        assert caught.value.status == 400 and caught.value.field_errors == {"start": [OUT_OF_RANGE]}


@pytest.mark.parametrize("dates", [{"start_date": "9999-12-31"}, {"start_date": "0001-01-01"},
                                   {"start_date": "2026-12-24", "end_date": "9999-12-31"}])
def test_override_dates_at_the_edges_are_refused(client_for, mentor, dates):
    response = client_for(mentor).post(reverse("api:availability-overrides"), dates, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) & {"start_date", "end_date"}
    assert not AvailabilityOverride.objects.exists()


def test_override_page_shows_the_date_error(client_for, mentor):
    response = client_for(mentor).post(reverse("booking:availability_override_add"), {"start_date": "9999-12-31"})
    assert response.status_code == 400 and OUT_OF_RANGE in response.content.decode()
    assert not AvailabilityOverride.objects.exists()
