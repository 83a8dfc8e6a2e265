"""The engine on hand-made feature matrices: pure numpy, no database."""

from __future__ import annotations

import numpy as np

from matching import engine

WEIGHTS = {"semantic": 0.5, "skills": 0.12, "industry": 0.06, "language": 0.08, "daytime": 0.06,
           "availability": 0.1, "quality": 0.08}


def features(ids, emb, langs, *, mentor=False):
    n = len(ids)
    emb = np.asarray(emb, dtype=np.float32)
    emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
    f = engine.Features(
        ids=np.array(ids), emb=emb, concepts=np.zeros((n, 3), np.float32), skills=np.zeros((n, 2), np.float32),
        industries=np.zeros((n, 2), np.float32), languages=np.array(langs, dtype=np.float32),
        daytime=np.ones((n, 24), np.float32),
    )
    if mentor:
        f.free_slots = np.full(n, np.nan, np.float32)
        f.quality = np.full(n, 0.5, np.float32)
    else:
        f.goal_language = np.zeros((n, 2), np.float32)
    return f


def test_mentor_without_a_shared_language_is_never_recommended():
    mentees = features([1], [[1, 0]], [[1, 0]])
    mentors = features([10, 11], [[1, 0], [0, 1]], [[0, 1], [1, 0]], mentor=True)
    (block,) = engine.top_k(mentees, mentors, WEIGHTS, k=2)
    ranked = [int(mentors.ids[j]) for j, ok in zip(block.mentor_index[0], block.valid[0], strict=True) if ok]
    assert ranked == [11]  # mentor 10 is the closer text but speaks only the other language


def test_nobody_is_recommended_to_themselves():
    mentees = features([5], [[1, 0]], [[1, 0]])
    mentors = features([5, 6], [[1, 0], [0.5, 0.5]], [[1, 0], [1, 0]], mentor=True)
    (block,) = engine.top_k(mentees, mentors, WEIGHTS, k=2)
    assert [int(mentors.ids[j]) for j, ok in zip(block.mentor_index[0], block.valid[0], strict=True) if ok] == [6]


def test_blocked_vectorised_scores_equal_a_plain_pair_loop():
    rng = np.random.default_rng(7)
    mentees = features(list(range(1, 38)), rng.normal(size=(37, 8)), rng.integers(0, 2, size=(37, 2)))
    mentees.languages[:, 0] = 1
    mentors = features(list(range(100, 153)), rng.normal(size=(53, 8)), rng.integers(0, 2, size=(53, 2)), mentor=True)
    blocks = list(engine.top_k(mentees, mentors, WEIGHTS, k=5, block_size=8))
    assert len(blocks) == 5
    full, _ = engine.score_matrix(mentees, mentors, WEIGHTS)
    for b, block in enumerate(blocks):
        for r in range(len(block.mentee_ids)):
            i = b * 8 + r
            expected = sorted(range(53), key=lambda j: (-full[i, j], mentors.ids[j]))[:5]
            got = list(block.mentor_index[r])
            assert [full[i, j] for j in got] == [full[i, j] for j in expected]


def test_scores_stay_between_zero_and_one():
    rng = np.random.default_rng(1)
    mentees = features([1, 2], rng.normal(size=(2, 4)), [[1, 1], [1, 0]])
    mentors = features([3, 4, 5], rng.normal(size=(3, 4)), [[1, 1]] * 3, mentor=True)
    total, _ = engine.score_matrix(mentees, mentors, WEIGHTS)
    assert np.all((total >= 0) & (total <= 1))
