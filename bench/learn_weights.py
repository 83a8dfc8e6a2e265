"""Re-learn the match score's weights from the development halves (issue 16) and show before/after.

    .venv/bin/python bench/learn_weights.py [--train independent|both] [--l2 X]

Fits matching/learning.py's pairwise logistic regression (non-negative weights) on the dev half
of the independent set, or of both sets (default),
chooses the L2 penalty by 5-fold cross-validation inside the training mentees, and prints top-3 and
NDCG@5 on every split of both sets for the current weights and the learnt ones, then the
MATCHING_WEIGHTS and engine.TEXT_SHARE to paste into mentorship/settings.py and matching/engine.py
(and evaluation.NEUTRAL_WEIGHTS). The test halves are printed to report, never used to choose.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# bench/http.py would shadow the standard library's `http` (see bench/matching_quality.py).
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != BASE_DIR / "bench"]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import django  # noqa: E402

django.setup()

from matching import engine, learning  # noqa: E402
from matching.evaluation import NEUTRAL_WEIGHTS, eval_set, judged, metrics  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", default="both", choices=["independent", "both"])
    parser.add_argument("--l2", type=float, default=None, help="skip cross-validation, use this penalty")
    args = parser.parse_args()
    started = time.perf_counter()
    splits = {}
    for name in ("own", "independent"):
        data = eval_set(name)
        for split in sorted(set(data.splits)):
            splits[(name, split)] = judged(data, split)
    train = [splits[("independent", "dev")]] + ([splits[("own", "dev")]] if args.train == "both" else [])
    l2 = learning.choose_l2(train) if args.l2 is None else args.l2
    learnt = learning.learn(train, l2=l2)
    weights, text_share = learning.as_settings(learnt, NEUTRAL_WEIGHTS)
    current = learning.as_learnt(NEUTRAL_WEIGHTS, engine.TEXT_SHARE)
    print(f"trained on: {args.train} dev half/halves, l2={l2:g}")
    print(f"{'set/split':<22} {'weights':<8} {'top-1':>6} {'top-3':>6} {'NDCG@5':>7}")
    for (name, split), j in splits.items():
        for label, w in (("current", current), ("learnt", learning.as_learnt(weights, text_share))):
            s = metrics(learning.rankings(j, w), learning.judgements_of(j))
            print(f"{name + '/' + split:<22} {label:<8} {s.top1:6.3f} {s.top3:6.3f} {s.ndcg5:7.3f}  (n={s.n})")
    print("learnt ratios:", {k: round(v, 3) for k, v in learnt.items()})
    print("MATCHING_WEIGHTS =", weights)
    print("TEXT_SHARE =", text_share)
    print(f"elapsed {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
