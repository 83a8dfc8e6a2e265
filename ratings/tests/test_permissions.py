"""Who gets what from every ratings page and endpoint, in one table.

The rule (README, Security): anything tied to a booking answers 404 to people who may not know
that booking exists (strangers, moderators who are not staff), so ids cannot be probed; a
participant or staff member who may see it but not do this gets 403. Reporting and the public
reviews are open to anyone signed in / anyone; moderation is for moderators and staff.
A refused request changes nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ratings import services
from ratings.models import IgnoredReporter, MentorReply, ModerationDecision, Rating, RatingReport
from ratings.tests.conftest import established_user

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "stranger", "mentee", "mentor", "moderator", "staff")


def _expect(anonymous, stranger, mentee, mentor, moderator, staff):
    return dict(zip(ROLES, (anonymous, stranger, mentee, mentor, moderator, staff), strict=True))


MODERATION_PAGE = _expect(302, 403, 403, 403, 200, 200)
MODERATION_POST_PAGE = _expect(302, 403, 403, 403, 302, 302)
MODERATION_API = _expect(401, 403, 403, 403, 200, 200)

# (name, kind, method, url(objects), data(objects), expected status per role)
ROUTES = [
    # Rate a session / edit a rating: tied to a booking.
    ("rate page", "page", "get", lambda o: reverse("ratings:rate", args=[o["booking"].pk]), None,
     _expect(302, 404, 200, 200, 404, 403)),
    ("rate page post", "page", "post", lambda o: reverse("ratings:rate", args=[o["fresh"].pk]),
     lambda o: {"stars": "5"}, _expect(302, 404, 302, 400, 404, 403)),
    ("rate api", "api", "post", lambda o: reverse("api:rating-list"),
     lambda o: {"booking": o["fresh"].pk, "stars": 5}, _expect(401, 404, 201, 400, 404, 403)),
    ("rate api, unknown booking", "api", "post", lambda o: reverse("api:rating-list"),
     lambda o: {"booking": 987654, "stars": 5}, _expect(401, 404, 404, 404, 404, 404)),
    ("edit review api", "api", "patch", lambda o: reverse("api:rating-detail", args=[o["review"].pk]),
     lambda o: {"stars": 2}, _expect(401, 404, 200, 403, 404, 403)),
    # The mentee may not even learn that the mentor left private feedback on them.
    ("edit private feedback api", "api", "patch", lambda o: reverse("api:rating-detail", args=[o["feedback"].pk]),
     lambda o: {"private_feedback": "Changed"}, _expect(401, 404, 404, 200, 404, 403)),
    ("edit unknown rating api", "api", "patch", lambda o: reverse("api:rating-detail", args=[987654]),
     lambda o: {"stars": 2}, _expect(401, 404, 404, 404, 404, 404)),
    # Reply: the reviewed mentor only.
    ("reply page", "page", "get", lambda o: reverse("ratings:reply", args=[o["review"].pk]), None,
     _expect(302, 404, 403, 200, 404, 403)),
    ("reply page post", "page", "post", lambda o: reverse("ratings:reply", args=[o["review"].pk]),
     lambda o: {"body": "Thanks"}, _expect(302, 404, 403, 302, 404, 403)),
    ("reply api", "api", "post", lambda o: reverse("api:rating-reply", args=[o["review"].pk]),
     lambda o: {"body": "Thanks"}, _expect(401, 404, 403, 201, 404, 403)),
    # Report: a published review is public, so anyone signed in may report it, except its author.
    ("report page", "page", "get", lambda o: reverse("ratings:report", args=[o["review"].pk]), None,
     _expect(302, 200, 200, 200, 200, 200)),
    ("report page post", "page", "post", lambda o: reverse("ratings:report", args=[o["review"].pk]),
     lambda o: {"reason": "spam"}, _expect(302, 302, 403, 302, 302, 302)),
    ("report api", "api", "post", lambda o: reverse("api:rating-report", args=[o["review"].pk]),
     lambda o: {"reason": "spam"}, _expect(401, 201, 403, 201, 201, 201)),
    # Public reviews.
    ("reviews page", "page", "get", lambda o: reverse("ratings:mentor_reviews", args=[o["mentor"].pk]), None,
     _expect(200, 200, 200, 200, 200, 200)),
    ("reviews api", "api", "get", lambda o: reverse("api:rating-mentor-reviews", args=[o["mentor"].pk]), None,
     _expect(200, 200, 200, 200, 200, 200)),
    # Moderation.
    ("queue page", "page", "get", lambda o: reverse("ratings:moderation_queue"), None, MODERATION_PAGE),
    ("queue api", "api", "get", lambda o: reverse("api:rating-moderation-queue"), None, MODERATION_API),
    ("decide page", "page", "post", lambda o: reverse("ratings:moderation_queue"),
     lambda o: {"ids": [o["review"].pk], "action": "hide", "reason": "x"}, MODERATION_POST_PAGE),
    ("decide api", "api", "post", lambda o: reverse("api:rating-moderation-decide"),
     lambda o: {"ids": [o["review"].pk], "action": "hide", "reason": "x"}, MODERATION_API),
    ("audit page", "page", "get", lambda o: reverse("ratings:moderation_audit"), None, MODERATION_PAGE),
    ("audit api", "api", "get", lambda o: reverse("api:rating-moderation-audit"), None, MODERATION_API),
    ("ignore reporter page", "page", "get", lambda o: reverse("ratings:ignore_reporter", args=[o["report"].pk]),
     None, MODERATION_PAGE),
    ("ignore reporter page post", "page", "post",
     lambda o: reverse("ratings:ignore_reporter", args=[o["report"].pk]), lambda o: {"reason": "Grudge"},
     MODERATION_POST_PAGE),
    ("ignore reporter api", "api", "post",
     lambda o: reverse("api:rating-moderation-ignore-reporter", args=[o["report"].pk]),
     lambda o: {"reason": "Grudge"}, _expect(401, 403, 403, 403, 201, 201)),
]


@pytest.fixture
def objects(make_booking, review, mentor, mentee):
    feedback = services.rating_create(booking_id=review.booking_id, rater=mentor, private_feedback="Prepared")
    report = services.report_create(rating_id=review.pk, reporter=established_user(), reason="off_topic")
    return {"booking": review.booking, "fresh": make_booking(days_ago=3), "review": review, "feedback": feedback,
            "report": report, "mentor": mentor}


def _client(kind: str, role: str, request):
    client = APIClient() if kind == "api" else Client()
    if role != "anonymous":
        user = request.getfixturevalue(role)
        client.force_login(user)
        if kind == "api":
            client.force_authenticate(user)
    return client


def _snapshot():
    return (list(Rating.objects.order_by("pk").values_list("pk", "stars", "state", "private_feedback")),
            MentorReply.objects.count(), RatingReport.objects.count(), ModerationDecision.objects.count(),
            IgnoredReporter.objects.count())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kind", "method", "url", "data", "expected"), ROUTES, ids=[r[0] for r in ROUTES])
def test_every_ratings_route_answers_each_role(request, objects, role, name, kind, method, url, data, expected):
    client = _client(kind, role, request)
    before = _snapshot()
    kwargs = {"format": "json"} if kind == "api" and data else {}
    response = getattr(client, method)(url(objects), data(objects) if data else None, **kwargs)

    assert response.status_code == expected[role], (name, role, response.content[:300])
    if role == "anonymous" and kind == "page" and response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if response.status_code in (401, 403, 404) or (role == "anonymous" and response.status_code == 302):
        assert _snapshot() == before, "a refused request changed something"
