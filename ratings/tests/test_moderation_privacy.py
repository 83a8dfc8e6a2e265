"""Moderators who are not staff see people's names, never their email addresses: in the queue, the
audit log, the ignore-reporter page and the API. Staff see the addresses. Moderators who are not
staff cannot open the admin at all (test_admin)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ratings import services
from ratings.tests.conftest import established_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture
def worked_queue(review, mentor, staff, moderator):
    """A review reported by a named and an unnamed person; staff ignored one of them (audit log)."""
    named = established_user(email="rita.reporter@example.com", name="Rita Reporter")
    unnamed = established_user(email="no.name@example.com", name="")
    report = services.report_create(rating_id=review.pk, reporter=named, reason="spam")
    services.report_create(rating_id=review.pk, reporter=unnamed, reason="abusive")
    services.reporter_ignore(report_id=report.pk, moderator=staff, reason="Grudge")
    return {"report": report, "emails": [review.rater.email, mentor.email, named.email, unnamed.email,
                                         staff.email]}


def _bodies(client, report) -> dict[str, str]:
    return {
        "queue page": client.get(reverse("ratings:moderation_queue")).content.decode(),
        "audit page": client.get(reverse("ratings:moderation_audit")).content.decode(),
        "ignore page": client.get(reverse("ratings:ignore_reporter", args=[report.pk])).content.decode(),
        "queue api": client.get(reverse("api:rating-moderation-queue")).content.decode(),
        "audit api": client.get(reverse("api:rating-moderation-audit")).content.decode(),
    }


def test_moderator_who_is_not_staff_sees_no_email_address(client_for, moderator, worked_queue, review):
    moderator_email = moderator.email
    for name, body in _bodies(client_for(moderator), worked_queue["report"]).items():
        # The page chrome names the signed-in moderator; nobody else's address may appear.
        found = set(EMAIL.findall(body)) - {moderator_email}
        assert not found, f"{name} shows {found}"
        for email in worked_queue["emails"]:
            assert email not in body, f"{name} shows {email}"
    queue = client_for(moderator).get(reverse("ratings:moderation_queue")).content.decode()
    assert "by Manu Mentee" in queue and "Rita Reporter" in queue and "Member #" in queue


def test_moderation_decision_by_the_non_staff_moderator_names_them_without_email(client_for, moderator, review):
    client = client_for(moderator)
    response = client.post(reverse("api:rating-moderation-decide"),
                           {"ids": [review.pk], "action": "hide", "reason": "x"}, format="json")
    assert response.json()["decisions"][0]["moderator"] == "Mo Moderator"
    assert "@" not in response.content.decode()


def test_staff_see_email_addresses(client_for, staff, worked_queue, review):
    bodies = _bodies(client_for(staff), worked_queue["report"])
    assert review.rater.email in bodies["queue page"] and "rita.reporter@example.com" in bodies["queue page"]
    assert staff.email in bodies["audit page"] and "rita.reporter@example.com" in bodies["audit page"]
    assert review.rater.email in bodies["queue api"] and "no.name@example.com" in bodies["queue api"]
    assert staff.email in bodies["audit api"]


def test_moderation_name_never_falls_back_to_the_email():
    from ratings.selectors import moderation_name

    nameless = UserFactory(email="secret.person@example.com", name="  ")
    assert moderation_name(nameless, viewer=None) == f"Member #{nameless.pk}"
