"""Build the engine's feature matrices from profiles (the only matching module that reads models).

Normalisation rules, in one place:
- A mentee's skills are their chosen interests plus any Skill (or synonym) their goals name, so
  "I want to get better at JS" counts as JavaScript. A mentor's are their skills plus any their
  headline names. Terms of one or two letters ("Go", "R") are only taken from the chosen lists:
  in free text they are ordinary words.
- The goals' language is detected with py3langid (byte n-grams, offline). A mentee
  who writes in Spanish speaks Spanish even if they did not tick it; nobody's language list is
  empty (English is assumed, the platform's language).
- Daytime is 08:00-20:00 local, computed for the given day, so DST is taken into account.
- Quality is neutral (0.5) without history: new mentors are not punished for being new.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone

from accounts.models import Industry, Language, MenteeProfile, MentorProfile, Skill
from accounts.selectors import listed_mentors
from matching import semantic
from matching.engine import Features, Vocab, concept_affinity
from matching.lexicon import CONCEPTS, LEXICON_VERSION
from matching.models import MenteeFeatures, MentorFeatures, MentorFeaturesVersion, TextEmbedding
from sessions.selectors import mentors_free_slot_counts

FREE_SLOT_HORIZON = timedelta(days=14)
DAY_START, DAY_END = 8, 20

# Languages the goals' language is chosen among: those the sentence encoder knows well.
DETECTABLE_LANGUAGES = ("en", "es", "de", "fr", "pt", "it", "nl", "pl", "ru", "tr")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _language_identifier():
    # py3langid (PyPI): langid.py's naive Bayes over byte n-grams, model inside the wheel, deterministic.
    # lazy: loads a language model; only matching runs need it
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(DETECTABLE_LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """ISO code of the text's language, or None when unsure (fewer than three words, or < 90 % sure)."""
    if len(_WORD.findall(text or "")) < 3:
        return None
    code, confidence = _language_identifier().classify(text)
    return code if confidence >= 0.9 else None


def daytime_hours(zone: str, day: datetime) -> np.ndarray:
    """(24,) 0/1: which UTC hours of `day` fall between 08:00 and 20:00 in `zone`."""
    try:
        tz = ZoneInfo(zone or "UTC")
    except Exception:  # an unknown zone is a data error elsewhere; here it just means UTC
        tz = ZoneInfo("UTC")
    base = day.astimezone(ZoneInfo("UTC")).replace(hour=0, minute=0, second=0, microsecond=0)
    out = np.zeros(24, dtype=np.float32)
    for h in range(24):
        local = (base + timedelta(hours=h)).astimezone(tz)
        out[h] = 1.0 if DAY_START <= local.hour < DAY_END else 0.0
    return out


@dataclass
class Taxonomy:
    vocab: Vocab
    skill_index: dict[int, int]
    industry_index: dict[int, int]
    language_index: dict[str, int]
    skill_pattern: re.Pattern | None
    skill_by_term: dict[str, int]

    def skills_in(self, text: str) -> set[int]:
        if not self.skill_pattern or not text:
            return set()
        found = set()
        for m in self.skill_pattern.finditer(text):
            term = m.group(0)
            col = self.skill_by_term.get(term)
            found.add(col if col is not None else self.skill_by_term[term.lower()])
        return found


def load_taxonomy() -> Taxonomy:
    """Three queries: skills, industries, languages."""
    return build_taxonomy(
        skills=list(Skill.objects.order_by("id").values_list("id", "name", "synonyms")),
        industries=list(Industry.objects.order_by("id").values_list("id", "name")),
        languages=list(Language.objects.order_by("code").values_list("code", "name")),
    )


def build_taxonomy(*, skills: list[tuple[int, str, str]], industries: list[tuple[int, str]],
                   languages: list[tuple[str, str]]) -> Taxonomy:
    by_term: dict[str, int] = {}
    acronyms: dict[str, int] = {}
    for col, (_, name, synonyms) in enumerate(skills):
        for term in [name, *synonyms.split(",")]:
            term = term.strip()
            if len(term) >= 3:
                by_term.setdefault(term.lower(), col)
            elif sum(ch.isupper() for ch in term) >= 2:
                # "PM", "ML", "JS": short terms count in free text only as written in capitals.
                acronyms.setdefault(term, col)
    pattern = None
    if by_term or acronyms:
        words = "|".join(re.escape(t) for t in sorted(by_term, key=len, reverse=True))
        caps = "|".join(re.escape(t) for t in sorted(acronyms, key=len, reverse=True))
        pattern = re.compile(r"(?<!\w)(" + "|".join(p for p in ((words and f"(?i:{words})"), caps) if p) + r")(?!\w)")
        by_term.update(acronyms)
    vocab = Vocab(
        skills=tuple(n for _, n, _ in skills), industries=tuple(n for _, n in industries),
        languages=tuple(n for _, n in languages), language_codes=tuple(c for c, _ in languages),
        concept_offers=tuple(c.offer for c in CONCEPTS),
    )
    return Taxonomy(vocab=vocab, skill_index={pk: i for i, (pk, _, _) in enumerate(skills)},
                    industry_index={pk: i for i, (pk, _) in enumerate(industries)},
                    language_index={c: i for i, (c, _) in enumerate(languages)},
                    skill_pattern=pattern, skill_by_term=by_term)


def embed_stored(texts: Sequence[str], *, persist: bool) -> np.ndarray:
    """(n, DIM) float16 embeddings exactly as the TextEmbedding cache holds them (zeros: empty text):
    one query per 500 texts, the encoder only for misses."""
    keys = [semantic.text_key(t) for t in texts]
    cached: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 500):
        for key, blob in TextEmbedding.objects.filter(key__in=unique[start:start + 500]).values_list("key", "vector"):
            cached[key] = np.frombuffer(bytes(blob), dtype="<f2")
    missing = [i for i, k in enumerate(keys) if k not in cached and texts[i].strip()]
    if missing:
        miss_texts = list(dict.fromkeys(texts[i] for i in missing))
        # Rounded to float16 at once, so a text scores the same now as when read back from the cache.
        vecs = semantic.encode(miss_texts).astype("<f2")
        fresh = {semantic.text_key(t): v for t, v in zip(miss_texts, vecs, strict=True)}
        cached.update(fresh)
        if persist:
            TextEmbedding.objects.bulk_create(
                [TextEmbedding(key=k, vector=v.tobytes()) for k, v in fresh.items()],
                ignore_conflicts=True, batch_size=500)
    out = np.zeros((len(texts), semantic.DIM), dtype="<f2")
    for i, k in enumerate(keys):
        if k in cached:
            out[i] = cached[k]
    return out


def embed(texts: Sequence[str], *, persist: bool) -> np.ndarray:
    """Embeddings through the TextEmbedding cache, float32 and L2-normalised."""
    return semantic.as_stored(embed_stored(texts, persist=persist))


_concepts: dict[str, np.ndarray] = {}


def concept_matrix() -> np.ndarray:
    """The lexicon's concept vectors from the phrases' cached embeddings: one query, once per process
    (the worker caches the phrases, so web processes do not load the encoder for them).
    Equal to semantic.concept_matrix(), which encodes them without a database."""
    version = f"{semantic.MODEL_ID}|{LEXICON_VERSION}"
    if version not in _concepts:
        phrases = semantic.concept_phrases()
        _concepts.clear()
        _concepts[version] = semantic.concept_matrix_of(dict(zip(phrases, embed(phrases, persist=True), strict=True)))
    return _concepts[version]


def candidate_mentors():
    """Mentors who can be recommended: listed, active and taking bookings (4 queries with prefetches)."""
    # Public mentors only: the worker ranks every mentee against one pool, and internal mentors in
    # it would fill the top-N lists of mentees who may not see them (hidden when read, leaving the
    # lists short). A program ranks its own mentors, internal ones included (matching.programs).
    return listed_mentors().filter(accepting_bookings=True).select_related("user__reliability").order_by("user_id")


def mentee_profiles(mentee_ids: Iterable[int]):
    return (MenteeProfile.objects.filter(user_id__in=list(mentee_ids), user__is_active=True, user__is_mentee=True)
            .select_related("user").prefetch_related("interests", "industries", "languages").order_by("user_id"))


def _multi_hot(rows: list[Iterable[int]], width: int) -> np.ndarray:
    out = np.zeros((len(rows), width), dtype=np.float32)
    r, c = [], []
    for i, cols in enumerate(rows):
        for col in cols:
            r.append(i)
            c.append(col)
    out[np.array(r, dtype=np.int64), np.array(c, dtype=np.int64)] = 1.0
    return out


def _pack_ids(ids: Iterable[int]) -> bytes:
    return np.array(sorted(ids), dtype="<i4").tobytes()


def _multi_hot_packed(blobs: Sequence[bytes], index: dict[int, int], width: int) -> np.ndarray:
    """Multi-hot rows from packed int32 id lists (MentorFeatures), without a Python loop per id."""
    n = len(blobs)
    out = np.zeros((n, width), dtype=np.float32)
    ids = np.frombuffer(b"".join(blobs), dtype="<i4")
    if ids.size:
        rows = np.repeat(np.arange(n), np.fromiter((len(b) for b in blobs), dtype=np.int64, count=n) // 4)
        unique, inverse = np.unique(ids, return_inverse=True)
        cols = np.array([index.get(int(u), -1) for u in unique], dtype=np.int64)[inverse]
        known = cols >= 0
        out[rows[known], cols[known]] = 1.0
    return out


def _languages(codes: Iterable[str], tax: Taxonomy) -> list[int]:
    cols = [tax.language_index[c] for c in codes if c in tax.language_index]
    if not cols and "en" in tax.language_index:
        cols = [tax.language_index["en"]]
    return cols


def free_slot_counts(mentor_ids: list[int], *, now: datetime) -> np.ndarray:
    """Free 30-minute slots in the next 14 days per mentor; NaN (neutral) when the slot engine is absent."""
    out = np.full(len(mentor_ids), np.nan, dtype=np.float32)
    counts = mentors_free_slot_counts(mentor_ids=mentor_ids, start=now, end=now + FREE_SLOT_HORIZON,
                                      duration=30, now=now)
    for i, mid in enumerate(mentor_ids):
        out[i] = float(counts.get(mid, 0))
    return out


def _quality(profile: MentorProfile) -> float:
    signals = []
    if profile.rating_count:
        signals.append(min(max((profile.rating_bayes - 1.0) / 4.0, 0.0), 1.0))
    record = getattr(profile.user, "reliability", None)
    if record is not None and (record.sessions_completed + record.late_cancellations + record.no_shows):
        signals.append(record.score)
    return float(np.mean(signals)) if signals else 0.5


@dataclass
class MentorRecord:
    """A mentor profile as plain data (from the database, the evaluation set or a benchmark)."""

    id: int
    headline: str = ""
    bio: str = ""
    skill_ids: tuple[int, ...] = ()
    industry_ids: tuple[int, ...] = ()
    language_codes: tuple[str, ...] = ()
    timezone: str = "UTC"
    quality: float = 0.5
    rating_avg: float | None = None
    rating_count: int = 0


@dataclass
class MenteeRecord:
    id: int
    goals: str = ""
    interest_ids: tuple[int, ...] = ()
    industry_ids: tuple[int, ...] = ()
    language_codes: tuple[str, ...] = ()
    timezone: str = "UTC"


def mentor_record(p: MentorProfile) -> MentorRecord:
    return MentorRecord(
        id=p.user_id, headline=p.headline, bio=p.bio, skill_ids=tuple(s.pk for s in p.skills.all()),
        industry_ids=tuple(i.pk for i in p.industries.all()), language_codes=tuple(lang.code for lang in p.languages.all()),
        timezone=p.user.timezone, quality=_quality(p), rating_avg=p.rating_average, rating_count=p.rating_count,
    )


def mentee_record(p: MenteeProfile) -> MenteeRecord:
    return MenteeRecord(
        id=p.user_id, goals=p.goals, interest_ids=tuple(s.pk for s in p.interests.all()),
        industry_ids=tuple(i.pk for i in p.industries.all()), language_codes=tuple(lang.code for lang in p.languages.all()),
        timezone=p.user.timezone,
    )


def _skill_names(ids: Iterable[int], tax: Taxonomy) -> str:
    return ", ".join(tax.vocab.skills[tax.skill_index[i]] for i in ids if i in tax.skill_index)


def mentor_text(r: MentorRecord, tax: Taxonomy) -> str:
    skills = _skill_names(r.skill_ids, tax)
    return ". ".join(p for p in (r.headline, r.bio, skills and f"Skills: {skills}") if p)


def mentee_text(r: MenteeRecord, tax: Taxonomy) -> str:
    interests = _skill_names(r.interest_ids, tax)
    return ". ".join(p for p in (r.goals, interests and f"Interests: {interests}") if p)


def _written_in(text: str, tax: Taxonomy) -> list[int]:
    code = detect_language(text)
    return [tax.language_index[code]] if code in tax.language_index else []


def _daytime(zones: list[str], now: datetime) -> np.ndarray:
    if not zones:
        return np.zeros((0, 24), np.float32)
    index: dict[str, int] = {}
    rows = [index.setdefault(z, len(index)) for z in zones]
    return np.vstack([daytime_hours(z, now) for z in index])[rows]


def mentor_features(records: list[MentorRecord], tax: Taxonomy, *, embeddings: np.ndarray,
                    free_slots: np.ndarray | None = None, now: datetime | None = None,
                    concepts: np.ndarray | None = None) -> Features:
    """Mentor features straight from records (the evaluation set, and what the stored rows must equal)."""
    now = now or timezone.now()
    n = len(records)
    concepts = semantic.concept_matrix() if concepts is None else concepts
    return Features(
        ids=np.array([r.id for r in records], dtype=np.int64), emb=embeddings,
        concepts=concept_affinity(embeddings, concepts),
        skills=_multi_hot([mentor_skill_columns(r, tax) for r in records], len(tax.vocab.skills)),
        industries=_multi_hot([[tax.industry_index[i] for i in r.industry_ids if i in tax.industry_index]
                               for r in records], len(tax.vocab.industries)),
        languages=_multi_hot([_languages(r.language_codes, tax) for r in records], len(tax.vocab.languages)),
        profile_language=_multi_hot([_written_in(profile_text(r), tax) for r in records],
                                    len(tax.vocab.languages)),
        daytime=_daytime([r.timezone for r in records], now),
        free_slots=free_slots if free_slots is not None else np.full(n, np.nan, np.float32),
        quality=np.array([r.quality for r in records], dtype=np.float32),
        rating_avg=np.array([np.nan if r.rating_avg is None else r.rating_avg for r in records], dtype=np.float32),
        rating_count=np.array([r.rating_count for r in records], dtype=np.int64),
    )


def mentor_skill_columns(r: MentorRecord, tax: Taxonomy) -> set[int]:
    return {tax.skill_index[s] for s in r.skill_ids if s in tax.skill_index} | tax.skills_in(r.headline)


def profile_text(r: MentorRecord) -> str:
    """The text whose language says which language a mentor's profile is written in."""
    return f"{r.headline}. {r.bio}"


def mentee_features(records: list[MenteeRecord], tax: Taxonomy, *, embeddings: np.ndarray,
                    now: datetime | None = None, goal_languages: Sequence[str | None] | None = None,
                    concepts: np.ndarray | None = None) -> Features:
    """`goal_languages`: the goals' languages when already known (else detected here)."""
    now = now or timezone.now()
    if goal_languages is None:
        goal_languages = [detect_language(r.goals) for r in records]
    goal_cols, lang_rows, skills, picked = [], [], [], []
    for r, code in zip(records, goal_languages, strict=True):
        goal = [tax.language_index[code]] if code in tax.language_index else []
        goal_cols.append(goal)
        lang_rows.append(sorted(set(_languages(r.language_codes, tax)) | set(goal)))
        picked.append({tax.skill_index[s] for s in r.interest_ids if s in tax.skill_index})
        skills.append(picked[-1] | tax.skills_in(r.goals))
    width = len(tax.vocab.languages)
    concepts = semantic.concept_matrix() if concepts is None else concepts
    return Features(
        ids=np.array([r.id for r in records], dtype=np.int64), emb=embeddings,
        concepts=concept_affinity(embeddings, concepts),
        skills=_multi_hot(skills, len(tax.vocab.skills)), interests=_multi_hot(picked, len(tax.vocab.skills)),
        industries=_multi_hot([[tax.industry_index[i] for i in r.industry_ids if i in tax.industry_index]
                               for r in records], len(tax.vocab.industries)),
        languages=_multi_hot(lang_rows, width), goal_language=_multi_hot(goal_cols, width),
        daytime=_daytime([r.timezone for r in records], now),
    )


# --- precomputed features: built by the worker, loaded by requests --------------------------------

def mentor_feature_rows(tax: Taxonomy, *, mentor_ids: Iterable[int] | None = None,
                        now: datetime | None = None) -> list[MentorFeatures]:
    """Unsaved MentorFeatures for the candidate mentors among `mentor_ids` (None: all of them).

    The expensive part of matching, run by the worker only: profiles with their taxonomy, the
    encoder for texts not cached, the language identifier, and free-slot counts.
    """
    now = now or timezone.now()
    profiles = candidate_mentors()
    if mentor_ids is not None:
        profiles = profiles.filter(user_id__in=list(mentor_ids))
    records = [mentor_record(p) for p in profiles]
    if not records:
        return []
    stored = embed_stored([mentor_text(r, tax) for r in records], persist=True)
    slots = free_slot_counts([r.id for r in records], now=now)
    vocab_skill_ids = [pk for pk, _ in sorted(tax.skill_index.items(), key=lambda kv: kv[1])]
    rows = []
    for r, vec, free in zip(records, stored, slots, strict=True):
        row = MentorFeatures(
            mentor_id=r.id, vector=vec.tobytes(),
            skill_ids=_pack_ids(vocab_skill_ids[c] for c in mentor_skill_columns(r, tax)),
            industry_ids=_pack_ids(r.industry_ids), language_codes=" ".join(sorted(r.language_codes)),
            profile_language=detect_language(profile_text(r)) or "", timezone=r.timezone or "UTC",
            free_slots=None if np.isnan(free) else int(free), quality=r.quality, rating_avg=r.rating_avg,
            rating_count=r.rating_count, updated_at=now)
        row.inputs_hash = mentor_row_hash(row)
        rows.append(row)
    return rows


def live_mentor_features(tax: Taxonomy, *, now: datetime | None = None) -> Features:
    """Every candidate mentor computed from their profiles right now: what the stored rows stand for
    (tests compare the two; requests never run this)."""
    now = now or timezone.now()
    records = [mentor_record(p) for p in candidate_mentors()]
    emb = embed([mentor_text(r, tax) for r in records], persist=True)
    slots = free_slot_counts([r.id for r in records], now=now) if records else None
    return mentor_features(records, tax, embeddings=emb, free_slots=slots, now=now, concepts=concept_matrix())


def mentor_row_hash(row: MentorFeatures) -> str:
    parts = (bytes(row.vector).hex(), bytes(row.skill_ids).hex(), bytes(row.industry_ids).hex(), row.language_codes,
             row.profile_language,
             row.timezone, row.free_slots, round(row.quality, 6), row.rating_avg, row.rating_count)
    return hashlib.sha1(repr(parts).encode()).hexdigest()


_ROW_FIELDS = ("mentor_id", "vector", "skill_ids", "industry_ids", "language_codes", "profile_language", "timezone",
               "free_slots", "quality", "rating_avg", "rating_count")


def stored_mentor_features(tax: Taxonomy, *, now: datetime | None = None) -> Features:
    """Every candidate mentor as matrices, from the stored rows in one query; no encoder, no language
    identifier, no slot engine. Equal to mentor_features() over the same profiles."""
    now = now or timezone.now()
    rows = list(MentorFeatures.objects.order_by("mentor_id").values_list(*_ROW_FIELDS))
    n = len(rows)
    if not n:
        return mentor_features([], tax, embeddings=np.zeros((0, semantic.DIM), np.float32), now=now,
                               concepts=concept_matrix())
    ids, vectors, skills, industries, languages, written, zones, slots, quality, rating_avg, rating_count = zip(
        *rows, strict=True)
    emb = semantic.as_stored(np.frombuffer(b"".join(vectors), dtype="<f2").reshape(n, semantic.DIM))
    width = len(tax.vocab.languages)
    spoken: dict[str, list[int]] = {}  # a few hundred distinct combinations among thousands of mentors
    for codes in set(languages):
        spoken[codes] = _languages(codes.split(), tax)
    return Features(
        ids=np.array(ids, dtype=np.int64), emb=emb, concepts=concept_affinity(emb, concept_matrix()),
        skills=_multi_hot_packed(skills, tax.skill_index, len(tax.vocab.skills)),
        industries=_multi_hot_packed(industries, tax.industry_index, len(tax.vocab.industries)),
        languages=_multi_hot([spoken[codes] for codes in languages], width),
        profile_language=_multi_hot([[tax.language_index[c]] if c in tax.language_index else [] for c in written],
                                    width),
        daytime=_daytime(list(zones), now),
        free_slots=np.array([np.nan if s is None else s for s in slots], dtype=np.float32),
        quality=np.array(quality, dtype=np.float32),
        rating_avg=np.array([np.nan if a is None else a for a in rating_avg], dtype=np.float32),
        rating_count=np.array(rating_count, dtype=np.int64),
    )


def mentor_features_version() -> int | None:
    """Changes whenever a MentorFeatures row is written or deleted (one primary-key read)."""
    return MentorFeaturesVersion.objects.filter(pk=1).values_list("revision", flat=True).first()


def goals_key(goals: str) -> str:
    return hashlib.sha1(f"goal-language\n{goals}".encode()).hexdigest()


def mentee_feature_rows(mentee_ids: Iterable[int] | None, tax: Taxonomy, *,
                        now: datetime | None = None) -> list[MenteeFeatures]:
    """Unsaved MenteeFeatures for active mentees (None: all), their texts encoded into the cache.
    Goals whose language is already stored are not run through the language identifier again."""
    now = now or timezone.now()
    profiles = MenteeProfile.objects.filter(user__is_active=True, user__is_mentee=True)
    if mentee_ids is not None:
        profiles = profiles.filter(user_id__in=list(mentee_ids))
    records = [mentee_record(p) for p in profiles.select_related("user").prefetch_related(
        "interests", "industries", "languages").order_by("user_id")]
    embed_stored([mentee_text(r, tax) for r in records], persist=True)
    known = dict(MenteeFeatures.objects.filter(mentee_id__in=[r.id for r in records])
                 .values_list("mentee_id", "goals_key"))
    return [MenteeFeatures(mentee_id=r.id, goals_key=goals_key(r.goals), goal_language=detect_language(r.goals) or "",
                           updated_at=now)
            for r in records if known.get(r.id) != goals_key(r.goals)]


def load_mentee_features(mentee_ids: Iterable[int], tax: Taxonomy, *, now: datetime | None = None,
                         persist: bool = True) -> Features:
    """Mentees' features: the embedding from the cache and the goals' language from MenteeFeatures
    when the worker has seen these goals; the encoder and language identifier only for what changed."""
    records = [mentee_record(p) for p in mentee_profiles(mentee_ids)]
    emb = embed([mentee_text(r, tax) for r in records], persist=persist)
    stored = {pk: (key, code) for pk, key, code in MenteeFeatures.objects.filter(
        mentee_id__in=[r.id for r in records]).values_list("mentee_id", "goals_key", "goal_language")}
    languages = []
    for r in records:
        key, code = stored.get(r.id, (None, None))
        languages.append((code or None) if key == goals_key(r.goals) else detect_language(r.goals))
    return mentee_features(records, tax, embeddings=emb, now=now, goal_languages=languages,
                           concepts=concept_matrix())
