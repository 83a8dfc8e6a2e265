"""A mentor answering a request sees what the mentee chose to share: goals, career stage,
industries and their earlier sessions together; nothing when the mentee keeps it private."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as accounts
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _page(user, booking) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("booking:detail", args=[booking.pk])).content.decode()


@pytest.fixture
def request_and_history(mentor, mentee):
    accounts.mentee_profile_update(user=mentee, goals="Move from QA into backend engineering",
                                   industries=["Fintech"], career_stage="switching")
    earlier = BookingFactory(mentor=mentor, mentee=mentee, status="completed", topic="First steps in Python",
                             start=BookingFactory.build().start - timedelta(days=21))
    request = BookingFactory(mentor=mentor, mentee=mentee, status="requested")
    return request, earlier


def test_the_mentor_sees_what_the_mentee_shares(mentor, request_and_history):
    request, earlier = request_and_history
    page = _page(mentor, request)
    assert "Move from QA into backend engineering" in page and "Changing careers" in page and "Fintech" in page
    assert f'href="{reverse("booking:detail", args=[earlier.pk])}">First steps in Python</a>' in page


def test_nothing_is_shown_when_the_mentee_keeps_it_private(mentor, mentee, request_and_history, client_for):
    request, _ = request_and_history
    response = client_for(mentee).patch(reverse("api:accounts-mentee-profile"), {"share_with_mentors": False},
                                        format="json")
    assert response.status_code == 200 and response.json()["share_with_mentors"] is False
    page = _page(mentor, request)
    assert 'id="mentee-shared-private"' in page
    assert "Move from QA" not in page and "First steps in Python" not in page


def test_the_mentee_and_others_never_get_the_panel(mentee, staff, request_and_history):
    request, _ = request_and_history
    assert 'id="mentee-shared"' not in _page(mentee, request)
    assert 'id="mentee-shared"' not in _page(staff, request)


def test_the_profile_page_saves_the_choice(mentee):
    client = Client()
    client.force_login(mentee)
    response = client.post(reverse("accounts:mentee_profile_edit"), {"goals": "Learn Go", "career_stage": ""})
    assert response.status_code == 302
    mentee.mentee_profile.refresh_from_db()
    assert mentee.mentee_profile.share_with_mentors is False  # an unticked box is a "no"
    client.post(reverse("accounts:mentee_profile_edit"), {"goals": "Learn Go", "share_with_mentors": "on"})
    mentee.mentee_profile.refresh_from_db()
    assert mentee.mentee_profile.share_with_mentors is True
