"""Floors on ranking quality over our evaluation set (matching/eval_data.py); see bench/matching_quality.py."""

from __future__ import annotations

import pytest

from matching import eval_data
from matching.evaluation import evaluate


def test_evaluation_set_is_big_and_varied_enough():
    assert len(eval_data.MENTEES) >= 40 and len(eval_data.MENTORS) >= 30
    assert sum(1 for m in eval_data.MENTEES if m[4] == "heldout") >= 20


@pytest.fixture(scope="module")
def scores():
    return evaluate()


def test_engine_ranks_the_right_mentor_near_the_top(scores):
    engine = scores["engine"]
    # Measured 2026-11-26: top-1 0.854, top-3 0.979, NDCG@5 0.900 (goals 0.95 / 0.90); held-out half
    # alone: 0.957 / 0.873. Floors leave a little room for BLAS rounding on other CPUs.
    assert engine.top3 >= 0.95
    assert engine.ndcg5 >= 0.88
    assert engine.top1 >= 0.80


def test_engine_is_clearly_above_plain_tfidf(scores):
    assert scores["engine"].top3 - scores["tfidf"].top3 >= 0.3
    assert scores["engine"].ndcg5 - scores["tfidf"].ndcg5 >= 0.3


def test_held_out_half_holds_up():
    held = evaluate("heldout")
    assert held["engine"].top3 >= 0.90 and held["engine"].ndcg5 >= 0.85


@pytest.fixture(scope="module")
def independent_scores():
    return {split: evaluate(split, "independent") for split in (None, "dev")}


def test_the_independent_set_does_not_fall_below_where_it_stood(independent_scores):
    # The independent set (matching/evalsets/independent.py) was written apart from the lexicon. Its
    # figures when it was written (2026-12-03): all top-3 0.604, NDCG@5 0.528 (TF-IDF 0.308 / 0.298);
    # dev top-3 0.615, NDCG@5 0.512. These floors guard against a regression; issue 16 raises them.
    # Only the dev half is asserted on separately: the test half is read to report, never to tune.
    everyone, dev = independent_scores[None], independent_scores["dev"]
    assert everyone["engine"].top3 >= 0.58 and everyone["engine"].ndcg5 >= 0.50
    assert dev["engine"].top3 >= 0.58 and dev["engine"].ndcg5 >= 0.48
    assert everyone["engine"].ndcg5 - everyone["tfidf"].ndcg5 >= 0.2
