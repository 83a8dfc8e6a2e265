"""Run the engine on database profiles: the one path used by services, selectors, the API and the command."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connections
from django.utils import timezone

from matching import engine
from matching.features import (
    Taxonomy,
    load_mentee_features,
    load_taxonomy,
    mentor_features_version,
    stored_mentor_features,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recommendation:
    mentor_id: int
    score: float
    rank: int
    reasons: list[str]


@dataclass
class MentorPool:
    """Taxonomy and every candidate mentor's features as matrices, built from the stored
    MentorFeatures rows (never from profiles: that is the worker's job) and shared by many requests."""

    taxonomy: Taxonomy
    mentors: engine.Features

    @classmethod
    def load(cls, *, now: datetime | None = None) -> MentorPool:
        """Five queries on a warm process (taxonomy, mentee-independent version check); one more
        when the rows changed since this process last loaded them."""
        now = now or timezone.now()
        tax = load_taxonomy()
        # The matrices depend on the rows, the taxonomy's columns and the day (daytime hours follow
        # DST), so those make the key. One pool per process: ~40 MB at 10,000 mentors.
        key = (mentor_features_version(), tuple(tax.skill_index), tuple(tax.industry_index),
               tuple(tax.language_index), now.astimezone(UTC).date())
        cached = _pool_cache.get(key)
        if cached is None:
            _pool_cache.clear()  # drop the old matrices before building new ones: one pool in memory
            cached = _pool_cache[key] = stored_mentor_features(tax, now=now)
        return cls(taxonomy=tax, mentors=cached)


_pool_cache: dict[tuple, engine.Features] = {}


def warm_pool() -> None:
    """Load the mentor matrix into this process before it serves anything (mentorship/wsgi.py), so a
    fresh web worker's first recommendation is as fast as its hundredth. Best effort: a worker
    that cannot reach the database now still starts, and loads the matrix on first use."""
    try:
        MentorPool.load()
    except Exception:  # noqa: BLE001 - any failure here only means the first request loads it
        logger.warning("matching: mentor matrix not preloaded", exc_info=True)
    finally:
        # Under gunicorn --preload this runs in the master: forked workers must not share its
        # connection (they do share the loaded matrix, copy-on-write).
        connections.close_all()


def recommend(*, mentee_ids: Iterable[int], limit: int, now: datetime | None = None, persist: bool = True,
              pool: MentorPool | None = None) -> dict[int, list[Recommendation]]:
    """Top `limit` mentors with reasons for each mentee that has an active mentee profile.
    `persist`: whether a mentee text encoded here goes into the embedding cache."""
    pool = pool or MentorPool.load(now=now)
    mentees = load_mentee_features(mentee_ids, pool.taxonomy, now=now, persist=persist)
    out: dict[int, list[Recommendation]] = {int(i): [] for i in mentees.ids}
    offset = 0
    for block in engine.top_k(mentees, pool.mentors, settings.MATCHING_WEIGHTS, k=limit):
        for r, mentee_id in enumerate(block.mentee_ids):
            recs = out[int(mentee_id)]
            for c in range(block.mentor_index.shape[1]):
                if not block.valid[r, c]:
                    continue
                j = int(block.mentor_index[r, c])
                parts = {name: float(block.parts[name][r, c]) for name in engine.PARTS}
                reasons = engine.explain(mentees, offset + r, pool.mentors, j, pool.taxonomy.vocab, parts)
                score = round(min(max(float(block.score[r, c]), 0.0), 1.0), 4)
                recs.append(Recommendation(mentor_id=int(pool.mentors.ids[j]), score=score, rank=len(recs) + 1,
                                           reasons=reasons))
        offset += len(block.mentee_ids)
    return out
