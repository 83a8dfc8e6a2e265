"""One selector for "my bookings" and one for "visible to this user", used by the pages and the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from sessions.selectors import booking_visible_get, bookings_mine, bookings_visible
from tests.factories import BookingFactory, MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bookings(mentor, mentee):
    """The mentee's sessions in both roles, past and upcoming, and one between two others."""
    now = timezone.now()
    other_mentor = MentorFactory()
    return {
        "upcoming_as_mentee": BookingFactory(mentor=mentor, mentee=mentee, start=now + timedelta(days=2)),
        "past_as_mentee": BookingFactory(mentor=other_mentor, mentee=mentee, start=now - timedelta(days=3),
                                         status="completed"),
        "upcoming_as_mentor": BookingFactory(mentor=mentee, mentee=MenteeFactory(), start=now + timedelta(days=1)),
        "strangers": BookingFactory(mentor=other_mentor, mentee=MenteeFactory(), start=now + timedelta(days=4)),
    }


def test_visibility_is_participants_and_staff(bookings, mentee, stranger, staff):
    theirs = bookings["strangers"]
    assert booking_visible_get(user=mentee, pk=bookings["upcoming_as_mentor"].pk) is not None
    assert booking_visible_get(user=mentee, pk=theirs.pk) is None
    assert booking_visible_get(user=stranger, pk=bookings["upcoming_as_mentee"].pk) is None
    assert booking_visible_get(user=staff, pk=theirs.pk) == theirs
    assert not bookings_visible(user=AnonymousUser()).exists()


@pytest.mark.parametrize("role, when, expected", [
    ("", "upcoming", ["upcoming_as_mentor", "upcoming_as_mentee"]),
    ("", "past", ["past_as_mentee"]),
    ("mentor", "upcoming", ["upcoming_as_mentor"]),
    ("mentee", "", ["past_as_mentee", "upcoming_as_mentee"]),
])
def test_my_bookings_by_role_and_time(bookings, mentee, role, when, expected):
    assert list(bookings_mine(user=mentee, role=role, when=when)) == [bookings[k] for k in expected]


def test_everyone_is_for_staff_only(bookings, mentee, staff):
    assert bookings["strangers"] not in bookings_mine(user=mentee, everyone=True)
    assert bookings["strangers"] in bookings_mine(user=staff, everyone=True)


@pytest.mark.parametrize("role", ["", "mentor", "mentee"])
@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_page_and_api_list_the_same_bookings(client_for, bookings, mentee, role, when):
    client = client_for(mentee)
    api = client.get(reverse("api:booking-list"), {"role": role, "when": when}).json()
    page = client.get(reverse("booking:my_sessions"), {"role": role, "when": when}).content.decode()
    assert [b["id"] for b in api["results"]] == [int(pk) for pk in re.findall(r'data-booking="(\d+)"', page)]
