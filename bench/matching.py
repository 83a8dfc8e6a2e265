"""Full top-10 recompute of the match engine: 20,000 mentees x 5,000 mentors, in memory.

    .venv/bin/python bench/matching.py [--mentees 20000] [--mentors 5000] [--sample 4]

Synthetic feature matrices with the product's shapes (512-d embeddings, 28 topics, 300 skills,
40 industries, 12 languages, 24 daytime hours) go through matching.engine.top_k exactly as the
services call it (blocks of 1,024 mentees, parts gathered for reasons). Prints wall time and peak
memory (resource.getrusage), then a pure-Python pair loop over a few mentees, timed and
extrapolated to the whole run, as the baseline for the speed-up ratio. Encoding profile texts is
not part of the recompute (embeddings are cached by text hash); its throughput is printed apart.
Goals: < 60 s and < 4 GB peak.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

from matching import engine  # noqa: E402

WEIGHTS = {"semantic": 0.50, "skills": 0.12, "industry": 0.06, "language": 0.08, "daytime": 0.06,
           "availability": 0.10, "quality": 0.08}
D, K, S, IND, L = 512, 28, 300, 40, 12


def synthetic(n: int, rng: np.random.Generator, *, mentor: bool) -> engine.Features:
    emb = rng.standard_normal((n, D), dtype=np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    skills = (rng.random((n, S)) < (6 / S)).astype(np.float32)
    industries = (rng.random((n, IND)) < (1.5 / IND)).astype(np.float32)
    languages = (rng.random((n, L)) < 0.15).astype(np.float32)
    languages[:, 0] = 1.0  # most people share English
    languages[rng.random(n) < 0.1, 0] = 0.0
    shift = rng.integers(0, 24, size=n)
    daytime = np.zeros((n, 24), np.float32)
    for h in range(12):
        daytime[np.arange(n), (shift + h) % 24] = 1.0
    f = engine.Features(
        ids=np.arange(1, n + 1, dtype=np.int64) + (10_000_000 if mentor else 0), emb=emb,
        concepts=np.clip(rng.standard_normal((n, K), dtype=np.float32) * 0.3, 0, 1), skills=skills,
        industries=industries, languages=languages, daytime=daytime,
    )
    if mentor:
        f.profile_language = np.eye(L, dtype=np.float32)[rng.integers(0, L, size=n)]
        f.free_slots = rng.integers(0, 30, size=n).astype(np.float32)
        f.quality = rng.random(n).astype(np.float32)
    else:
        f.goal_language = np.eye(L, dtype=np.float32)[rng.integers(0, L, size=n)]
    return f


def python_loop_score(me: engine.Features, i: int, mo: engine.Features, j: int) -> float:
    """The same score as engine.score_matrix, one pair at a time, in plain Python lists."""
    a, b = me.emb[i].tolist(), mo.emb[j].tolist()
    cos = sum(x * y for x, y in zip(a, b, strict=True))
    text = min(max((cos - engine.COSINE_FLOOR) / engine.COSINE_SPAN, 0.0), 1.0)
    ca, cb = me.concepts[i].tolist(), mo.concepts[j].tolist()
    norms = math.sqrt(sum(x * x for x in ca)) * math.sqrt(sum(y * y for y in cb))
    topic = min(max(sum(x * y for x, y in zip(ca, cb, strict=True)) / max(norms, 1e-9), 0.0), 1.0)
    sa, sb = me.skills[i].tolist(), mo.skills[j].tolist()
    skills = sum(x * y for x, y in zip(sa, sb, strict=True)) / max(sum(sa), 1.0)
    industry = min(sum(x * y for x, y in zip(me.industries[i].tolist(), mo.industries[j].tolist(), strict=True)), 1.0)
    la, lb = me.languages[i].tolist(), mo.languages[j].tolist()
    if not any(x and y for x, y in zip(la, lb, strict=True)):
        return -math.inf
    ga, pl = me.goal_language[i].tolist(), mo.profile_language[j].tolist()
    known = sum(ga) > 0
    speaks = any(x and y for x, y in zip(ga, lb, strict=True))
    language = (0.6 if speaks else (0.0 if known else 0.5)) + 0.4 * any(x and y for x, y in zip(ga, pl, strict=True))
    da, db = me.daytime[i].tolist(), mo.daytime[j].tolist()
    daytime = sum(x * y for x, y in zip(da, db, strict=True)) / max(sum(da), 1.0)
    avail = 1.0 - math.exp(-float(mo.free_slots[j]) / 4.0)
    parts = {"semantic": engine.TEXT_SHARE * text + (1 - engine.TEXT_SHARE) * topic, "skills": skills, "industry": industry, "language": language,
             "daytime": daytime, "availability": avail, "quality": float(mo.quality[j])}
    return sum(WEIGHTS[k] * v for k, v in parts.items())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentees", type=int, default=20_000)
    parser.add_argument("--mentors", type=int, default=5_000)
    parser.add_argument("--sample", type=int, default=4, help="mentees for the pure-Python baseline")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()

    rng = np.random.default_rng(2026)
    mentees, mentors = synthetic(args.mentees, rng, mentor=False), synthetic(args.mentors, rng, mentor=True)
    print(f"{args.mentees} mentees x {args.mentors} mentors, top {args.k}; features built, peak {peak_mb():.0f} MB")

    started = time.perf_counter()
    lists = 0
    checksum = 0.0
    for block in engine.top_k(mentees, mentors, WEIGHTS, k=args.k):
        lists += len(block.mentee_ids)
        checksum += float(np.nansum(np.where(block.valid, block.score, 0.0)))
    vectorised = time.perf_counter() - started
    print(f"engine (numpy, blocks of 1024): {vectorised:.1f} s for {lists} lists "
          f"({args.mentees * args.mentors / vectorised / 1e6:.0f} M pairs/s), peak memory {peak_mb():.0f} MB")

    started = time.perf_counter()
    for i in range(args.sample):
        scores = [python_loop_score(mentees, i, mentors, j) for j in range(args.mentors)]
        sorted(range(args.mentors), key=lambda j, s=scores: -s[j])[: args.k]
    loop = time.perf_counter() - started
    projected = loop / args.sample * args.mentees
    print(f"pure-Python loop: {loop:.1f} s for {args.sample} mentees -> projected {projected / 60:.0f} min "
          f"for all; numpy is {projected / vectorised:.0f}x faster")

    # Sanity: the loop and the engine agree on the first mentee's best score.
    (first,) = engine.top_k(mentees.rows(slice(0, 1)), mentors, WEIGHTS, k=1, with_parts=False)
    best = max(python_loop_score(mentees, 0, mentors, j) for j in range(args.mentors))
    assert abs(best - float(first.score[0, 0])) < 1e-4, (best, first.score[0, 0])

    from matching import semantic

    texts = [f"Mentor {n}: I help engineers with system design, leadership and career growth." for n in range(300)]
    started = time.perf_counter()
    semantic.encode(texts)
    enc = time.perf_counter() - started
    print(f"encoder (cached per text, not in the recompute): {len(texts) / enc:.0f} texts/s incl. model load")
    ok = vectorised < 60 and peak_mb() < 4096
    print(f"RESULT {'PASS' if ok else 'FAIL'}: {vectorised:.1f} s (< 60), peak {peak_mb():.0f} MB (< 4096)")


if __name__ == "__main__":
    main()
