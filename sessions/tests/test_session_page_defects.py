"""The session page offers only what makes sense for the booking's state, and nothing by accident."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.urls import reverse

from sessions.models import Booking
from sessions.tests.test_bookings_support import open_every_day
from tests.factories import BookingFactory


@pytest.mark.parametrize("status, offered, served", [
    ("requested", False, 404), ("declined", False, 404), ("expired", False, 404),
    ("confirmed", True, 200), ("completed", True, 200), ("cancelled", False, 200),
])
def test_the_calendar_invite_exists_only_for_sessions_that_are_or_were_on_a_calendar(
        client_for, mentee, status, offered, served):
    booking = BookingFactory(mentee=mentee, status=status)
    client = client_for(mentee)
    page = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert ('id="download-invite"' in page) is offered
    response = client.get(reverse("booking:invite", args=[booking.pk]))
    assert response.status_code == served
    if status == "cancelled":
        assert b"METHOD:CANCEL" in response.content


def test_the_reschedule_list_preselects_nothing_and_an_empty_choice_moves_nothing(client_for, mentor, mentee):
    open_every_day(mentor, start=time(8, 0), end=time(18, 0))
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    client = client_for(mentee)
    page = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    select = re.search(r'<select name="start" id="id_new_start"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = re.findall(r"<option([^>]*)>", select)
    assert len(options) > 2, "the test needs other free times to choose from"
    assert [o for o in options if "selected" in o] == [' value="" selected']
    response = client.post(reverse("booking:reschedule", args=[booking.pk]), {"start": ""})
    assert response.status_code == 400 and "Choose the new time from the list." in response.content.decode()
    booking.refresh_from_db()
    assert booking.sequence == 0 and booking.status == Booking.Status.CONFIRMED
