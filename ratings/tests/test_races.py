"""Concurrent writes on PostgreSQL: the unique constraint and the mentor lock keep ratings exact."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.models import MentorProfile
from ratings import services
from ratings.errors import RatingError
from ratings.models import Rating
from ratings.tests.conftest import completed_booking_for, established_user
from tests.factories import MenteeFactory, MentorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _race(jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            outcomes[i] = job()
        except Exception as exc:  # collected and asserted on below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_double_submitted_rating_is_stored_once():
    mentor, mentee = MentorFactory(), MenteeFactory()
    booking = completed_booking_for(mentor=mentor, mentee=mentee)
    outcomes = _race([lambda: services.rating_create(booking_id=booking.pk, rater=mentee, stars=5)] * 8)

    assert sum(isinstance(o, Rating) for o in outcomes) == 1
    assert all(isinstance(o, RatingError) and o.status == 409 for o in outcomes if not isinstance(o, Rating))
    assert Rating.objects.count() == 1


def test_simultaneous_reviews_of_one_mentor_all_count():
    mentor = MentorFactory()
    pairs = []
    for i in range(8):
        mentee = MenteeFactory()
        pairs.append((completed_booking_for(mentor=mentor, mentee=mentee, days_ago=i + 1), mentee))
    outcomes = _race([lambda b=b, m=m, s=i % 5 + 1: services.rating_create(booking_id=b.pk, rater=m, stars=s)
                      for i, (b, m) in enumerate(pairs)])

    assert all(isinstance(o, Rating) for o in outcomes), outcomes
    profile = MentorProfile.objects.get(pk=mentor.pk)
    assert (profile.rating_count, profile.rating_sum) == (8, sum(i % 5 + 1 for i in range(8)))


def test_simultaneous_reports_hide_once_with_one_audit_row(settings):
    settings.RATINGS_REPORT_HIDE_THRESHOLD = 3
    mentor, mentee = MentorFactory(), MenteeFactory()
    rating = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=mentee).pk,
                                    rater=mentee, stars=2)
    reporters = [established_user() for _ in range(6)]
    outcomes = _race([lambda r=r: services.report_create(rating_id=rating.pk, reporter=r, reason="spam")
                      for r in reporters])

    rating.refresh_from_db()
    assert rating.state == "hidden"
    assert rating.decisions.count() == 1
    # Reports after the hide find no published review (404); the first three were counted.
    assert sum(not isinstance(o, Exception) for o in outcomes) == 3
    assert MentorProfile.objects.get(pk=mentor.pk).rating_count == 0
