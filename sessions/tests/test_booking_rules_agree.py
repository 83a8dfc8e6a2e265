"""Each booking-input rule lives in booking_create; the page and the API report it the same way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sessions.models import Booking
from sessions.services.bookings import QUESTION_TOO_SHORT
from sessions.tests.test_bookings_support import iso, local_slot, open_every_day

pytestmark = pytest.mark.django_db

GOOD_QUESTION = "How do I answer system design questions at staff level?"


@pytest.mark.parametrize("field, value, message", [
    ("question", "Why?", QUESTION_TOO_SHORT),
    ("question", "x" * 2001, "Keep the question under 2000 characters."),
    ("topic", "x" * 141, "Keep the topic under 140 characters."),
])
def test_page_and_api_refuse_the_same_input_with_the_same_message(client_for, mentor, mentee, field, value, message):
    open_every_day(mentor)
    start = iso(local_slot(mentor))
    data = {"start": start, "duration": 30, "topic": "Interviews", "question": GOOD_QUESTION, field: value}
    client = client_for(mentee)

    api = client.post(reverse("api:booking-list"), {**data, "mentor": mentor.pk}, format="json")
    assert api.status_code == 400
    assert message in str(api.json()["errors"][field])

    page = client.post(reverse("booking:book", args=[mentor.pk]), data)
    assert page.status_code == 400
    assert message in page.context["form"].errors[field]
    assert not Booking.objects.exists()
