from __future__ import annotations

import pytest
from django.urls import reverse

from ratings.models import ModerationDecision, Rating

pytestmark = pytest.mark.django_db


def test_admin_queue_filters_by_state_and_reports(client_for, staff, review, stranger):
    from ratings import services

    services.report_create(rating_id=review.pk, reporter=stranger, reason="spam")
    client = client_for(staff)
    url = reverse("admin:ratings_rating_changelist")
    assert client.get(url, {"state": "published", "reported": "1"}).context["cl"].result_count == 1
    assert client.get(url, {"reported": "0"}).context["cl"].result_count == 0
    assert client.get(url, {"state": "hidden"}).context["cl"].result_count == 0


@pytest.mark.parametrize(("action", "end"), [("hide_selected", "hidden"), ("remove_selected", "removed")])
def test_admin_actions_call_the_service_and_write_the_audit_log(client_for, staff, review, action, end):
    response = client_for(staff).post(reverse("admin:ratings_rating_changelist"),
                                      {"action": action, "_selected_action": [review.pk]}, follow=True)
    assert response.status_code == 200
    review.refresh_from_db()
    assert review.state == end
    decision = ModerationDecision.objects.get()
    assert decision.moderator == staff and decision.from_state == "published" and decision.to_state == end
    # The audit log is read by moderators who are not staff: the reason names no email address.
    assert decision.reason.endswith("in the admin") and "@" not in decision.reason


def test_moderator_who_is_not_staff_cannot_open_the_admin(client_for, moderator, review):
    response = client_for(moderator).get(reverse("admin:ratings_rating_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_admin_action_that_cannot_apply_changes_nothing_and_says_why(client_for, staff, review):
    response = client_for(staff).post(reverse("admin:ratings_rating_changelist"),
                                      {"action": "approve_selected", "_selected_action": [review.pk]}, follow=True)
    assert "cannot be approved" in response.content.decode()
    assert Rating.objects.get(pk=review.pk).state == "published"
    assert not ModerationDecision.objects.exists()


def test_staff_moderator_works_the_admin_queue(client_for, moderator, review):
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    client = client_for(moderator)
    assert client.get(reverse("admin:ratings_rating_changelist")).status_code == 200
    client.post(reverse("admin:ratings_rating_changelist"), {"action": "hide_selected",
                                                             "_selected_action": [review.pk]})
    assert Rating.objects.get(pk=review.pk).state == "hidden"


def test_audit_log_is_read_only_in_the_admin(client_for, staff, review, moderator):
    from ratings import services

    [decision] = services.moderate(ratings=[review.pk], moderator=moderator, action="hide", reason="x")
    client = client_for(staff)
    assert client.get(reverse("admin:ratings_moderationdecision_changelist")).status_code == 200
    assert client.get(reverse("admin:ratings_moderationdecision_add")).status_code == 403
    assert client.post(reverse("admin:ratings_moderationdecision_delete", args=[decision.pk]),
                       {"post": "yes"}).status_code == 403
    assert ModerationDecision.objects.filter(pk=decision.pk).exists()
