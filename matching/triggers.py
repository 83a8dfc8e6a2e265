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
from django.db import connection
from django.db.models.sql import InsertQuery
from django.utils import timezone

from matching.models import RecomputeRequest

MAX_WAIT = timedelta(minutes=5)


def _request(kind: str, subject_ids: Iterable[int], now: datetime | None) -> None:
    now = now or timezone.now()
    due = now + timedelta(seconds=settings.MATCHING_DEBOUNCE_SECONDS)
    # One statement for any number of subjects, so a bulk import of 10,000 people costs one upsert.
    rows = [RecomputeRequest(kind=kind, subject_id=subject_id, due_at=due, first_requested_at=now)
            for subject_id in sorted(set(subject_ids))]  # sorted: concurrent callers lock in one order
    if not rows:
        return
    # One upsert for every subject, on the "one pending row per subject" index: a new subject gets
    # a row; a pending one is pushed to the new due time, unless it has waited MAX_WAIT already
    # (then it keeps its due time, never pushed further). A concurrent trigger's row is a conflict
    # like any other, so no savepoint is needed.
    meta = RecomputeRequest._meta
    query = InsertQuery(RecomputeRequest)
    query.insert_values([meta.get_field(name) for name in ("kind", "subject_id", "due_at", "first_requested_at")], rows)
    [(insert_sql, params)] = query.get_compiler(connection=connection).as_sql()
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{insert_sql} ON CONFLICT (kind, subject_id) WHERE claimed_at IS NULL "
            f"DO UPDATE SET due_at = excluded.due_at WHERE {table}.first_requested_at >= %s",
            (*params, connection.ops.adapt_datetimefield_value(now - MAX_WAIT)),
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
