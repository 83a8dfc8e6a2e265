"""matching.triggers is called inside other apps' writes (a booking, an availability save): it costs
them one statement, however many subjects, and keeps the debounce rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import triggers
from matching.models import RecomputeRequest

pytestmark = pytest.mark.django_db


def test_a_trigger_for_many_mentors_is_one_statement(django_assert_num_queries):
    now = timezone.now()
    RecomputeRequest.objects.create(kind="mentor", subject_id=2, due_at=now, first_requested_at=now)

    with django_assert_num_queries(1):
        triggers.mentors_changed(mentor_ids=[3, 1, 2, 3], now=now + timedelta(seconds=5))

    rows = {r.subject_id: r for r in RecomputeRequest.objects.all()}
    assert sorted(rows) == [1, 2, 3]
    assert {r.due_at for r in rows.values()} == {now + timedelta(seconds=35)}
    assert rows[2].first_requested_at == now  # the pending row was pushed, not replaced


def test_a_claimed_request_does_not_absorb_a_new_change():
    now = timezone.now()
    RecomputeRequest.objects.create(kind="mentee", subject_id=9, due_at=now, first_requested_at=now, claimed_at=now)

    triggers.mentee_changed(mentee_id=9, now=now + timedelta(seconds=1))

    # The claimed one is being recomputed from data read before this change: a new pending row follows it.
    assert RecomputeRequest.objects.filter(subject_id=9, claimed_at__isnull=True).count() == 1
    assert RecomputeRequest.objects.filter(subject_id=9).count() == 2
