"""Ranking quality on an evaluation set: the engine against a plain TF-IDF baseline.

Two sets: "own" (matching/eval_data.py, the set the lexicon and constants were tuned on, with a
held-out half) and "independent" (matching/evalsets/independent.py, written apart from the lexicon,
split into dev and test halves by position).

Metrics, per mentee then averaged: top-1 = the first recommendation is a grade-2 mentor ("the one
to book"); top-3 = a grade-2 mentor is among the first three; NDCG@5 with gains 2^grade - 1.
Used by bench/matching_quality.py (prints) and matching/tests/test_quality.py (asserts floors).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from matching import engine, eval_data, learning, semantic
from matching.engine import Features
from matching.evalsets import independent
from matching.features import (
    MenteeRecord,
    MentorRecord,
    build_taxonomy,
    mentee_features,
    mentee_text,
    mentor_features,
    mentor_text,
)

EVAL_DAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# The product's weights (settings.MATCHING_WEIGHTS, a test keeps the two equal), so the figures are
# the product's; "neutral" because the evaluation profiles have no slots, ratings or zones.
NEUTRAL_WEIGHTS = {"semantic": 0.50, "skills": 0.12, "industry": 0.06, "language": 0.08, "daytime": 0.06,
                   "availability": 0.10, "quality": 0.08}


@dataclass
class Scores:
    top1: float
    top3: float
    ndcg5: float
    n: int


def metrics(rankings: list[list[int]], judgements: list[dict[int, int]]) -> Scores:
    top1 = top3 = ndcg = 0.0
    for ranked, rel in zip(rankings, judgements, strict=True):
        best = {m for m, g in rel.items() if g == 2}
        top1 += ranked[0] in best if ranked else 0
        top3 += bool(best & set(ranked[:3]))
        dcg = sum((2 ** rel.get(m, 0) - 1) / math.log2(i + 2) for i, m in enumerate(ranked[:5]))
        ideal = sorted(rel.values(), reverse=True)[:5]
        idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        ndcg += dcg / idcg if idcg else 0.0
    n = len(rankings)
    return Scores(top1 / n, top3 / n, ndcg / n, n)


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set as plain data: the taxonomy, mentors, and mentees with their judgements."""

    name: str
    skills: list
    industries: list
    languages: list
    mentors: dict  # id: (headline, bio, skill ids, language codes)
    goals: list  # per mentee: (goal text, interest skill ids, language codes)
    judgements: list  # per mentee: {mentor id: grade}
    splits: list  # per mentee: the split's name


def _own() -> EvalSet:
    rows = eval_data.MENTEES
    return EvalSet("own", eval_data.SKILLS, eval_data.INDUSTRIES, eval_data.LANGUAGES, eval_data.MENTORS,
                   [(g, s, langs) for g, s, langs, _, _ in rows], [r[3] for r in rows], [r[4] for r in rows])


def _independent() -> EvalSet:
    rows = independent.MENTEES
    return EvalSet("independent", independent.SKILLS, independent.INDUSTRIES, independent.LANGUAGES,
                   independent.MENTORS, [(g, s, langs) for g, s, langs, _ in rows], [r[3] for r in rows],
                   [independent.split_of(i) for i in range(len(rows))])


SETS = {"own": _own, "independent": _independent}


def eval_set(name: str = "own") -> EvalSet:
    return SETS[name]()


def _records(data: EvalSet):
    tax = build_taxonomy(skills=data.skills, industries=data.industries, languages=data.languages)
    mentors = [MentorRecord(id=mid, headline=h, bio=b, skill_ids=s, language_codes=langs)
               for mid, (h, b, s, langs) in data.mentors.items()]
    mentees = [MenteeRecord(id=100_000 + i, goals=g, interest_ids=s, language_codes=langs)
               for i, (g, s, langs) in enumerate(data.goals)]
    return tax, mentors, mentees


_FEATURES: dict[str, tuple[Features, Features]] = {}


def features_of(data: EvalSet) -> tuple[Features, Features]:
    """(mentee, mentor) feature matrices of a set, encoded once per process (encoding is the slow part)."""
    if data.name not in _FEATURES:
        tax, mentors, mentees = _records(data)
        m_emb = semantic.encode([mentor_text(r, tax) for r in mentors])
        e_emb = semantic.encode([mentee_text(r, tax) for r in mentees])
        _FEATURES[data.name] = (mentee_features(mentees, tax, embeddings=e_emb, now=EVAL_DAY),
                                mentor_features(mentors, tax, embeddings=m_emb, now=EVAL_DAY))
    return _FEATURES[data.name]


def judged(data: EvalSet, split: str | None = None) -> learning.Judged:
    """The learnable parts and grades of a set's mentees (or one split's), for matching/learning.py."""
    ef, mf = features_of(data)
    keep = [i for i, name in enumerate(data.splits) if split in (None, name)]
    ef = ef.rows(np.asarray(keep, dtype=int))
    total, parts = engine.score_matrix(ef, mf, NEUTRAL_WEIGHTS)
    text, topic = engine.semantic_parts(ef, mf)
    learnt = {"text": text, "topic": topic, **{k: np.asarray(parts[k]) for k in ("skills", "language")}}
    column = {int(mid): j for j, mid in enumerate(mf.ids)}
    grades = np.zeros(total.shape, dtype=int)
    for r, i in enumerate(keep):
        for mid, g in data.judgements[i].items():
            grades[r, column[mid]] = g
    return learning.Judged(learnt, grades, np.isfinite(total), mf.ids.copy())


def engine_rankings(k: int = 5, data: EvalSet | None = None) -> list[list[int]]:
    ef, mf = features_of(data or eval_set())
    out: list[list[int]] = []
    for block in engine.top_k(ef, mf, NEUTRAL_WEIGHTS, k=k, with_parts=False):
        for row, valid in zip(block.mentor_index, block.valid, strict=True):
            out.append([int(mf.ids[j]) for j, ok in zip(row, valid, strict=True) if ok])
    return out


_TOKEN = re.compile(r"\w+", re.UNICODE)


def tfidf_rankings(k: int = 5, data: EvalSet | None = None) -> list[list[int]]:
    """Plain word TF-IDF cosine between goals and mentor headline+bio+skills (no languages, no taxonomy)."""
    tax, mentors, mentees = _records(data or eval_set())
    docs = [mentor_text(r, tax) for r in mentors]
    queries = [mentee_text(r, tax) for r in mentees]
    tokenised = [_TOKEN.findall(t.lower()) for t in docs + queries]
    vocab = {w: i for i, w in enumerate(sorted({w for toks in tokenised for w in toks}))}
    df = Counter(w for toks in tokenised for w in set(toks))
    idf = np.array([math.log((1 + len(tokenised)) / (1 + df[w])) + 1 for w in vocab], dtype=np.float64)
    mat = np.zeros((len(tokenised), len(vocab)))
    for i, toks in enumerate(tokenised):
        for w, c in Counter(toks).items():
            mat[i, vocab[w]] = c * idf[vocab[w]]
    mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
    sims = mat[len(docs):] @ mat[:len(docs)].T
    ids = [r.id for r in mentors]
    return [[ids[j] for j in np.argsort(-row, kind="stable")[:k]] for row in sims]


def evaluate(split: str | None = None, set_name: str = "own") -> dict[str, Scores]:
    """{"engine": Scores, "tfidf": Scores} over a set's mentees, or only one split of it."""
    data = eval_set(set_name)
    keep = [i for i, name in enumerate(data.splits) if split in (None, name)]
    judgements = [data.judgements[i] for i in keep]
    eng, base = engine_rankings(data=data), tfidf_rankings(data=data)
    return {"engine": metrics([eng[i] for i in keep], judgements),
            "tfidf": metrics([base[i] for i in keep], judgements)}
