"""Match quality on our own evaluation set: the engine against a plain TF-IDF baseline, same run.

    .venv/bin/python bench/matching_quality.py [-v]

Prints top-1, top-3 and NDCG@5 for all mentees, the dev half and the held-out half
(see matching/eval_data.py); -v lists each mentee's top 3 with the right answers.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import django  # noqa: E402

django.setup()

from matching import eval_data  # noqa: E402
from matching.evaluation import engine_rankings, evaluate  # noqa: E402


def main() -> None:
    started = time.perf_counter()
    print(f"{len(eval_data.MENTEES)} mentees, {len(eval_data.MENTORS)} mentors")
    print(f"{'split':<9} {'method':<8} {'top-1':>6} {'top-3':>6} {'NDCG@5':>7}")
    for split in (None, "dev", "heldout"):
        for method, s in evaluate(split).items():
            print(f"{split or 'all':<9} {method:<8} {s.top1:6.3f} {s.top3:6.3f} {s.ndcg5:7.3f}  (n={s.n})")
    if "-v" in sys.argv:
        for (goal, _, _, rel, split), ranked in zip(eval_data.MENTEES, engine_rankings(), strict=True):
            mark = "ok " if ranked and rel.get(ranked[0]) == 2 else "MISS"
            print(f"{mark} [{split[:3]}] {goal[:60]:<60} -> {ranked[:3]} want {rel}")
    print(f"elapsed {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
