"""Boundaries of the ratings rules that mutation testing showed no test would notice moving.

Each test pins one edge exactly (the edit window's last instant, the report count that hides a
review, which review a reply or a removal email is about, the field each refusal names), so
flipping `>` to `>=`, the threshold by one or a dropped filter fails a test. See README, Mutation testing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ratings import services
from ratings.errors import RatingError
from ratings.models import MentorReply, Rating
from ratings.tests.conftest import completed_booking_for, established_user
from sessions.models import Notification
from tests.factories import MenteeFactory

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


def test_each_reply_is_attached_to_the_review_it_names_not_to_another_of_the_mentor(review, mentor):
    other_mentee = MenteeFactory()
    second = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=other_mentee).pk,
                                    rater=other_mentee, stars=5, comment="Very helpful.")

    services.reply_create(rating_id=review.pk, author=mentor, body="Thanks, good luck!")
    services.reply_create(rating_id=second.pk, author=mentor, body="Thank you!")

    assert dict(MentorReply.objects.values_list("rating_id", "body")) == {
        review.pk: "Thanks, good luck!", second.pk: "Thank you!"}


def test_removal_email_quotes_the_removed_review_and_names_the_mentor(review, moderator, mentor):
    services.moderate(ratings=[review.pk], moderator=moderator, action="remove", reason="Off-topic")

    [row] = Notification.objects.filter(kind="rating_removed")
    assert '"Clear, practical advice."' in row.payload["text"]
    assert f"your session with {mentor.display_name}" in row.payload["text"]


@pytest.mark.parametrize(("rater", "fields", "field"), [
    ("mentee", {"stars": 6}, "stars"),
    ("mentee", {"stars": None}, "stars"),
    ("mentee", {"stars": 4, "expectation": "amazing"}, "expectation"),
    ("mentee", {"stars": 4, "private_feedback": "Between us"}, "private_feedback"),
    ("mentor", {"stars": 4, "private_feedback": "Well prepared."}, "stars"),
    ("mentor", {"comment": "Great mentee", "private_feedback": "Well prepared."}, "comment"),
    ("mentor", {"expectation": "met", "private_feedback": "Well prepared."}, "expectation"),
    ("mentor", {"private_feedback": "  "}, "private_feedback"),
    ("mentor", {"private_feedback": "x" * 2001}, "private_feedback"),
])
def test_each_invalid_rating_field_is_refused_with_a_message_on_that_field(completed_booking, rater, fields, field,
                                                                             request):
    with pytest.raises(RatingError) as err:
        services.rating_create(booking_id=completed_booking.pk, rater=request.getfixturevalue(rater), **fields)

    assert (err.value.status, list(err.value.field_errors)) == (400, [field])
    [message] = err.value.field_errors[field]
    assert isinstance(message, str) and message
    assert not Rating.objects.exists()


def test_mentor_feedback_of_exactly_the_limit_is_accepted(completed_booking, mentor):
    rating = services.rating_create(booking_id=completed_booking.pk, rater=mentor, private_feedback="x" * 2000)

    assert len(rating.private_feedback) == 2000
