"""What other apps call when something that affects match scores changes.

Call inside the writing transaction; the recompute is debounced and runs in the background: each
call upserts one pending RecomputeRequest per subject due MATCHING_DEBOUNCE_SECONDS from now, so a
burst of edits (a mentor saving availability rule by rule) coalesces into one recompute after the
burst. A subject that keeps changing is still recomputed within MAX_WAIT of its first change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.models import RecomputeRequest

MAX_WAIT = timedelta(minutes=5)


def _request(kind: str, subject_ids: Iterable[int], now: datetime | None) -> None:
    now = now or timezone.now()
    due = now + timedelta(seconds=settings.MATCHING_DEBOUNCE_SECONDS)
    for subject_id in sorted(set(subject_ids)):
        pending = RecomputeRequest.objects.filter(kind=kind, subject_id=subject_id, claimed_at__isnull=True)
        if pending.filter(first_requested_at__gte=now - MAX_WAIT).update(due_at=due):
            continue
        if pending.exists():  # waited long enough already: keep its due time, never push it further
            continue
        try:
            with transaction.atomic():  # savepoint: a concurrent trigger may have inserted it first
                RecomputeRequest.objects.create(kind=kind, subject_id=subject_id, due_at=due, first_requested_at=now)
        except IntegrityError:
            pending.filter(first_requested_at__gte=now - MAX_WAIT).update(due_at=due)


def mentee_changed(*, mentee_id: int, now: datetime | None = None) -> None:
    """A mentee's profile (goals, interests, languages, zone) changed."""
    _request(RecomputeRequest.Kind.MENTEE, [mentee_id], now)


def mentors_changed(*, mentor_ids: Iterable[int], now: datetime | None = None) -> None:
    """Mentor profiles, availability or ratings changed; recompute the lists they appear in."""
    _request(RecomputeRequest.Kind.MENTOR, mentor_ids, now)
