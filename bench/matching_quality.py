"""Match quality on our evaluation sets: the engine against a plain TF-IDF baseline, same run.

    .venv/bin/python bench/matching_quality.py [--set own|independent|all] [-v]

"own" is the set the lexicon was tuned on (matching/eval_data.py: dev and held-out halves);
"independent" was written apart from the lexicon (matching/evalsets/independent.py: dev and test
halves; tune on dev, report test). Prints top-1, top-3 and NDCG@5 per split, and for the
independent set also its hard cases (goals in other languages, and English goals that share no
content word with their right mentor); -v lists each mentee's top 3 with the right answers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path and bench/http.py would shadow the standard
# library's `http` (which Django imports): the project root goes there instead.
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != BASE_DIR / "bench"]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import django  # noqa: E402

django.setup()

from matching.evalsets.text import hard_cases  # noqa: E402
from matching.evaluation import engine_rankings, eval_set, evaluate, metrics, tfidf_rankings  # noqa: E402


def report(set_name: str, verbose: bool) -> None:
    data = eval_set(set_name)
    print(f"\n== {set_name}: {len(data.goals)} mentees, {len(data.mentors)} mentors")
    print(f"{'split':<12} {'method':<8} {'top-1':>6} {'top-3':>6} {'NDCG@5':>7}")
    for split in (None, *sorted(set(data.splits))):
        for method, s in evaluate(split, set_name).items():
            print(f"{split or 'all':<12} {method:<8} {s.top1:6.3f} {s.top3:6.3f} {s.ndcg5:7.3f}  (n={s.n})")
    engine, tfidf = engine_rankings(data=data), tfidf_rankings(data=data)
    if set_name == "independent":
        for label, rows in hard_cases(data).items():
            for split in sorted(set(data.splits)):
                keep = [i for i in rows if data.splits[i] == split]
                for method, ranked in (("engine", engine), ("tfidf", tfidf)):
                    s = metrics([ranked[i] for i in keep], [data.judgements[i] for i in keep])
                    print(f"{label + '/' + split:<24} {method:<8} {s.top1:6.3f} {s.top3:6.3f} {s.ndcg5:7.3f}"
                          f"  (n={s.n})")
    if verbose:
        for i, ranked in enumerate(engine):
            rel = data.judgements[i]
            mark = "ok " if ranked and rel.get(ranked[0]) == 2 else "MISS"
            print(f"{mark} [{data.splits[i][:4]}] {data.goals[i][0][:60]:<60} -> {ranked[:3]} want {rel}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="all", choices=["own", "independent", "all"])
    parser.add_argument("-v", action="store_true", help="each mentee's top 3")
    args = parser.parse_args()
    started = time.perf_counter()
    for name in (["own", "independent"] if args.set == "all" else [args.set]):
        report(name, args.v)
    print(f"elapsed {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
