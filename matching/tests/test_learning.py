"""The weight learner (matching/learning.py) recovers known weights, and the product uses what it learnt."""

from __future__ import annotations

import numpy as np
from django.conf import settings

from matching import engine, learning
from matching.evaluation import NEUTRAL_WEIGHTS


def synthetic(true: dict[str, float], *, mentees: int = 120, mentors: int = 40, seed: int = 7) -> learning.Judged:
    """Random parts; each mentee's best mentor by the true score gets grade 2, the next two grade 1."""
    rng = np.random.default_rng(seed)
    parts = {name: rng.random((mentees, mentors)) for name in learning.LEARNT}
    total = sum(true[name] * parts[name] for name in learning.LEARNT)
    # A little noise so the grades are not a perfect function of the parts (as with real judgements).
    total = total + rng.normal(0.0, 0.02, total.shape)
    grades = np.zeros((mentees, mentors), dtype=int)
    order = np.argsort(-total, axis=1)
    rows = np.arange(mentees)
    grades[rows, order[:, 0]] = 2
    grades[rows, order[:, 1]] = grades[rows, order[:, 2]] = 1
    allowed = np.ones((mentees, mentors), dtype=bool)
    return learning.Judged(parts, grades, allowed, np.arange(1, mentors + 1))


def test_learning_recovers_known_weights_on_a_synthetic_example():
    true = {"text": 0.5, "topic": 0.1, "skills": 0.3, "language": 0.0}
    learnt = learning.learn(synthetic(true), l2=1e-4)
    vec = np.array([learnt[k] for k in learning.LEARNT])
    want = np.array([true[k] for k in learning.LEARNT])
    want = want / want.sum()
    assert np.abs(vec - want).max() < 0.05, learnt
    assert all(v >= 0.0 for v in learnt.values())  # the part with no influence stays (near) zero, never negative
    assert learnt["language"] < 0.03


def test_learnt_weights_rank_the_synthetic_mentees_as_the_truth_does():
    data = synthetic({"text": 0.2, "topic": 0.2, "skills": 0.1, "language": 0.5}, seed=3)
    learnt = learning.learn(data, l2=1e-4)
    assert learning.ndcg5(data, learnt) > 0.9
    assert learning.ndcg5(data, {"text": 1.0}) < 0.7  # a wrong weighting scores far lower on the same data


def test_settings_round_trip_keeps_fixed_parts_and_sums_to_one():
    weights, share = learning.as_settings({"text": 0.6, "topic": 0.2, "skills": 0.1, "language": 0.1},
                                          NEUTRAL_WEIGHTS)
    assert abs(sum(weights.values()) - 1.0) < 0.005
    assert all(weights[name] == NEUTRAL_WEIGHTS[name] for name in learning.FIXED)
    assert share == 0.75
    back = learning.as_learnt(weights, share)
    assert abs(back["text"] / back["skills"] - 6.0) < 0.05


def test_the_product_scores_with_the_weights_the_evaluation_measures():
    assert settings.MATCHING_WEIGHTS == NEUTRAL_WEIGHTS
    assert abs(sum(settings.MATCHING_WEIGHTS.values()) - 1.0) < 1e-6
    assert 0.0 < engine.TEXT_SHARE < 1.0
