"""Issue 14: the signed-in home page (/home/, mentorship.home) - the mentee's sections, the mentor's
completeness meter, sign-in landing there, and a fixed number of queries whatever the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from conversations.models import ActionItem
from matching.models import MatchScore
from tests.factories import BookingFactory, MenteeFactory, MentorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _history(mentee, n: int, first: int = 0) -> list:
    """n mentors, each with a confirmed session, a pending request, a completed session with an open
    action item for the mentee, and a stored recommendation."""
    now = timezone.now()
    mentors = []
    for i in range(first, first + n):
        mentor = MentorFactory(name=f"Mentor {i:02d}")
        mentors.append(mentor)
        start = (now + timedelta(days=2 + i)).replace(minute=0, second=0, microsecond=0)
        BookingFactory(mentor=mentor, mentee=mentee, start=start)
        request_start = start + timedelta(hours=3)
        BookingFactory(mentor=mentor, mentee=mentee, status="requested", start=request_start,
                       expires_at=now + timedelta(hours=20 + i))
        past = (now - timedelta(days=3 + i)).replace(minute=0, second=0, microsecond=0)
        done = BookingFactory(mentor=mentor, mentee=mentee, status="completed", start=past, completed_at=past)
        ActionItem.objects.create(booking=done, created_by=mentor, owner=mentee, text=f"Write the RFC {i}",
                                  created_at=now)
        MatchScore.objects.create(mentee=mentee, mentor=mentor, score=0.9 - i / 100, rank=i + 1,
                                  reasons=["Go"], computed_at=now)
    return mentors


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/home/").status_code == 200
    return len(ctx.captured_queries)


def test_the_mentee_home_shows_each_section(client, mentee):
    mentors = _history(mentee, 2)
    client.force_login(mentee)
    page = client.get("/home/").content.decode()
    assert "Your upcoming sessions" in page and mentors[0].display_name in page
    assert "left for an answer" in page  # a pending request with its time left
    assert "Write the RFC 0" in page and "Write the RFC 1" in page
    assert f'data-mentor-id="{mentors[1].pk}"' in page  # recommended and book again
    assert "#booking-panel-heading" in page  # book again links to the booking panel
    assert "Join the call" not in page  # the sessions are days away


def test_join_opens_ten_minutes_before_the_start(client, mentee, frozen_now):
    start = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    BookingFactory(mentee=mentee, start=start)
    client.force_login(mentee)
    frozen_now.move_to(start - timedelta(minutes=11), tick=False)
    assert "Join the call" not in client.get("/home/").content.decode()
    frozen_now.move_to(start - timedelta(minutes=10), tick=False)
    assert "Join the call" in client.get("/home/").content.decode()


def test_the_empty_home_offers_a_next_step(client):
    newcomer = MenteeFactory(profile__goals="")
    client.force_login(newcomer)
    page = client.get("/home/").content.decode()
    assert "Find a mentor and book a first session" in page
    assert "Add your goals" in page and "/welcome/goals/" in page


def test_book_again_leaves_out_a_mentor_who_became_a_draft(client, mentee):
    mentor = _history(mentee, 1)[0]
    client.force_login(mentee)
    assert "#booking-panel-heading" in client.get("/home/").content.decode()
    account_services.mentor_profile_update(user=mentor, bio="")  # a draft now
    page = client.get("/home/").content.decode()
    assert "#booking-panel-heading" not in page and f'data-mentor-id="{mentor.pk}"' not in page


def test_the_mentee_home_costs_the_same_queries_for_one_mentor_or_six(client, mentee):
    client.force_login(mentee)
    _history(mentee, 1)
    client.get("/home/")  # the navigation's organisation list is cached after the first page
    one = _queries(client)
    _history(mentee, 5, first=1)
    assert _queries(client) == one
    # Session, user, live bookings, action items, recommendations, book again, goals, and the two
    # permission reads of the navigation.
    assert one == 9


def test_the_completeness_meter_stays_on_the_home_page_until_done(client):
    user = UserFactory(name="Nova")
    account_services.user_set_roles(user=user, is_mentor=True, is_mentee=False)
    client.force_login(user)
    page = client.get("/home/").content.decode()
    assert '<meter id="completeness-meter"' in page and "1 of 5 steps complete" in page
    assert 'href="/welcome/profile/"' in page and 'href="/availability/"' in page
    from datetime import time

    from sessions.services.availability import availability_set_weekly

    account_services.mentor_profile_update(user=user, headline="Radio", bio="Radios.", skills="Radio")
    availability_set_weekly(mentor=user, rules=[(1, time(9), time(10))])
    assert "completeness-meter" not in client.get("/home/").content.decode()


def test_sign_in_lands_on_home(client, mentee):
    response = client.post("/accounts/login/", {"login": mentee.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == "/home/"


def test_home_needs_sign_in(client):
    response = client.get("/home/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
