"""Recognition from the record: the response-time median and the two badges, at their thresholds
(just below, at, just above), kept current on commit by the services and by the nightly job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import MentorProfile
from accounts.recognition import QUICK_RESPONDER, TOP_MENTOR, badge_rules, mentor_recognition_set
from insights.recognition import (
    Record,
    badges_for,
    is_quick_responder,
    is_top_mentor,
    recognition_refresh_all,
    records,
    response_median,
)
from insights.tasks import refresh_mentor_recognition
from insights.tests.mentor_support import answered, review, session
from sessions.models import Booking

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.RECOGNITION_RESPONSE_SAMPLE = 5
    settings.RECOGNITION_RESPONSE_MIN = 3
    settings.RECOGNITION_QUICK_MINUTES = 60
    settings.RECOGNITION_TOP_MIN_SESSIONS = 3
    settings.RECOGNITION_TOP_MIN_AVERAGE = 4.5
    settings.RECOGNITION_TOP_MIN_MET_PERCENT = 80


# --- the rules at their thresholds ------------------------------------------------------------------

def test_the_median_needs_the_minimum_number_of_answers():
    assert response_median([10, 20]) is None
    assert response_median([10, 20, 90]) == 20
    assert response_median([10, 20, 31, 41]) == 26  # 25.5: halves round up
    assert response_median([10, 20, 33, 41]) == 27


@pytest.mark.parametrize(("median", "quick"), [(59, True), (60, False), (61, False), (None, False)])
def test_quick_responder_is_a_median_under_the_threshold(median, quick):
    assert is_quick_responder(median) is quick


@pytest.mark.parametrize(("sessions", "average", "met", "top"), [
    (3, 4.5, 80, True),            # every figure exactly at its threshold
    (2, 5.0, 100, False),          # one session short
    (4, 4.49, 100, False),         # average just below
    (4, 5.0, 79.9, False),         # met share just below
    (4, 4.51, 80.1, True),         # just above
    (10, None, 100, False),        # no public reviews
    (10, 5.0, None, False),        # no private answers
])
def test_top_mentor_needs_sessions_average_and_met_share(sessions, average, met, top):
    assert is_top_mentor(completed_sessions=sessions, average=average, met_percent=met) is top


def test_badges_from_a_record():
    record = Record(response_minutes=[5, 10, 59], completed_sessions=3, rating_count=2, rating_sum=9,
                    expectation_answers=5, expectation_met=4)
    assert badges_for(record) == [QUICK_RESPONDER, TOP_MENTOR]
    slower = Record(response_minutes=[5, 60, 61], completed_sessions=2, rating_count=2, rating_sum=9,
                    expectation_answers=5, expectation_met=4)
    assert badges_for(slower) == []


def test_the_rules_are_written_from_the_settings(settings):
    settings.RECOGNITION_QUICK_MINUTES = 180
    rules = badge_rules()
    assert "within 3 hours" in rules[QUICK_RESPONDER].rule and "last 5 answered requests" in rules[QUICK_RESPONDER].rule
    assert "At least 3 completed sessions" in rules[TOP_MENTOR].rule and "4.5 stars" in rules[TOP_MENTOR].rule
    assert "80%" in rules[TOP_MENTOR].rule


# --- the record read from the database ---------------------------------------------------------------

def test_response_times_are_the_mentors_own_last_answers(mentor, mentee):
    answered(mentor, asked=T0 - timedelta(days=10), after_minutes=5000)  # oldest answer: outside the sample of 5
    for day, minutes in enumerate([10, 20, 30, 40, 50], start=1):
        answered(mentor, asked=T0 + timedelta(days=day), after_minutes=minutes, kind="declined" if day % 2 else "confirmed")
    # Booked without a request (instant confirmation by the mentee's booking): not an answer.
    answered(mentor, asked=T0 + timedelta(days=9), after_minutes=1, actor=mentee)
    record = records([mentor.pk])[mentor.pk]
    assert sorted(record.response_minutes) == [10, 20, 30, 40, 50]
    assert record.response_median == 30


@pytest.mark.parametrize(("minutes", "quick"), [([50, 59, 70], True), ([50, 60, 70], False), ([50, 61, 70], False)])
def test_quick_responder_from_the_database_at_the_threshold(mentor, minutes, quick):
    for day, value in enumerate(minutes):
        answered(mentor, asked=T0 + timedelta(days=day), after_minutes=value)
    record = records([mentor.pk])[mentor.pk]
    assert (QUICK_RESPONDER in badges_for(record)) is quick


def _top_record(mentor, *, sessions: int, stars: list[int], answers: list[str]):
    done = [session(mentor, start=T0 + timedelta(days=i), status="completed") for i in range(sessions)]
    for booking, (value, answer) in zip(done, zip(stars, answers, strict=True), strict=False):
        review(booking, stars=value, expectation=answer)
    total = sum(stars)
    MentorProfile.objects.filter(user=mentor).update(rating_count=len(stars), rating_sum=total)
    return records([mentor.pk])[mentor.pk]


@pytest.mark.parametrize(("sessions", "stars", "answers", "top"), [
    (3, [5, 4, 5], ["met", "exceeded", "met"], True),            # at every threshold (avg 4.67, 100%)
    (2, [5, 5], ["met", "met"], False),                          # a session short
    (3, [5, 4, 4], ["met", "met", "met"], False),                # average 4.33 below 4.5
    (5, [5, 5, 5, 5, 4], ["met", "met", "met", "met", "below"], True),   # met exactly 80%
    (5, [5, 5, 5, 5, 5], ["met", "met", "met", "below", "below"], False),  # met 60%
])
def test_top_mentor_from_the_database(mentor, sessions, stars, answers, top):
    record = _top_record(mentor, sessions=sessions, stars=stars, answers=answers)
    assert (TOP_MENTOR in badges_for(record)) is top


def test_answers_on_removed_reviews_do_not_count(mentor):
    done = [session(mentor, start=T0 + timedelta(days=i)) for i in range(3)]
    review(done[0], stars=5, expectation="met")
    review(done[1], stars=5, expectation="met")
    review(done[2], stars=1, expectation="below", state="removed")
    record = records([mentor.pk])[mentor.pk]
    assert (record.expectation_answers, record.expectation_met) == (2, 2)


# --- kept current -------------------------------------------------------------------------------------

def test_answering_a_request_recomputes_on_commit(mentor, mentee, settings, django_capture_on_commit_callbacks):
    from sessions.services.bookings import booking_confirm
    from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy

    settings.RECOGNITION_RESPONSE_MIN = 1
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    booking = book(mentee, mentor, local_slot(mentor, days=4))
    Booking.objects.filter(pk=booking.pk).update(created_at=booking.created_at - timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking_confirm(booking=booking, actor=mentor)
    assert callbacks
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.response_median_minutes == 30
    assert profile.badges == [QUICK_RESPONDER]


def test_nothing_is_stored_when_the_answer_is_rolled_back(mentor, mentee, settings, django_capture_on_commit_callbacks):
    from sessions.services.bookings import booking_decline
    from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy

    settings.RECOGNITION_RESPONSE_MIN = 1
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    booking = book(mentee, mentor, local_slot(mentor, days=4))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking_decline(booking=booking, actor=mentor)
    assert len(callbacks) >= 1
    assert MentorProfile.objects.get(user=mentor).response_median_minutes is None  # not before the commit


def test_a_stored_rating_recomputes_on_commit(mentor, settings, django_capture_on_commit_callbacks):
    from ratings.services import rating_create

    settings.RECOGNITION_TOP_MIN_SESSIONS = 1
    done = session(mentor, start=T0)
    with django_capture_on_commit_callbacks(execute=True):
        rating_create(booking_id=done.pk, rater=done.mentee, stars=5, comment="Clear and kind advice.",
                      expectation="exceeded")
    assert MentorProfile.objects.get(user=mentor).badges == [TOP_MENTOR]


def test_the_nightly_job_recomputes_everyone_and_a_second_run_changes_nothing(mentor):
    for day, value in enumerate([1, 2, 3]):
        answered(mentor, asked=T0 + timedelta(days=day), after_minutes=value)
    assert refresh_mentor_recognition() == 1
    assert MentorProfile.objects.get(user=mentor).badges == [QUICK_RESPONDER]
    assert MentorProfile.objects.get(user=mentor).response_median_minutes == 2
    assert recognition_refresh_all() == 0


def test_badges_that_are_no_longer_earned_are_taken_away(mentor):
    mentor_recognition_set(mentor_id=mentor.pk, response_median_minutes=5, badges=[QUICK_RESPONDER, TOP_MENTOR])
    assert recognition_refresh_all() == 1
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.response_median_minutes, profile.badges) == (None, [])
