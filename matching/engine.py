"""The match score: pure numpy, no database, no Django models.

Inputs are dense feature matrices built by matching/features.py (one row per mentee or mentor).
Every part of the score is a matrix over (mentees x mentors) in [0, 1], computed for a block of
mentees at a time with matrix products, never per-pair Python:

    semantic      TEXT_SHARE * sentence-embedding cosine (rescaled) + the rest * cosine of topic profiles (lexicon concepts)
    skills        share of the mentee's interests (Skill taxonomy, synonyms resolved) the mentor has
    industry      1 when they share an industry
    language      0.6 when the mentor speaks the language the goals are written in, +0.4 when the
                  profile is written in it too; 0.5 when the goals' language is unknown; no shared
                  language at all means the mentor is excluded (-inf)
    daytime       share of the mentee's 08:00-20:00 local hours that are also the mentor's daytime
    availability  1 - exp(-free_slots / 4): the first few free slots matter most; 0.5 when unknown
    quality       per-mentor smoothed rating and reliability, 0.5 (neutral) when there is no history

score = sum(weight * part), weights from settings.MATCHING_WEIGHTS (they sum to 1, so score is in [0, 1]);
the weights and TEXT_SHARE are learnt from judged examples by matching/learning.py.
Only the top-k survive a block (argpartition), so memory is O(block x mentors), not O(all pairs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

PARTS = ("semantic", "skills", "industry", "language", "daytime", "availability", "quality")

# USE cosine between related texts sits around 0.15-0.6 and unrelated ones around 0-0.1; rescale so
# the semantic part uses the whole [0, 1] range instead of being drowned by the small parts.
COSINE_FLOOR = 0.05
COSINE_SPAN = 0.45
# Share of the sentence cosine in the semantic part; the rest is the topic-profile cosine.
# matching/learning.py learns it with the weights; its best fit (0.71) lets a shared word beat a
# shared topic ("presenting to the board" -> a board director), see the README.
TEXT_SHARE = 0.5
# A concept counts for a text when its cosine to the concept vector passes CONCEPT_FLOOR.
CONCEPT_FLOOR = 0.14


@dataclass
class Features:
    """One side of the match (mentees or mentors). Row i describes ids[i]."""

    ids: np.ndarray                 # (n,) int64 user ids
    emb: np.ndarray                 # (n, d) float32, L2-normalised sentence embedding (zeros: no text)
    concepts: np.ndarray            # (n, K) float32 concept affinities in [0, 1]
    skills: np.ndarray              # (n, S) float32 0/1 over the Skill vocabulary
    industries: np.ndarray          # (n, I) float32 0/1
    languages: np.ndarray           # (n, L) float32 0/1 (languages spoken)
    daytime: np.ndarray             # (n, 24) float32 0/1: UTC hours that are 08:00-20:00 locally
    goal_language: np.ndarray | None = None  # mentees: (n, L) one-hot of the goals' language (zeros: unknown)
    profile_language: np.ndarray | None = None  # mentors: (n, L) one-hot of the profile text's language
    free_slots: np.ndarray | None = None     # mentors: (n,) float32 free slots in 14 days, NaN = unknown
    quality: np.ndarray | None = None        # mentors: (n,) float32 in [0, 1]
    rating_avg: np.ndarray | None = None     # mentors: (n,) float32 for reasons (NaN: no ratings)
    rating_count: np.ndarray | None = None   # mentors: (n,) int
    interests: np.ndarray | None = None      # mentees: (n, S) 0/1, the skills the mentee picked (`skills` adds those the goals name)

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, sl: slice | np.ndarray) -> Features:
        def pick(a):
            return None if a is None else a[sl]

        return Features(
            ids=self.ids[sl], emb=self.emb[sl], concepts=self.concepts[sl], skills=self.skills[sl],
            industries=self.industries[sl], languages=self.languages[sl], daytime=self.daytime[sl],
            goal_language=pick(self.goal_language), profile_language=pick(self.profile_language),
            free_slots=pick(self.free_slots), quality=pick(self.quality),
            rating_avg=pick(self.rating_avg), rating_count=pick(self.rating_count),
            interests=pick(self.interests),
        )


@dataclass
class TopK:
    """The best k mentors for a block of mentees; invalid (excluded) entries have valid=False."""

    mentee_ids: np.ndarray            # (b,)
    mentor_index: np.ndarray          # (b, k) row index into the mentor Features
    score: np.ndarray                 # (b, k) descending
    valid: np.ndarray                 # (b, k) bool
    parts: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (b, k)


def concept_affinity(emb: np.ndarray, concept_vectors: np.ndarray) -> np.ndarray:
    """(n, K) >= 0: how strongly each text is about each concept (cosine above CONCEPT_FLOOR)."""
    return np.clip(emb @ concept_vectors.T - CONCEPT_FLOOR, 0.0, None).astype(np.float32)


def _mentor_vector_parts(mentors: Features) -> tuple[np.ndarray, np.ndarray]:
    slots = mentors.free_slots
    if slots is None:
        avail = np.full(len(mentors), 0.5, dtype=np.float32)
    else:
        avail = np.where(np.isnan(slots), 0.5, 1.0 - np.exp(-np.nan_to_num(slots) / 4.0)).astype(np.float32)
    quality = mentors.quality if mentors.quality is not None else np.full(len(mentors), 0.5, dtype=np.float32)
    return avail, quality.astype(np.float32)


def semantic_parts(mentees: Features, mentors: Features) -> tuple[np.ndarray, np.ndarray]:
    """The two halves of the semantic part, each (b, n) in [0, 1]: the rescaled sentence cosine and
    the cosine of the topic profiles (matching/learning.py learns their shares separately)."""
    cos = mentees.emb @ mentors.emb.T
    text_part = np.clip((cos - COSINE_FLOOR) / COSINE_SPAN, 0.0, 1.0)
    # Topic part: cosine of the two texts' topic profiles, so a short goal about one thing and a
    # long bio about several compare on what each is mostly about, not on absolute cosines.
    topic = mentees.concepts @ mentors.concepts.T
    norms = np.linalg.norm(mentees.concepts, axis=1, keepdims=True) * np.linalg.norm(mentors.concepts, axis=1)[None, :]
    topic_part = np.clip(topic / np.maximum(norms, 1e-9), 0.0, 1.0)
    return text_part, topic_part


def score_matrix(mentees: Features, mentors: Features, weights: Mapping[str, float],
                 _mentor_parts: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(b, n) total scores (-inf where excluded) and each part as a (b, n) matrix."""
    avail, quality = _mentor_parts or _mentor_vector_parts(mentors)
    b, n = len(mentees), len(mentors)

    text_part, topic_part = semantic_parts(mentees, mentors)
    semantic = TEXT_SHARE * text_part + (1.0 - TEXT_SHARE) * topic_part

    wanted = mentees.skills.sum(axis=1, keepdims=True)
    skills = (mentees.skills @ mentors.skills.T) / np.maximum(wanted, 1.0)

    industry = np.minimum(mentees.industries @ mentors.industries.T, 1.0)

    shared = (mentees.languages @ mentors.languages.T) > 0
    if mentees.goal_language is not None:
        speaks_goal_language = (mentees.goal_language @ mentors.languages.T) > 0
        known = mentees.goal_language.sum(axis=1, keepdims=True) > 0
        language = np.where(speaks_goal_language, 0.6, np.where(known, 0.0, 0.5)).astype(np.float32)
        if mentors.profile_language is not None:
            # A profile the mentee can read in their own language is a better start than one they cannot.
            language += 0.4 * ((mentees.goal_language @ mentors.profile_language.T) > 0)
    else:
        language = np.full((b, n), 0.5, dtype=np.float32)

    awake = mentees.daytime.sum(axis=1, keepdims=True)
    daytime = (mentees.daytime @ mentors.daytime.T) / np.maximum(awake, 1.0)

    parts = {
        "semantic": semantic, "skills": skills, "industry": industry, "language": language,
        "daytime": daytime, "availability": np.broadcast_to(avail, (b, n)),
        "quality": np.broadcast_to(quality, (b, n)),
    }
    total = np.zeros((b, n), dtype=np.float32)
    for name in PARTS:
        w = float(weights.get(name, 0.0))
        if w:
            total += w * parts[name]
    total[~shared] = -np.inf
    # Someone who is both mentee and mentor is never recommended to themselves.
    total[mentees.ids[:, None] == mentors.ids[None, :]] = -np.inf
    return total, parts


def top_k(mentees: Features, mentors: Features, weights: Mapping[str, float], *, k: int,
          block_size: int = 1024, with_parts: bool = True) -> Iterator[TopK]:
    """Yield the top k mentors for each block of mentees, best first."""
    n = len(mentors)
    if n == 0 or len(mentees) == 0:
        return
    k = min(k, n)
    mentor_parts = _mentor_vector_parts(mentors)
    for start in range(0, len(mentees), block_size):
        block = mentees.rows(slice(start, start + block_size))
        total, parts = score_matrix(block, mentors, weights, mentor_parts)
        if k < n:
            idx = np.argpartition(-total, k - 1, axis=1)[:, :k]
        else:
            idx = np.tile(np.arange(n), (len(block), 1))
        picked = np.take_along_axis(total, idx, axis=1)
        # Stable order: by score, then by mentor id so ties rank the same on every run.
        order = np.lexsort((mentors.ids[idx], -picked), axis=1)
        idx = np.take_along_axis(idx, order, axis=1)
        picked = np.take_along_axis(picked, order, axis=1)
        result = TopK(mentee_ids=block.ids, mentor_index=idx, score=picked, valid=np.isfinite(picked))
        if with_parts:
            result.parts = {name: np.take_along_axis(np.asarray(parts[name]), idx, axis=1) for name in PARTS}
        yield result


@dataclass(frozen=True)
class Vocab:
    """Names for the columns of the feature matrices, for reasons in plain words."""

    skills: tuple[str, ...]
    industries: tuple[str, ...]
    languages: tuple[str, ...]  # display names, e.g. "Spanish"
    language_codes: tuple[str, ...]
    concept_offers: tuple[str, ...]


def _rank_of(row: np.ndarray, col: int) -> int:
    return int(np.sum(row > row[col]))


def _share_of_top(row: np.ndarray, col: int) -> float:
    top = float(row.max()) if row.size else 0.0
    return float(row[col]) / top if top > 0 else 0.0


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def explain(mentees: Features, i: int, mentors: Features, j: int, vocab: Vocab, parts: Mapping[str, float]) -> list[str]:
    """Plain-word reasons why mentor row j suits mentee row i, strongest first."""
    reasons: list[str] = []
    both = mentees.concepts[i] * mentors.concepts[j]
    c = int(np.argmax(both)) if both.size else -1
    # Name a topic only when it is the goal's strongest and among the mentor's three strongest,
    # and at least half as strong as each side's main topic: absolute cosines vary a lot between
    # short goals and long bios, ranks and ratios do not. A wrong reason is worse than none.
    if (c >= 0 and both[c] > 0 and _rank_of(mentees.concepts[i], c) < 1 and _rank_of(mentors.concepts[j], c) < 3
            and _share_of_top(mentees.concepts[i], c) >= 0.5 and _share_of_top(mentors.concepts[j], c) >= 0.5):
        reasons.append(f"{vocab.concept_offers[c]}, which matches your goal")
    elif parts.get("semantic", 0.0) >= 0.45:
        reasons.append("Their experience is close to what you want help with")

    # A skill is "from your interests" only if the mentee picked it; one found in the goals' words
    # says so instead. A reason must be true of the data it names.
    common = mentees.skills[i] * mentors.skills[j]
    picked = common * mentees.interests[i] if mentees.interests is not None else np.zeros_like(common)
    for columns, why in ((np.flatnonzero(picked), "from your interests"),
                         (np.flatnonzero(common - picked), "which your goal mentions")):
        if columns.size:
            names = sorted(vocab.skills[s] for s in columns)[:3]
            reasons.append(f"Knows {_join(names)}, {why}")

    spoken = np.flatnonzero(mentees.languages[i] * mentors.languages[j])
    goal = np.flatnonzero(mentees.goal_language[i]) if mentees.goal_language is not None else np.array([], int)
    goal_spoken = [g for g in goal if mentors.languages[j, g]]
    if goal_spoken:
        reasons.append(f"Speaks {vocab.languages[goal_spoken[0]]}")
    elif spoken.size:
        non_english = [s for s in spoken if vocab.language_codes[s] != "en"]
        reasons.append(f"Speaks {vocab.languages[(non_english or list(spoken))[0]]}")

    common_ind = np.flatnonzero(mentees.industries[i] * mentors.industries[j])
    if common_ind.size:
        reasons.append(f"Works in {vocab.industries[common_ind[0]]}, like you")

    hours = int(round(float(mentees.daytime[i] @ mentors.daytime[j])))
    if hours >= 12:
        reasons.append("Same daytime hours as you")
    elif hours >= 3:
        reasons.append(f"{hours} hours of shared daytime each day")

    if mentors.free_slots is not None and not np.isnan(mentors.free_slots[j]):
        slots = int(mentors.free_slots[j])
        if slots:
            reasons.append(f"{slots} free slot{'s' if slots != 1 else ''} in the next two weeks")

    if mentors.rating_count is not None and mentors.rating_count[j] >= 3 and not np.isnan(mentors.rating_avg[j]):
        reasons.append(f"Rated {mentors.rating_avg[j]:.1f} by {int(mentors.rating_count[j])} mentees")
    return reasons
