"""Property: after any sequence of create, edit, report, hide, restore, remove and approve, each
mentor's stored aggregate equals a recomputation from scratch over the published reviews."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import MentorProfile
from ratings import services
from ratings.errors import RatingError
from ratings.models import ModerationDecision, Rating, RatingReport
from ratings.tests.conftest import completed_booking_for
from tests.factories import MenteeFactory, MentorFactory, UserFactory

pytestmark = pytest.mark.django_db

N_BOOKINGS = 5
comments = st.sampled_from(["", "Helpful", "see https://spam.example", "what a scam", "Very clear, thanks"])
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, N_BOOKINGS - 1), st.integers(1, 5), comments),
        st.tuples(st.just("edit"), st.integers(0, N_BOOKINGS - 1), st.integers(1, 5), comments,
                  st.integers(0, 9)),
        st.tuples(st.just("feedback"), st.integers(0, N_BOOKINGS - 1)),
        st.tuples(st.just("report"), st.integers(0, N_BOOKINGS - 1), st.integers(0, 1)),
        st.tuples(st.sampled_from(["hide", "restore", "remove", "approve"]), st.integers(0, N_BOOKINGS - 1)),
    ),
    min_size=2,
    max_size=20,
)


def expected_aggregate(mentor_id: int, prior_mean: float, prior_weight: int) -> tuple[int, int, float]:
    stars = [r.stars for r in Rating.objects.all()
             if r.ratee_id == mentor_id and r.direction == "mentee_to_mentor" and r.state == "published"]
    if not stars:
        return 0, 0, 0.0
    return len(stars), sum(stars), (prior_mean * prior_weight + sum(stars)) / (prior_weight + len(stars))


@pytest.fixture
def world(settings):
    settings.RATINGS_REPORT_HIDE_THRESHOLD = 2
    mentors = [MentorFactory(), MentorFactory()]
    mentees = [MenteeFactory() for _ in range(3)]
    bookings = [completed_booking_for(mentor=mentors[i % 2], mentee=mentees[i % 3], days_ago=i + 1)
                for i in range(N_BOOKINGS)]
    reporters = [UserFactory() for _ in range(2)]
    moderator = UserFactory(is_staff=True)
    return {"mentors": mentors, "bookings": bookings, "reporters": reporters, "moderator": moderator}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
# Always-run sequences that reach each way a review leaves or re-enters the aggregate.
@example(ops=[("create", 0, 5, ""), ("hide", 0), ("restore", 0)])
@example(ops=[("create", 0, 4, ""), ("report", 0, 0), ("report", 0, 1), ("approve", 0)])
@example(ops=[("create", 0, 3, ""), ("edit", 0, 5, "see https://spam.example", 1), ("approve", 0)])
@example(ops=[("create", 1, 2, ""), ("create", 0, 5, ""), ("remove", 1), ("restore", 1), ("feedback", 0)])
@example(ops=[("create", 2, 1, "what a scam"), ("approve", 0), ("edit", 0, 4, "", 8)])
def test_stored_aggregate_always_equals_recomputation(world, ops):
    # Examples share the test's transaction: start each from no ratings at all.
    ModerationDecision.objects.all().delete()
    RatingReport.objects.all().delete()
    Rating.objects.all().delete()
    services.mentor_aggregates_refresh(mentor_ids=[m.pk for m in world["mentors"]])
    bookings, moderator = world["bookings"], world["moderator"]

    for op in ops:
        kind, booking = op[0], bookings[op[1]]
        # Later operations aim at an existing review (index modulo how many there are), so that
        # create-then-moderate sequences are common rather than a lucky draw.
        reviews = list(Rating.objects.filter(direction="mentee_to_mentor").order_by("pk"))
        mentee_rating = reviews[op[1] % len(reviews)] if reviews else None
        try:
            if kind == "create":
                services.rating_create(booking_id=booking.pk, rater=booking.mentee, stars=op[2], comment=op[3])
            elif kind == "edit" and mentee_rating:
                services.rating_update(rating_id=mentee_rating.pk, editor=mentee_rating.rater, stars=op[2],
                                       comment=op[3], now=mentee_rating.created_at + timedelta(days=op[4]))
            elif kind == "feedback":
                services.rating_create(booking_id=booking.pk, rater=booking.mentor, private_feedback="Prepared")
            elif kind == "report" and mentee_rating:
                services.report_create(rating_id=mentee_rating.pk, reporter=world["reporters"][op[2]], reason="spam")
            elif mentee_rating and kind in services.TRANSITIONS:
                services.moderate(ratings=[mentee_rating.pk], moderator=moderator, action=kind, reason="test")
        except RatingError:
            pass  # refusals (second rating, closed window, wrong state ...) must leave the aggregate exact too

        for mentor in world["mentors"]:
            profile = MentorProfile.objects.get(pk=mentor.pk)
            count, total, bayes = expected_aggregate(mentor.pk, 4.0, 5)
            assert (profile.rating_count, profile.rating_sum) == (count, total)
            assert profile.rating_bayes == pytest.approx(bayes)
