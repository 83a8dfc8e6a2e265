"""Mentor replies pass the same content rules as reviews (ratings.content.flagged_reasons): a reply
with a link, an email address, a phone number or a blocklisted word waits as pending until a
moderator approves it, on the page and through the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import MentorProfile
from ratings import services
from ratings.errors import RatingError
from ratings.models import MentorReply, ModerationDecision
from ratings.tests.conftest import completed_booking_for
from tests.factories import MenteeFactory

pytestmark = pytest.mark.django_db

FLAGGED = [
    ("Book me directly at https://example.com/me", ["a link"]),
    ("See www.maya-coaching.io for more", ["a link"]),
    ("Write to maya@coach.example.org", ["an email address"]),
    ("Call me on +1 212 555 0199", ["a phone number"]),
    ("What a stupid review", ["a word on the blocklist"]),
]


def _mentor_page(mentor) -> str:
    return reverse("accounts:mentor_detail", args=[MentorProfile.objects.get(pk=mentor.pk).slug])


@pytest.mark.parametrize(("text", "reasons"), FLAGGED)
def test_a_reply_is_held_for_exactly_what_would_hold_a_review(review, mentor, mentee, text, reasons):
    reply = services.reply_create(rating_id=review.pk, author=mentor, body=text)
    assert (reply.state, reply.held_because) == ("pending", reasons)

    other = MenteeFactory()
    held_review = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=other).pk,
                                         rater=other, stars=5, comment=text)
    assert (held_review.state, held_review.held_because) == ("pending", reasons)


def test_a_clean_reply_is_published_at_once(review, mentor):
    reply = services.reply_create(rating_id=review.pk, author=mentor, body="Thanks, glad it helped (2019-2024 notes).")
    assert (reply.state, reply.held_because) == ("published", [])


def test_held_reply_through_the_api_is_201_pending_and_not_public(client_for, api_client, review, mentor):
    response = client_for(mentor).post(reverse("api:rating-reply", args=[review.pk]),
                                       {"body": "Book me at https://example.com"}, format="json")
    assert response.status_code == 201
    assert (response.json()["state"], response.json()["held_because"]) == ("pending", ["a link"])

    [public] = api_client.get(reverse("api:rating-mentor-reviews", args=[mentor.pk])).json()["results"]
    assert public["reply"] is None


def test_held_reply_on_the_page_says_it_waits_and_is_not_public(client_for, client, review, mentor):
    mentor_client = client_for(mentor)
    response = mentor_client.post(reverse("ratings:reply", args=[review.pk]),
                                  {"body": "Mail me: maya@coach.example.org", "next": _mentor_page(mentor)},
                                  follow=True)
    page = response.content.decode()
    assert "Your reply will appear once a moderator has checked it, because it contains an email address" in page
    assert "maya@coach.example.org" not in client.get(_mentor_page(mentor)).content.decode()
    # The mentor is not offered a second reply while the first waits.
    own = mentor_client.get(_mentor_page(mentor)).content.decode()
    assert "Your reply will appear once a moderator has checked it." in own
    assert reverse("ratings:reply", args=[review.pk]) not in own


@pytest.mark.parametrize("via", ["page", "api"])
def test_moderator_finds_a_held_reply_among_pending_items_and_approves_it(client_for, client, review, mentor,
                                                                          moderator, via):
    services.reply_create(rating_id=review.pk, author=mentor, body="Call me on +1 212 555 0199")
    mod = client_for(moderator)
    if via == "page":
        queue = mod.get(reverse("ratings:moderation_queue"), {"state": "pending"}).content.decode()
        assert f'id="queue-{review.pk}"' in queue and "Mentor replied (pending review)" in queue
        response = mod.post(reverse("ratings:moderation_queue"),
                            {"ids": [review.pk], "action": "approve_reply", "reason": "Office line, fine"})
        assert response.status_code == 302
    else:
        [item] = mod.get(reverse("api:rating-moderation-queue"), {"state": "pending"}).json()["results"]
        assert item["id"] == review.pk and item["reply"]["state"] == "pending"
        response = mod.post(reverse("api:rating-moderation-decide"),
                            {"ids": [review.pk], "action": "approve_reply", "reason": "Office line, fine"},
                            format="json")
        assert response.status_code == 200
    assert MentorReply.objects.get().state == "published"
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.from_state, decision.to_state) == ("approve_reply", "pending", "published")
    review.refresh_from_db()
    assert review.state == "published"  # a reply decision leaves the review alone
    assert "+1 212 555 0199" in client.get(_mentor_page(mentor)).content.decode()


def test_reply_decisions_refuse_what_cannot_apply(review, mentor, moderator):
    with pytest.raises(RatingError) as err:
        services.moderate(ratings=[review.pk], moderator=moderator, action="approve_reply", reason="x")
    assert err.value.status == 409 and "has no reply" in err.value.field_errors["ids"][0]
    services.reply_create(rating_id=review.pk, author=mentor, body="Thanks!")
    with pytest.raises(RatingError) as err:
        services.moderate(ratings=[review.pk], moderator=moderator, action="approve_reply", reason="x")
    assert err.value.status == 409
    services.moderate(ratings=[review.pk], moderator=moderator, action="remove_reply", reason="Off-topic")
    assert MentorReply.objects.get().state == "removed"
    with pytest.raises(RatingError) as err:
        services.reply_create(rating_id=review.pk, author=mentor, body="Again")
    assert err.value.status == 409
