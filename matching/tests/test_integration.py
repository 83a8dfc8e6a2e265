"""The other apps' writes reach matching through triggers: a profile edit leads to one recompute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services as accounts_services
from matching import services
from matching.models import MatchScore, RecomputeRequest
from matching.tests.conftest import make_mentee

pytestmark = pytest.mark.django_db


def test_editing_goals_queues_one_recompute_that_changes_the_list(pool):
    mentee = make_mentee("edit@example.com", "I want to sit on a company board")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    accounts_services.mentee_profile_update(user=mentee, goals="I freeze when presenting to the board")
    accounts_services.mentee_profile_update(user=mentee, goals="I freeze when presenting to the board.")
    assert RecomputeRequest.objects.filter(kind="mentee", subject_id=mentee.pk).count() == 1
    assert services.recompute_requests_process_due(now=timezone.now() + timedelta(minutes=1)) == 1
    assert MatchScore.objects.get(mentee=mentee, rank=1).mentor == pool["speaker"]


def test_a_mentor_editing_their_profile_recomputes_the_lists_they_could_enter(pool):
    mentee = make_mentee("watch@example.com", "How do I negotiate a better salary?")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    accounts_services.mentor_profile_update(
        user=pool["board"], headline="Salary negotiation coach",
        bio="I help people negotiate offers and raises and get paid what they are worth.")
    assert services.recompute_requests_process_due(now=timezone.now() + timedelta(minutes=1)) == 1
    first = MatchScore.objects.get(mentee=mentee, rank=1)
    assert first.mentor == pool["board"]
    assert "Helps with negotiation, which matches your goal" in first.reasons
