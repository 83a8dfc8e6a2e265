"""A mentor's own record (home page and GET /api/v1/me/mentor-stats/) against a history computed
on paper, in a fixed number of queries whatever its size."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from insights.mentor_stats import MENTOR_STATS_QUERIES, mentor_stats
from insights.tests.mentor_support import answered, review, session
from sessions.models import BookingEvent
from tests.factories import MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def history(mentor, mentee, settings):
    """Now is 2026-11-02 06:00 UTC (07:00 in Berlin, the mentor's zone)."""
    settings.RECOGNITION_RESPONSE_MIN = 3
    a_, b_, c_, d_ = (MenteeFactory(email=f"{n}@example.com", name=n) for n in "ABCD")
    a = session(mentor, start=utc(2026, 10, 5, 10), minutes=30, mentee=a_)
    b = session(mentor, start=utc(2026, 10, 20, 10), minutes=60, mentee=b_)
    c = session(mentor, start=utc(2026, 11, 1, 10), minutes=45, mentee=a_)
    d = session(mentor, start=utc(2026, 9, 30, 22, 30), minutes=30, mentee=c_)   # 1 Oct 00:30 in Berlin
    e = session(mentor, start=utc(2025, 6, 1, 10), minutes=60, mentee=d_)        # before the twelve months
    # Reliability: two late cancellations (one by the mentor), one in time, two no-shows (one the mentor's).
    session(mentor, start=utc(2026, 10, 7, 10), status="cancelled", cancelled_late=True, cancelled_by=mentor)
    session(mentor, start=utc(2026, 10, 8, 10), status="cancelled", cancelled_late=True, cancelled_by=mentee,
            mentee=mentee)
    session(mentor, start=utc(2026, 10, 9, 10), status="cancelled", cancelled_late=False, cancelled_by=mentor)
    session(mentor, start=utc(2026, 10, 10, 10), status="no_show", no_show_party="mentor")
    session(mentor, start=utc(2026, 10, 11, 10), status="no_show", no_show_party="mentee")
    # Requests: two confirmed (after 30 and 90 minutes), one declined (after 60), one expired, and
    # one booking confirmed at once by the mentee's booking (not an answer).
    answered(mentor, asked=utc(2026, 10, 1, 8), after_minutes=30)
    answered(mentor, asked=utc(2026, 10, 2, 8), after_minutes=90)
    answered(mentor, asked=utc(2026, 10, 3, 8), after_minutes=60, kind="declined")
    answered(mentor, asked=utc(2026, 10, 4, 8), after_minutes=1, actor=mentee)
    lapsed = session(mentor, start=utc(2026, 10, 12, 10), status="expired")
    BookingEvent.objects.create(booking=lapsed, kind=BookingEvent.Kind.EXPIRED)
    # Reviews: published a 5 met, b 4 below, c 5 exceeded, d 3 (no answer); e removed (5, met).
    review(a, stars=5, expectation="met")
    review(b, stars=4, expectation="below")
    review(c, stars=5, expectation="exceeded")
    review(d, stars=3)
    review(e, stars=5, expectation="met", state="removed")
    # Someone else's record stays out of it.
    other = MentorFactory(email="other@example.com", name="Other Mentor")
    review(session(other, start=utc(2026, 10, 6, 10), mentee=a_), stars=1, expectation="below")
    answered(other, asked=utc(2026, 10, 1, 8), after_minutes=5)
    return mentor


def test_the_numbers_match_the_history_computed_by_hand(history, settings):
    settings.INSIGHTS_MIN_CELL = 3
    stats = mentor_stats(mentor=history)
    assert (stats.sessions, stats.hours, stats.distinct_mentees) == (5, 3.8, 4)   # 225 minutes
    months = {m.start: m for m in stats.months}
    assert len(stats.months) == 12 and stats.months[0].start == date(2025, 12, 1)
    assert stats.months[-1].start == date(2026, 11, 1)
    october, november, september = months[date(2026, 10, 1)], months[date(2026, 11, 1)], months[date(2026, 9, 1)]
    assert (october.sessions, october.minutes, october.hours) == (3, 120, 2.0)   # d counts in Berlin's October
    assert (november.sessions, november.minutes) == (1, 45)
    assert september.sessions == 0
    assert (october.rating_average, october.ratings) == (4.0, 3)
    assert (november.rating_average, november.ratings) == (5.0, 1)
    assert september.rating_average is None
    assert (stats.rating_count, stats.rating_average) == (4, 4.25)
    assert (stats.expectation_answers, stats.met_percent) == (3, 67)
    assert (stats.accepted, stats.declined, stats.expired, stats.acceptance_percent) == (2, 1, 1, 50)
    assert (stats.response_median_minutes, stats.responses) == (60, 3)
    assert stats.due_sessions == 9  # 5 completed + 2 no-shows + 2 late cancellations
    assert (stats.late_cancellations, stats.late_cancel_percent) == (1, 11)
    assert (stats.no_shows, stats.no_show_percent) == (1, 11)


def test_the_met_share_is_hidden_below_the_privacy_threshold(history, settings):
    settings.INSIGHTS_MIN_CELL = 4
    stats = mentor_stats(mentor=history)
    assert stats.met_percent is None and stats.met_hidden


def test_a_new_mentor_has_empty_figures(mentor):
    stats = mentor_stats(mentor=mentor)
    assert (stats.sessions, stats.hours, stats.distinct_mentees, stats.rating_average) == (0, 0, 0, None)
    assert stats.acceptance_percent is None and stats.late_cancel_percent is None and stats.met_percent is None
    assert stats.response_median_minutes is None
    assert all(m.sessions == 0 for m in stats.months)


def test_a_fixed_number_of_queries_whatever_the_history(history, django_assert_num_queries):
    with django_assert_num_queries(MENTOR_STATS_QUERIES):
        mentor_stats(mentor=history)
    for i in range(12):
        done = session(history, start=utc(2026, 8, 1, 10) + timedelta(days=i))
        review(done, stars=4, expectation="met")
        answered(history, asked=utc(2026, 7, 1, 8) + timedelta(days=i), after_minutes=i)
    with django_assert_num_queries(MENTOR_STATS_QUERIES):
        mentor_stats(mentor=history)
    assert MENTOR_STATS_QUERIES == 6


def test_api_gives_the_mentor_their_own_stats(history, client_for, settings, django_assert_num_queries):
    settings.INSIGHTS_MIN_CELL = 3
    client = client_for(history)
    with django_assert_num_queries(MENTOR_STATS_QUERIES + 2):  # + the session and its user (this user object holds its profile already)
        response = client.get("/api/v1/me/mentor-stats/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["sessions"], body["distinct_mentees"], body["met_expectations_percent"]) == (5, 4, 67)
    assert (body["acceptance_percent"], body["late_cancel_percent"], body["no_show_percent"]) == (50, 11, 11)
    october = next(m for m in body["months"] if m["month"] == "2026-10-01")
    assert (october["sessions"], october["hours"], october["rating_average"]) == (3, 2.0, 4.0)
    assert {b["key"] for b in body["badges"]} == {"quick_responder", "top_mentor"}


def test_api_answers_404_to_someone_who_is_not_a_mentor(mentee, client_for, api_client):
    response = client_for(mentee).get("/api/v1/me/mentor-stats/")
    assert (response.status_code, response.json()["code"]) == (404, "not_a_mentor")
    assert api_client.get("/api/v1/me/mentor-stats/").status_code == 401
