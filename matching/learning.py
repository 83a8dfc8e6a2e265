"""Learn the weights of the match score's parts from judged examples (issue 16), instead of by hand.

The model is pairwise logistic regression over the parts (a RankNet with one linear layer): for each
judged mentee and each pair of allowed mentors (a, b) where a is graded higher than b, the
probability that a outranks b is sigmoid(w . (parts_a - parts_b)). The weights w are fitted by
projected gradient descent with a small L2 penalty and kept non-negative, so every weight still
reads "how much this part counts" and the reasons (which describe the parts) stay what they were.
Pairs are weighted by the gain they decide (2^grade_a - 2^grade_b) and each mentee counts once,
however many mentors it judged.

Learnt parts: the two halves of the semantic part (the sentence cosine "text" and the topic-profile
cosine "topic", see engine.semantic_parts), skills and language. Industry, daytime, availability
and quality have no signal in an evaluation set (no evaluation profile names an industry, all share
one zone, none has slots or ratings), so they keep their product weights and the learnt parts
share the rest.
The result maps onto `settings.MATCHING_WEIGHTS` (semantic = text + topic) and `engine.TEXT_SHARE`
(text / semantic). bench/learn_weights.py learns them from the dev halves and prints before/after for
both sets; the README's matching section says why the current fit is not shipped (it falls into a
lexical trap that matching/tests/test_integration.py guards). Pure numpy: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LEARNT = ("text", "topic", "skills", "language")
FIXED = ("industry", "daytime", "availability", "quality")


@dataclass
class Judged:
    """Parts and grades of every (mentee, mentor) pair of a set of judged mentees."""

    parts: dict[str, np.ndarray]  # name (LEARNT, or any other part tried) -> (m, n) in [0, 1]
    grades: np.ndarray            # (m, n) int: 0 = not judged relevant
    allowed: np.ndarray           # (m, n) bool: False where the engine excludes the mentor
    mentor_ids: np.ndarray        # (n,)

    def rows(self, keep: Sequence[int]) -> Judged:
        keep = np.asarray(keep, dtype=int)
        return Judged({k: v[keep] for k, v in self.parts.items()}, self.grades[keep], self.allowed[keep],
                      self.mentor_ids)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.parts)

    def stack(self, names: Sequence[str] | None = None) -> np.ndarray:
        """(m, n, f): the parts as one array, columns in `names` order (default: the parts' order)."""
        names = self.names if names is None else names
        return np.stack([np.asarray(self.parts[k], dtype=np.float64) for k in names], axis=-1)


def pairs(judged: Judged) -> tuple[np.ndarray, np.ndarray]:
    """(p, f) differences parts_better - parts_worse, and (p,) pair weights (each mentee sums to 1)."""
    x = judged.stack()
    diffs, weights = [], []
    for i in range(len(judged.grades)):
        ok = np.flatnonzero(judged.allowed[i])
        g = judged.grades[i, ok]
        hi, lo = np.nonzero(g[:, None] > g[None, :])
        if not hi.size:
            continue
        gain = (2.0 ** g[hi] - 2.0 ** g[lo])
        diffs.append(x[i, ok[hi]] - x[i, ok[lo]])
        weights.append(gain / gain.sum())
    if not diffs:
        return np.zeros((0, len(judged.names))), np.zeros(0)
    return np.vstack(diffs), np.concatenate(weights)


def fit_pairwise(diffs: np.ndarray, weights: np.ndarray, *, l2: float = 1e-3, iterations: int = 3000) -> np.ndarray:
    """Non-negative w minimising sum_p weight_p * log(1 + exp(-w . diff_p)) / sum(weight) + l2/2 |w|^2.

    Projected gradient descent with the step 1/L (L bounds the loss's curvature), from w = 0 so
    the answer does not depend on a random start: deterministic, converges on this convex problem.
    """
    f = diffs.shape[1]
    w = np.zeros(f)
    if not len(diffs):
        return w
    sw = weights / weights.sum()
    curvature = 0.25 * np.linalg.eigvalsh((diffs * sw[:, None]).T @ diffs).max() + l2
    step = 1.0 / max(curvature, 1e-12)
    for _ in range(iterations):
        margin = diffs @ w
        # d/dw log(1 + exp(-m)) = -sigmoid(-m) * diff; sigmoid written stably for large |m|.
        s = np.exp(-np.logaddexp(0.0, margin))
        grad = -((sw * s) @ diffs) + l2 * w
        new = np.maximum(w - step * grad, 0.0)
        if np.abs(new - w).max() < 1e-9 * max(1.0, np.abs(w).max()):
            return new
        w = new
    return w


def rankings(judged: Judged, w: Mapping[str, float], *, k: int = 5) -> list[list[int]]:
    """Each mentee's top-k mentor ids under weights w over the parts, ties broken by mentor id (as the engine)."""
    vec = np.array([float(w.get(name, 0.0)) for name in judged.names])
    total = judged.stack() @ vec
    total[~judged.allowed] = -np.inf
    out = []
    for row, ok in zip(total, judged.allowed, strict=True):
        order = np.lexsort((judged.mentor_ids, -row))
        out.append([int(judged.mentor_ids[j]) for j in order[:k] if ok[j]])
    return out


def judgements_of(judged: Judged) -> list[dict[int, int]]:
    return [{int(judged.mentor_ids[j]): int(g) for j, g in enumerate(row) if g} for row in judged.grades]


def ndcg5(judged: Judged, w: Mapping[str, float]) -> float:
    from matching.evaluation import metrics

    return metrics(rankings(judged, w), judgements_of(judged)).ndcg5


def _pairs_of(sets: Sequence[Judged]) -> tuple[np.ndarray, np.ndarray]:
    got = [pairs(j) for j in sets]
    return np.vstack([d for d, _ in got]), np.concatenate([w for _, w in got])


def choose_l2(sets: Sequence[Judged], grid: Sequence[float] = (1e-4, 1e-3, 1e-2, 1e-1), folds: int = 5) -> float:
    """The L2 penalty with the best cross-validated NDCG@5 (mean over `folds` interleaved folds of
    each set's mentees); ties go to the stronger penalty, the simpler model."""
    best, best_score = grid[0], -1.0
    for l2 in grid:
        scores = []
        for f in range(folds):
            train = [j.rows([i for i in range(len(j.grades)) if i % folds != f]) for j in sets]
            w = dict(zip(sets[0].names, fit_pairwise(*_pairs_of(train), l2=l2), strict=True))
            scores += [ndcg5(j.rows([i for i in range(len(j.grades)) if i % folds == f]), w) for j in sets]
        if np.mean(scores) >= best_score - 1e-9:
            best, best_score = l2, float(np.mean(scores))
    return best


def learn(sets: Judged | Sequence[Judged], *, l2: float | None = None) -> dict[str, float]:
    """Weights over the parts (LEARNT), scaled to sum to 1 (only their ratios matter for the ranking)."""
    sets = [sets] if isinstance(sets, Judged) else list(sets)
    l2 = choose_l2(sets) if l2 is None else l2
    w = fit_pairwise(*_pairs_of(sets), l2=l2)
    total = w.sum()
    names = sets[0].names
    w = w / total if total > 0 else np.full(len(names), 1.0 / len(names))
    return {name: float(v) for name, v in zip(names, w, strict=True)}


def as_settings(learnt: Mapping[str, float], fixed: Mapping[str, float], *,
                decimals: int = 3) -> tuple[dict[str, float], float]:
    """(MATCHING_WEIGHTS, TEXT_SHARE) from learnt ratios: the FIXED parts keep their weights, the
    learnt ones share the rest, so the weights still sum to 1 and the score stays in [0, 1]."""
    rest = 1.0 - sum(float(fixed[name]) for name in FIXED)
    semantic = learnt["text"] + learnt["topic"]
    weights = {"semantic": semantic, "skills": learnt["skills"], "language": learnt["language"]}
    weights = {name: round(rest * v, decimals) for name, v in weights.items()}
    weights.update({name: float(fixed[name]) for name in FIXED})
    text_share = round(learnt["text"] / semantic, decimals) if semantic > 0 else 0.5
    order = ("semantic", "skills", "industry", "language", "daytime", "availability", "quality")
    return {name: weights[name] for name in order}, text_share


def as_learnt(weights: Mapping[str, float], text_share: float) -> dict[str, float]:
    """The inverse of as_settings: settings weights as weights over LEARNT (for "before" figures)."""
    sem = float(weights.get("semantic", 0.0))
    return {"text": sem * text_share, "topic": sem * (1.0 - text_share), "skills": float(weights.get("skills", 0.0)),
            "language": float(weights.get("language", 0.0))}
