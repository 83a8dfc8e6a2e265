"""One rule, one place: "bookable mentor" is accounts.selectors.bookable_mentors, and the slots API,
the booking page, the booking API and booking_create all agree on it."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from accounts.selectors import mentor_bookable_get
from sessions.errors import BookingError
from sessions.models import Booking
from sessions.services import bookings as services
from sessions.tests.test_bookings_support import iso, local_slot, open_every_day

pytestmark = pytest.mark.django_db


def _unlisted(mentor):
    mentor.mentor_profile.is_listed = False
    mentor.mentor_profile.save(update_fields=["is_listed"])


def _deactivated(mentor):
    mentor.is_active = False
    mentor.save(update_fields=["is_active"])


def _not_a_mentor(mentor):
    mentor.is_mentor = False
    mentor.save(update_fields=["is_mentor"])


def _no_profile(mentor):
    mentor.mentor_profile.delete()
    mentor.refresh_from_db()


NOT_BOOKABLE = [_unlisted, _deactivated, _not_a_mentor, _no_profile]


@pytest.fixture
def slot(mentor):
    open_every_day(mentor)
    return local_slot(mentor)


def test_a_listed_active_mentor_is_bookable_everywhere(client_for, mentor, mentee, slot):
    assert mentor_bookable_get(mentor_id=mentor.pk, viewer=mentee) == mentor
    client = client_for(mentee)
    assert client.get(reverse("api:slots-list", args=[mentor.pk])).status_code == 200
    assert client.get(reverse("booking:book", args=[mentor.pk]), {"start": iso(slot), "duration": 30}).status_code == 200


@pytest.mark.parametrize("make_unbookable", NOT_BOOKABLE, ids=lambda f: f.__name__.strip("_"))
def test_page_slots_api_booking_api_and_service_agree_on_a_mentor_who_is_not_bookable(
        client_for, mentor, mentee, slot, make_unbookable):
    start: datetime = slot
    make_unbookable(mentor)
    mentor = type(mentor).objects.get(pk=mentor.pk)
    client = client_for(mentee)

    assert mentor_bookable_get(mentor_id=mentor.pk, viewer=mentee) is None
    assert client.get(reverse("api:slots-list", args=[mentor.pk])).status_code == 404
    assert client.get(reverse("booking:book", args=[mentor.pk]),
                      {"start": iso(start), "duration": 30}).status_code == 404
    question = "How do I answer system design questions at staff level?"
    page = client.post(reverse("booking:book", args=[mentor.pk]),
                       {"start": iso(start), "duration": 30, "topic": "Interviews", "question": question})
    assert page.status_code == 404
    api = client.post(reverse("api:booking-list"), {"mentor": mentor.pk, "start": iso(start), "duration": 30,
                                                    "topic": "Interviews", "question": question}, format="json")
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"
    with pytest.raises(BookingError) as caught:
        services.booking_create(mentee=mentee, mentor=mentor, start=start, duration=30, topic="Interviews",
                                question=question)
    assert caught.value.status == 404 and caught.value.code == "not_found"
    assert not Booking.objects.exists()
