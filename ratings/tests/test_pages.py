from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MentorProfile
from ratings import services
from ratings.models import ModerationDecision, Rating, RatingReport
from ratings.tests.conftest import completed_booking_for
from tests.factories import MenteeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_client(request):
    def get(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return get


def _mentor_page(mentor) -> str:
    return reverse("accounts:mentor_detail", args=[MentorProfile.objects.get(pk=mentor.pk).slug])


# --- Rate a session --------------------------------------------------------------------------------


def test_mentee_rates_on_the_page(page_client, completed_booking, mentor):
    url = reverse("ratings:rate", args=[completed_booking.pk])
    client = page_client("mentee")
    page = client.get(url).content.decode()
    assert 'name="stars"' in page and "only staff see this" in page and "private_feedback" not in page
    assert 'aria-describedby="id_comment_helptext"' in page and 'id="id_comment_helptext"' in page

    response = client.post(url, {"stars": "5", "comment": "Superb", "expectation": "exceeded"}, follow=True)

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.stars, rating.comment, rating.expectation, rating.state) == (5, "Superb", "exceeded", "published")
    assert MentorProfile.objects.get(pk=mentor.pk).rating_count == 1


def test_mentor_gives_private_feedback_on_the_page(page_client, completed_booking):
    url = reverse("ratings:rate", args=[completed_booking.pk])
    client = page_client("mentor")
    page = client.get(url).content.decode()
    assert 'name="stars"' not in page and "Send feedback" in page and "Submit rating" not in page
    assert client.post(url, {"private_feedback": "Came prepared"}).status_code == 302
    assert Rating.objects.get().direction == "mentor_to_mentee"


@pytest.mark.parametrize(("data", "field_message"), [
    ({"stars": "9"}, "Stars must be from 1 to 5"),
    ({}, "Choose from 1 to 5 stars"),
    ({"stars": "4", "comment": "x" * 1001}, "at most 1000 characters"),
])
def test_bad_rating_on_the_page_is_400_with_a_message(page_client, completed_booking, data, field_message):
    response = page_client("mentee").post(reverse("ratings:rate", args=[completed_booking.pk]), data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Rating.objects.exists()


def test_session_not_completed_cannot_be_rated_on_the_page(page_client, make_booking):
    booking = make_booking(status="confirmed", days_ago=-1)
    url = reverse("ratings:rate", args=[booking.pk])
    client = page_client("mentee")
    assert "once it has taken place" in client.get(url).content.decode()
    assert client.post(url, {"stars": "5"}).status_code == 409
    assert not Rating.objects.exists()


def test_author_edits_on_the_same_page_within_seven_days(page_client, review):
    url = reverse("ratings:rate", args=[review.booking_id])
    client = page_client("mentee")
    page = client.get(url).content.decode()
    assert "You can edit it until" in page and "Save changes" in page
    assert client.post(url, {"stars": "2", "comment": "Changed my mind"}).status_code == 302
    review.refresh_from_db()
    assert (review.stars, review.comment) == (2, "Changed my mind")


def test_edit_after_seven_days_is_refused_on_the_page(page_client, review):
    Rating.objects.filter(pk=review.pk).update(created_at=review.created_at - timedelta(days=8))
    url = reverse("ratings:rate", args=[review.booking_id])
    client = page_client("mentee")
    assert "can no longer be edited" in client.get(url).content.decode()
    assert client.post(url, {"stars": "1"}).status_code == 409
    review.refresh_from_db()
    assert review.stars == 4


def test_flagged_review_tells_the_author_it_waits_for_a_moderator(page_client, completed_booking):
    response = page_client("mentee").post(reverse("ratings:rate", args=[completed_booking.pk]),
                                          {"stars": "5", "comment": "mail me at me@example.com"}, follow=True)
    assert "once a moderator has checked it" in response.content.decode()
    assert Rating.objects.get().state == "pending"


# --- Reviews panel on the mentor page --------------------------------------------------------------


def test_mentor_page_shows_average_distribution_reviews_and_reply(client, review, mentor):
    services.reply_create(rating_id=review.pk, author=mentor, body="Glad it helped")
    page = client.get(_mentor_page(mentor)).content.decode()

    assert 'data-testid="rating-average">4.0<' in page  # the plain mean of one 4-star review
    assert "1 review" in page
    assert "4 stars</th>" in page and "1 (100%)" in page and "0 (0%)" in page  # text, not colour only
    assert "Clear, practical advice." in page and "Manu M." in page
    assert "Glad it helped" in page
    assert "Sign in to report this review" in page
    assert review.rater.email not in page
    assert "met" not in page.split('id="reviews"')[1].split("</section>")[0]


def test_hidden_and_pending_reviews_are_not_on_the_mentor_page(client, review, mentor, moderator):
    services.moderate(ratings=[review.pk], moderator=moderator, action="hide", reason="x")
    page = client.get(_mentor_page(mentor)).content.decode()
    assert "Clear, practical advice." not in page
    assert "No reviews yet." in page


def test_signed_in_visitor_gets_a_report_form_and_the_mentor_a_reply_form(page_client, review, mentor):
    stranger_page = page_client("stranger").get(_mentor_page(mentor)).content.decode()
    assert reverse("ratings:report", args=[review.pk]) in stranger_page
    author_page = page_client("mentee").get(_mentor_page(mentor)).content.decode()
    assert reverse("ratings:report", args=[review.pk]) not in author_page
    mentor_page = page_client("mentor").get(_mentor_page(mentor)).content.decode()
    assert reverse("ratings:reply", args=[review.pk]) in mentor_page


def test_reviews_panel_query_count_does_not_grow_with_reviews(client, mentor, django_assert_num_queries):
    url = reverse("ratings:mentor_reviews", args=[mentor.pk])
    _reviews(mentor, 2)
    with django_assert_num_queries(3) as small:  # profile, distribution, reviews with raters and replies
        assert client.get(url).status_code == 200
    _reviews(mentor, 7, offset=10)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('class="card review"') == 9


def _reviews(mentor, n: int, offset: int = 0):
    for i in range(n):
        m = MenteeFactory()
        rating = services.rating_create(
            booking_id=completed_booking_for(mentor=mentor, mentee=m, days_ago=offset + i + 1).pk,
            rater=m, stars=1 + i % 5, comment=f"Review {i}")
        if i % 2:
            services.reply_create(rating_id=rating.pk, author=mentor, body="Thanks")


# --- Reply and report pages --------------------------------------------------------------------------


def test_mentor_replies_on_the_page_once(page_client, review, mentor):
    client = page_client("mentor")
    url = reverse("ratings:reply", args=[review.pk])
    assert client.post(url, {"body": ""}).status_code == 400
    response = client.post(url, {"body": "Thanks!", "next": _mentor_page(mentor)})
    assert response.status_code == 302 and response["Location"] == _mentor_page(mentor)
    again = client.post(url, {"body": "Again"})
    assert again.status_code == 409 and "already replied" in again.content.decode()


def test_reply_next_cannot_point_off_site(page_client, review, mentor):
    response = page_client("mentor").post(reverse("ratings:reply", args=[review.pk]),
                                          {"body": "Thanks!", "next": "https://evil.example/"})
    assert response["Location"] == _mentor_page(mentor)


def test_reporting_twice_on_the_page_is_409(page_client, review):
    client = page_client("stranger")
    url = reverse("ratings:report", args=[review.pk])
    assert client.post(url, {"reason": "bogus"}).status_code == 400
    assert client.post(url, {"reason": "spam"}).status_code == 302
    response = client.post(url, {"reason": "abusive"})
    assert response.status_code == 409 and "already reported" in response.content.decode()
    assert RatingReport.objects.count() == 1


# --- Moderation pages ----------------------------------------------------------------------------------


def test_moderator_filters_selects_many_and_decides_with_a_reason(page_client, review, mentor, stranger):
    other = MenteeFactory()
    pending = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=other, days_ago=5).pk,
                                     rater=other, stars=1, comment="he is an idiot")
    services.report_create(rating_id=review.pk, reporter=stranger, reason="off_topic", note="Not about the session")
    client = page_client("moderator")
    url = reverse("ratings:moderation_queue")

    pending_only = client.get(url, {"state": "pending"}).content.decode()
    assert "he is an idiot" in pending_only and "Clear, practical advice." not in pending_only
    reported = client.get(url, {"reported": "1"}).content.decode()
    assert "Not about the session" in reported and "he is an idiot" not in reported
    assert "Expectations (private)" not in reported  # only staff see the private answer

    response = client.post(url + "?state=", {"ids": [review.pk, pending.pk], "action": "hide", "reason": "Checking"})
    assert response.status_code == 302
    assert set(Rating.objects.values_list("state", flat=True)) == {"hidden"}
    assert ModerationDecision.objects.filter(reason="Checking").count() == 2
    audit = client.get(reverse("ratings:moderation_audit")).content.decode()
    assert audit.count("Checking") == 2 and "Mo Moderator" in audit


def test_staff_see_private_expectation_in_the_queue(page_client, review):
    assert "Expectations (private): Met my expectations" in page_client("staff").get(
        reverse("ratings:moderation_queue")).content.decode()


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"action": "hide", "reason": "x"}, 400, "Select at least one review"),
    ({"ids": ["1"], "action": "hide", "reason": ""}, 400, "Give a reason"),
    ({"ids": ["abc"], "action": "hide", "reason": "x"}, 400, "valid choice"),
    ({"ids": ["999999"], "action": "hide", "reason": "x"}, 404, "No such rating"),
])
def test_bad_decisions_on_the_page_are_4xx_with_a_message(page_client, review, data, status, message):
    response = page_client("moderator").post(reverse("ratings:moderation_queue"), data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not ModerationDecision.objects.exists()


def test_invalid_transition_on_the_page_is_409(page_client, review):
    response = page_client("moderator").post(reverse("ratings:moderation_queue"),
                                             {"ids": [str(review.pk)], "action": "restore", "reason": "x"})
    assert response.status_code == 409
    assert "cannot be restored" in response.content.decode()


def test_moderation_pages_query_counts_do_not_grow(page_client, mentor, moderator, django_assert_num_queries):
    client = page_client("moderator")
    _reviews(mentor, 2)
    services.moderate(ratings=list(Rating.objects.values_list("pk", flat=True)), moderator=moderator,
                      action="hide", reason="x")
    queue, audit = reverse("ratings:moderation_queue"), reverse("ratings:moderation_audit")
    # session, user, permissions (user, groups), count, page, reports of the page (+ the nav's check)
    with CaptureQueriesContext(connection) as q_small:
        client.get(queue)
    with CaptureQueriesContext(connection) as a_small:
        client.get(audit)
    assert len(q_small.captured_queries) <= 9 and len(a_small.captured_queries) <= 8
    _reviews(mentor, 7, offset=10)
    services.moderate(ratings=list(Rating.objects.filter(state="published").values_list("pk", flat=True)),
                      moderator=moderator, action="hide", reason="x")
    with django_assert_num_queries(len(q_small.captured_queries)):
        assert client.get(queue).content.decode().count('<tr id="queue-') == 9
    with django_assert_num_queries(len(a_small.captured_queries)):
        assert client.get(audit).content.decode().count("data-decision-id") == 9


@pytest.mark.parametrize("role", ["anonymous", "stranger", "mentee", "mentor", "moderator", "staff"])
def test_all_reviews_page_is_public_and_hides_private_answers(page_client, review, mentor, role):
    page = page_client(role).get(reverse("ratings:mentor_reviews", args=[mentor.pk])).content.decode()
    assert "Clear, practical advice." in page
    assert "Met my expectations" not in page


def test_all_reviews_page_of_unknown_or_unlisted_mentor_is_404(client, mentor):
    assert client.get(reverse("ratings:mentor_reviews", args=[987654])).status_code == 404
    MentorProfile.objects.filter(pk=mentor.pk).update(is_listed=False)
    assert client.get(reverse("ratings:mentor_reviews", args=[mentor.pk])).status_code == 404
