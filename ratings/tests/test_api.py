from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ratings import services
from ratings.models import ModerationDecision, Rating, RatingReport
from ratings.tests.conftest import completed_booking_for
from tests.factories import MenteeFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "stranger", "mentee", "mentor", "moderator", "staff"]
# The token class comes first in DRF's settings, so an anonymous call is challenged: 401, not 403.
DENIED_ANON = 401


@pytest.fixture
def as_role(request, client_for):
    def get(role: str) -> APIClient:
        if role == "anonymous":
            return APIClient()
        return client_for(request.getfixturevalue(role))

    return get


def _counts():
    return Rating.objects.count(), RatingReport.objects.count(), ModerationDecision.objects.count()


# --- POST /api/v1/ratings/ ------------------------------------------------------------------------


def test_mentee_creates_rating_with_private_expectation(client_for, mentee, mentor, completed_booking):
    response = client_for(mentee).post(reverse("api:rating-list"), {
        "booking": completed_booking.pk, "stars": 4, "comment": "Useful", "expectation": "met"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["stars"], body["state"], body["expectation"], body["held_because"]) == (4, "published", "met", [])
    assert mentor.mentor_profile.__class__.objects.get(pk=mentor.pk).rating_count == 1


def test_mentor_leaves_private_feedback_through_the_api(client_for, mentor, completed_booking):
    response = client_for(mentor).post(reverse("api:rating-list"), {
        "booking": completed_booking.pk, "private_feedback": "Well prepared"}, format="json")
    assert response.status_code == 201
    assert response.json()["direction"] == "mentor_to_mentee"


def test_review_with_a_link_is_created_pending_and_says_why(client_for, mentee, completed_booking):
    response = client_for(mentee).post(reverse("api:rating-list"), {
        "booking": completed_booking.pk, "stars": 5, "comment": "more at https://x.example"}, format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "pending"
    assert response.json()["held_because"] == ["a link"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"stars": 0}, "stars"), ({"stars": 6}, "stars"), ({"stars": "five"}, "stars"), ({"stars": None}, "stars"),
    ({"stars": 5, "comment": "x" * 1001}, "comment"), ({"stars": 5, "expectation": "great"}, "expectation"),
    ({"stars": 5, "booking": "abc"}, "booking"), ({"stars": 5, "booking": None}, "booking"),
])
def test_bad_rating_input_is_400_with_a_message_per_field(client_for, mentee, completed_booking, payload, field):
    data = {"booking": completed_booking.pk, **payload}
    response = client_for(mentee).post(reverse("api:rating-list"), data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Rating.objects.count() == 0


def test_rating_a_session_not_completed_yet_is_409(client_for, mentee, make_booking):
    booking = make_booking(status="confirmed", days_ago=-1)
    response = client_for(mentee).post(reverse("api:rating-list"), {"booking": booking.pk, "stars": 5}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"]["booking"]
    assert Rating.objects.count() == 0


def test_second_rating_is_409(client_for, mentee, completed_booking):
    client = client_for(mentee)
    assert client.post(reverse("api:rating-list"), {"booking": completed_booking.pk, "stars": 5},
                       format="json").status_code == 201
    response = client.post(reverse("api:rating-list"), {"booking": completed_booking.pk, "stars": 1}, format="json")
    assert response.status_code == 409
    assert Rating.objects.get().stars == 5


def test_unknown_booking_is_404(client_for, mentee):
    response = client_for(mentee).post(reverse("api:rating-list"), {"booking": 99999, "stars": 5}, format="json")
    assert response.status_code == 404


# --- PATCH /api/v1/ratings/{id}/ ---------------------------------------------------------------------


def test_edit_with_bad_stars_is_400(client_for, mentee, review):
    response = client_for(mentee).patch(reverse("api:rating-detail", args=[review.pk]), {"stars": 7}, format="json")
    assert response.status_code == 400 and "stars" in response.json()["errors"]


def test_edit_after_the_window_is_409(client_for, mentee, review):
    from datetime import timedelta

    Rating.objects.filter(pk=review.pk).update(created_at=review.created_at - timedelta(days=8))
    response = client_for(mentee).patch(reverse("api:rating-detail", args=[review.pk]), {"stars": 1}, format="json")
    assert response.status_code == 409
    assert "7 days" in response.json()["detail"]


# --- GET /api/v1/mentors/{id}/reviews/ ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_reviews_are_public_and_expectation_is_for_staff_only(as_role, review, mentor, role):
    response = as_role(role).get(reverse("api:rating-mentor-reviews", args=[mentor.pk]))
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["stars"] == 4 and item["comment"] == "Clear, practical advice."
    assert item["reviewer"] == "Manu M."
    assert "private_feedback" not in item
    if role == "staff":
        assert item["expectation"] == "met"
    else:
        assert "expectation" not in item


def test_reviews_list_only_published_mentee_reviews_with_replies(api_client, review, mentor, mentee, moderator,
                                                                  completed_booking):
    services.reply_create(rating_id=review.pk, author=mentor, body="Thank you!")
    services.rating_create(booking_id=completed_booking.pk, rater=mentor, private_feedback="Secret note")
    other = MenteeFactory()
    hidden = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=other, days_ago=3).pk,
                                    rater=other, stars=1)
    services.moderate(ratings=[hidden.pk], moderator=moderator, action="hide", reason="x")

    body = api_client.get(reverse("api:rating-mentor-reviews", args=[mentor.pk])).json()
    assert [r["id"] for r in body["results"]] == [review.pk]
    assert body["results"][0]["reply"]["body"] == "Thank you!"
    assert "Secret note" not in str(body)


def test_reviews_of_unknown_mentor_is_404(api_client):
    assert api_client.get(reverse("api:rating-mentor-reviews", args=[424242])).status_code == 404


def _many_reviews(mentor, n: int, offset: int = 0):
    for i in range(n):
        m = MenteeFactory()
        rating = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=m,
                                                                         days_ago=offset + i + 1).pk,
                                        rater=m, stars=1 + i % 5, comment=f"Review {i}")
        if i % 2:
            services.reply_create(rating_id=rating.pk, author=mentor, body="Thanks")


def test_reviews_endpoint_query_count_does_not_grow_with_reviews(api_client, mentor, django_assert_num_queries):
    url = reverse("api:rating-mentor-reviews", args=[mentor.pk])
    _many_reviews(mentor, 2)
    with django_assert_num_queries(3):  # mentor exists, count, page with raters and replies
        assert len(api_client.get(url).json()["results"]) == 2
    _many_reviews(mentor, 8, offset=10)
    with django_assert_num_queries(3):
        assert len(api_client.get(url).json()["results"]) == 10


# --- POST /api/v1/ratings/{id}/reply/ -----------------------------------------------------------------


def test_second_reply_is_409_and_empty_reply_400(client_for, mentor, review):
    client = client_for(mentor)
    url = reverse("api:rating-reply", args=[review.pk])
    assert client.post(url, {"body": ""}, format="json").status_code == 400
    assert client.post(url, {"body": "x" * 1001}, format="json").status_code == 400
    assert client.post(url, {"body": "Thanks"}, format="json").status_code == 201
    assert client.post(url, {"body": "Again"}, format="json").status_code == 409


# --- POST /api/v1/ratings/{id}/report/ ------------------------------------------------------------------


def test_reporting_twice_is_409_and_bad_reason_400(client_for, stranger, review):
    client = client_for(stranger)
    url = reverse("api:rating-report", args=[review.pk])
    response = client.post(url, {"reason": "meh"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert client.post(url, {"reason": "spam", "note": "x" * 501}, format="json").status_code == 400
    assert client.post(url, {"reason": "spam"}, format="json").status_code == 201
    response = client.post(url, {"reason": "abusive"}, format="json")
    assert response.status_code == 409
    assert "already reported" in response.json()["detail"]
    assert RatingReport.objects.count() == 1


def test_reporting_a_missing_review_is_404(client_for, stranger):
    response = client_for(stranger).post(reverse("api:rating-report", args=[123456]), {"reason": "spam"},
                                         format="json")
    assert response.status_code == 404


# --- Moderation endpoints --------------------------------------------------------------------------------


def test_queue_filters_by_state_and_reports(client_for, moderator, review, mentor, stranger):
    other = MenteeFactory()
    pending = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=other, days_ago=4).pk,
                                     rater=other, stars=2, comment="call me 555 123 4567")
    services.report_create(rating_id=review.pk, reporter=stranger, reason="abusive")
    client = client_for(moderator)
    url = reverse("api:rating-moderation-queue")

    assert [r["id"] for r in client.get(url, {"state": "pending"}).json()["results"]] == [pending.pk]
    reported = client.get(url, {"reported": "1"}).json()["results"]
    assert [r["id"] for r in reported] == [review.pk]
    assert reported[0]["report_reasons"] == ["abusive"] and reported[0]["open_reports"] == 1
    assert "expectation" not in reported[0]
    assert {r["id"] for r in client.get(url).json()["results"]} == {review.pk, pending.pk}
    assert client.get(url, {"state": "bogus"}).status_code == 400


def test_staff_see_the_private_expectation_in_the_queue(client_for, staff, review):
    [item] = client_for(staff).get(reverse("api:rating-moderation-queue")).json()["results"]
    assert item["expectation"] == "met"


def test_decide_many_and_see_them_in_the_audit_log(client_for, moderator, mentor, review):
    other = MenteeFactory()
    second = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=other, days_ago=4).pk,
                                    rater=other, stars=2)
    client = client_for(moderator)
    response = client.post(reverse("api:rating-moderation-decide"),
                           {"ids": [review.pk, second.pk], "action": "remove", "reason": "Vote ring"}, format="json")
    assert response.status_code == 200
    assert len(response.json()["decisions"]) == 2
    audit = client.get(reverse("api:rating-moderation-audit")).json()["results"]
    assert {(a["rating"], a["action"], a["moderator"], a["reason"], a["from_state"], a["to_state"]) for a in audit} == {
        (review.pk, "remove", "Mo Moderator", "Vote ring", "published", "removed"),
        (second.pk, "remove", "Mo Moderator", "Vote ring", "published", "removed"),
    }


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"ids": [], "action": "hide", "reason": "x"}, 400, "ids"),
    ({"ids": ["x"], "action": "hide", "reason": "x"}, 400, "ids"),
    ({"ids": [1], "action": "nuke", "reason": "x"}, 400, "action"),
    ({"action": "hide", "reason": "x"}, 400, "ids"),
    ({"ids": [1], "action": "hide"}, 400, "reason"),
    ({"ids": [999999], "action": "hide", "reason": "x"}, 404, "ids"),
    ({"ids": [None], "action": "approve", "reason": "x"}, 400, "ids"),
])
def test_bad_decisions_are_refused_with_a_message(client_for, moderator, review, payload, status, field):
    response = client_for(moderator).post(reverse("api:rating-moderation-decide"), payload, format="json")
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert ModerationDecision.objects.count() == 0


def test_invalid_transition_is_409(client_for, moderator, review):
    response = client_for(moderator).post(reverse("api:rating-moderation-decide"),
                                          {"ids": [review.pk], "action": "approve", "reason": "x"}, format="json")
    assert response.status_code == 409
    assert "cannot be approved" in response.json()["errors"]["ids"][0]


def test_queue_and_audit_query_counts_do_not_grow(client_for, moderator, mentor, django_assert_num_queries):
    client = client_for(moderator)
    _many_reviews(mentor, 2)
    ids = list(Rating.objects.values_list("pk", flat=True))
    services.moderate(ratings=ids, moderator=moderator, action="hide", reason="x")
    queue, audit = reverse("api:rating-moderation-queue"), reverse("api:rating-moderation-audit")
    client.get(queue)  # the first request loads the moderator's permissions onto the user object
    # session and user (middleware), then queue: count, page with rater/ratee/reply, reports of the
    # page; audit: count, page with moderator and rating people
    with django_assert_num_queries(5):
        assert len(client.get(queue).json()["results"]) == 2
    with django_assert_num_queries(4):
        assert len(client.get(audit).json()["results"]) == 2
    _many_reviews(mentor, 8, offset=10)
    services.moderate(ratings=list(Rating.objects.filter(state="published").values_list("pk", flat=True)),
                      moderator=moderator, action="hide", reason="x")
    with django_assert_num_queries(5):
        assert len(client.get(queue).json()["results"]) == 10
    with django_assert_num_queries(4):
        assert len(client.get(audit).json()["results"]) == 10
