"""Boundaries of the ratings rules that mutation testing showed no test would notice moving.

Each test pins one edge exactly (the edit window's last instant, the report count that hides a
review), so flipping `>` to `>=` or the threshold by one fails a test. See README, Mutation testing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ratings import services
from ratings.models import Rating
from ratings.tests.conftest import established_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_clock(time_machine):
    # Before the `review` fixture writes its booking and rating: every instant below is fixed.
    time_machine.move_to(datetime(2026, 11, 10, 12, tzinfo=UTC), tick=False)


def test_author_can_still_edit_at_the_last_instant_of_the_window(review, mentee):
    deadline = review.created_at + timedelta(days=7)

    edited = services.rating_update(rating_id=review.pk, editor=mentee, stars=3, now=deadline)

    assert edited.stars == 3


def test_rating_is_editable_up_to_and_including_its_deadline_only(review):
    deadline = services.edit_deadline(review)

    assert deadline == review.created_at + timedelta(days=7)
    assert services.rating_is_editable(review, now=deadline)
    assert not services.rating_is_editable(review, now=deadline + timedelta(seconds=1))


def test_removed_rating_is_not_editable_even_inside_the_window(review):
    review.state = Rating.State.REMOVED

    assert not services.rating_is_editable(review, now=review.created_at)


def test_review_stays_public_one_report_below_the_threshold(review, settings):
    settings.RATINGS_REPORT_HIDE_THRESHOLD = 2

    services.report_create(rating_id=review.pk, reporter=established_user(), reason="spam")
    review.refresh_from_db()
    assert (review.state, review.open_reports) == (Rating.State.PUBLISHED, 1)

    services.report_create(rating_id=review.pk, reporter=established_user(), reason="spam")
    review.refresh_from_db()
    assert (review.state, review.open_reports) == (Rating.State.HIDDEN, 2)


def test_unrated_mentor_has_no_smoothed_score_and_one_review_is_pulled_to_the_prior(settings):
    settings.RATING_PRIOR_WEIGHT, settings.RATING_PRIOR_MEAN = 5, 4.0

    assert services.bayesian_average(count=0, total=0) == 0.0
    assert services.bayesian_average(count=1, total=5) == pytest.approx((4.0 * 5 + 5) / 6)
