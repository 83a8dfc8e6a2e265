"""The booking page says each problem once and never loses what was typed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from sessions.tests.test_bookings_support import open_every_day

pytestmark = pytest.mark.django_db
QUESTION = "My manager offered me a team lead role; what should I ask before saying yes?"


def _post(client, mentor, start: str):
    return client.post(f"/mentors/{mentor.pk}/book/", {"start": start, "duration": 30, "topic": "Leading a team",
                                                      "question": QUESTION, "context_url": ""})


@pytest.mark.parametrize("start", ["garbage", "2027-13-45T99:00", ""])
def test_a_malformed_start_keeps_the_form_and_what_was_typed(client, mentor, mentee, start):
    client.force_login(mentee)
    response = _post(client, mentor, start)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Leading a team" in html and "what should I ask before saying yes?" in html
    assert "Pick a time on the mentor" in html


def test_a_refused_time_is_explained_once(client, mentor, mentee, frozen_now):
    open_every_day(mentor, start=time(9, 0), end=time(17, 0))
    client.force_login(mentee)
    past = (datetime.now(UTC) - timedelta(days=1)).replace(minute=0, second=0, microsecond=0).isoformat()
    response = _post(client, mentor, past)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("That time is in the past.") == 1
