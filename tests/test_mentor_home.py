"""The mentor's home: requests waiting (oldest first, time left), answered in place with or without
JavaScript through the booking services; sessions with Join from 10 minutes before; the record
with its charts and the badges with their rules; a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from accounts.models import MentorProfile
from accounts.recognition import QUICK_RESPONDER
from sessions.models import Booking, BookingEvent, Notification
from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy
from tests.factories import BookingFactory, MenteeFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def requests_(mentor, mentee, frozen_now):
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    first = book(mentee, mentor, local_slot(mentor, days=6), topic="First asked")
    frozen_now.shift(timedelta(hours=2))
    other = MenteeFactory(email="second@example.com", name="Second Mentee")
    second = book(other, mentor, local_slot(mentor, days=3), topic="Asked later")
    return first, second


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_requests_are_listed_oldest_first_with_the_time_left(requests_, mentor):
    page = signed_in(mentor).get("/home/").content.decode()
    assert page.index("First asked") < page.index("Asked later")
    assert "left</strong> to answer" in page
    assert "(Europe/Berlin)" in page or "Europe/Berlin" in page
    assert 'id="mentor-stats"' in page and 'id="sessions-chart"' in page and 'id="rating-chart"' in page


def test_confirm_from_home_without_javascript_comes_back_home(requests_, mentor, mentee):
    first, _ = requests_
    client = signed_in(mentor)
    response = client.post(f"/home/sessions/{first.pk}/confirm/")
    assert (response.status_code, response["Location"]) == (302, "/home/")
    first.refresh_from_db()
    assert first.status == Booking.Status.CONFIRMED
    page = client.get("/home/").content.decode()
    assert "Confirmed. The mentee has been told." in page
    assert f'id="session-{first.pk}"' in page and f'id="request-{first.pk}"' not in page


def test_confirm_in_place_with_htmx_answers_the_row_alone(requests_, mentor):
    first, _ = requests_
    response = signed_in(mentor).post(f"/home/sessions/{first.pk}/confirm/", **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="card stack mentor-request" id="request-{first.pk}"')
    assert 'data-status="confirmed"' in body and "Confirmed. The mentee has been told." in body
    assert "<html" not in body


def test_decline_with_a_reason_from_home(requests_, mentor):
    _, second = requests_
    response = signed_in(mentor).post(f"/home/sessions/{second.pk}/decline/", {"reason": "Travelling that week"}, **HX)
    assert 'data-status="declined"' in response.content.decode()
    second.refresh_from_db()
    assert (second.status, second.cancel_reason) == (Booking.Status.DECLINED, "Travelling that week")


def test_extend_in_place_keeps_the_request_answerable_and_offers_no_second_extension(requests_, mentor, mentee):
    first, _ = requests_
    before = first.expires_at
    client = signed_in(mentor)
    body = client.post(f"/home/sessions/{first.pk}/extend/", **HX).content.decode()
    assert "Extended once" in body and "Confirm</button>" in body and "Extend by" not in body
    first.refresh_from_db()
    assert first.expires_at == before + timedelta(hours=24)
    assert Notification.objects.filter(booking=first, kind="booking_extended", recipient=mentee).exists()
    again = client.post(f"/home/sessions/{first.pk}/extend/", **HX).content.decode()
    assert "already extended" in again
    assert first.events.filter(kind=BookingEvent.Kind.EXTENDED).count() == 1


def test_a_stranger_gets_404_and_the_mentee_cannot_answer(requests_, mentee, stranger):
    first, _ = requests_
    for action in ("confirm", "decline", "extend"):
        assert signed_in(stranger).post(f"/home/sessions/{first.pk}/{action}/").status_code == 404
    body = signed_in(mentee).post(f"/home/sessions/{first.pk}/confirm/", **HX).content.decode()
    assert "Only the mentor can confirm" in body
    first.refresh_from_db()
    assert first.status == Booking.Status.REQUESTED


def test_answering_needs_a_post_and_a_sign_in(requests_, mentor):
    first, _ = requests_
    assert signed_in(mentor).get(f"/home/sessions/{first.pk}/confirm/").status_code == 405
    assert Client().post(f"/home/sessions/{first.pk}/confirm/").status_code == 302


def test_join_shows_from_ten_minutes_before(mentor, mentee, frozen_now):
    from django.utils import timezone

    now = timezone.now()
    soon = BookingFactory(mentor=mentor, mentee=mentee, start=now + timedelta(minutes=9, seconds=30))
    later = BookingFactory(mentor=mentor, mentee=MenteeFactory(email="l@example.com"), start=now + timedelta(minutes=40))
    page = signed_in(mentor).get("/home/").content.decode()
    soon_row = page[page.index(f'id="session-{soon.pk}"'):]
    soon_row = soon_row[:soon_row.index("</li>")]
    later_row = page[page.index(f'id="session-{later.pk}"'):]
    later_row = later_row[:later_row.index("</li>")]
    assert soon.call_url in soon_row and "Join</a>" in soon_row
    assert later.call_url not in later_row and "Join opens 10 minutes before" in later_row


def test_badges_show_with_their_rule_on_home_card_and_profile(mentor, client):
    MentorProfile.objects.filter(user=mentor).update(badges=[QUICK_RESPONDER])
    mentor.mentor_profile.refresh_from_db()
    home = signed_in(mentor).get("/home/").content.decode()
    assert 'data-badge="quick_responder"' in home and "Half of their answers to session requests came within" in home
    profile = client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert 'data-badge="quick_responder"' in profile and "Half of their answers" in profile


def test_a_mentor_lands_on_home_after_signing_in(mentor, mentee):
    # Everyone lands on the one home page; a mentee's has the mentee sections (mentorship.home).
    for user, landing in ((mentor, "/home/"), (mentee, "/home/")):
        response = Client().post("/accounts/login/", {"login": user.email, "password": "correct-horse-battery"})
        assert (response.status_code, response["Location"]) == (302, landing)


def test_the_home_page_takes_the_same_queries_for_few_or_many_rows(requests_, mentor):
    client = signed_in(mentor)
    client.get("/home/")  # warm per-process caches (content types, the session)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/home/").status_code == 200
        return len(queries)

    few = count()
    for i in range(4):
        BookingFactory(mentor=mentor, mentee=MenteeFactory(email=f"x{i}@example.com"),
                       start=local_slot(mentor, days=8 + i))
    assert count() == few
    assert few == HOME_QUERIES


# Session, user, the navigation's organisations and unread count, the mentor's profile with its skill
# count (mentorship.home.mentor_home_completeness; the rest of the page reuses it), the waiting
# requests, the sessions ahead and the six of the stats (insights.mentor_stats.MENTOR_STATS_QUERIES).
HOME_QUERIES = 13
