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
from django.utils import timezone

from matching.models import RecomputeRequest

MAX_WAIT = timedelta(minutes=5)


def _request(kind: str, subject_ids: Iterable[int], now: datetime | None) -> None:
    # Set-based, so a bulk import of 10,000 people costs three statements, not 30,000.
    ids = sorted(set(subject_ids))
    if not ids:
        return
    now = now or timezone.now()
    due = now + timedelta(seconds=settings.MATCHING_DEBOUNCE_SECONDS)
    pending = RecomputeRequest.objects.filter(kind=kind, subject_id__in=ids, claimed_at__isnull=True)
    if pending.filter(first_requested_at__gte=now - MAX_WAIT).update(due_at=due) == len(ids):
        return
    # Rows that waited MAX_WAIT already keep their due time: never push them further.
    have = set(pending.values_list("subject_id", flat=True))
    # A concurrent trigger may insert the same subject first; its row (due about now) serves both.
    RecomputeRequest.objects.bulk_create(
        [RecomputeRequest(kind=kind, subject_id=i, due_at=due, first_requested_at=now) for i in ids if i not in have],
        ignore_conflicts=True,
    )


def mentee_changed(*, mentee_id: int, now: datetime | None = None) -> None:
    """A mentee's profile (goals, interests, languages, zone) changed."""
    _request(RecomputeRequest.Kind.MENTEE, [mentee_id], now)


def mentees_changed(*, mentee_ids: Iterable[int], now: datetime | None = None) -> None:
    """Many mentees changed at once (a bulk import)."""
    _request(RecomputeRequest.Kind.MENTEE, mentee_ids, now)


def mentors_changed(*, mentor_ids: Iterable[int], now: datetime | None = None) -> None:
    """Mentor profiles, availability or ratings changed; recompute the lists they appear in."""
    _request(RecomputeRequest.Kind.MENTOR, mentor_ids, now)
