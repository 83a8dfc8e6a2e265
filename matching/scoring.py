"""Run the engine on database profiles: the one path used by services, selectors, the API and the command."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from matching import engine
from matching.features import Taxonomy, load_mentee_features, load_mentor_features, load_taxonomy


@dataclass(frozen=True)
class Recommendation:
    mentor_id: int
    score: float
    rank: int
    reasons: list[str]


@dataclass
class MentorPool:
    """Taxonomy and every candidate mentor's features, loaded once and shared by many mentee blocks."""

    taxonomy: Taxonomy
    mentors: engine.Features

    @classmethod
    def load(cls, *, now: datetime | None = None, persist: bool = True) -> MentorPool:
        tax = load_taxonomy()
        return cls(taxonomy=tax, mentors=load_mentor_features(tax, now=now, persist=persist))


def recommend(*, mentee_ids: Iterable[int], limit: int, now: datetime | None = None, persist: bool = True,
              pool: MentorPool | None = None) -> dict[int, list[Recommendation]]:
    """Top `limit` mentors with reasons for each mentee that has an active mentee profile."""
    pool = pool or MentorPool.load(now=now, persist=persist)
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
