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
from matching.lexicon import CONCEPTS
from matching.models import TextEmbedding
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


def embed(texts: Sequence[str], *, persist: bool) -> np.ndarray:
    """Embeddings through the TextEmbedding cache: one query per 500 texts, the encoder for misses."""
    keys = [semantic.text_key(t) for t in texts]
    cached: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 500):
        for key, blob in TextEmbedding.objects.filter(key__in=unique[start:start + 500]).values_list("key", "vector"):
            cached[key] = np.frombuffer(bytes(blob), dtype="<f2").astype(np.float32)
    missing = [i for i, k in enumerate(keys) if k not in cached and texts[i].strip()]
    if missing:
        miss_texts = list(dict.fromkeys(texts[i] for i in missing))
        vecs = semantic.encode(miss_texts)
        fresh = {semantic.text_key(t): v for t, v in zip(miss_texts, vecs, strict=True)}
        cached.update(fresh)
        if persist:
            TextEmbedding.objects.bulk_create(
                [TextEmbedding(key=k, vector=v.astype("<f2").tobytes()) for k, v in fresh.items()],
                ignore_conflicts=True, batch_size=500)
    out = np.zeros((len(texts), semantic.DIM), dtype=np.float32)
    for i, k in enumerate(keys):
        if k in cached:
            out[i] = cached[k]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def candidate_mentors():
    """Mentors who can be recommended: listed, active and taking bookings (4 queries with prefetches)."""
    return listed_mentors().filter(accepting_bookings=True).select_related("user__reliability").order_by("user_id")


def mentee_profiles(mentee_ids: Iterable[int]):
    return (MenteeProfile.objects.filter(user_id__in=list(mentee_ids), user__is_active=True, user__is_mentee=True)
            .select_related("user").prefetch_related("interests", "industries", "languages").order_by("user_id"))


def _multi_hot(rows: list[Iterable[int]], width: int) -> np.ndarray:
    out = np.zeros((len(rows), width), dtype=np.float32)
    for i, cols in enumerate(rows):
        cols = list(cols)
        if cols:
            out[i, cols] = 1.0
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
    cache: dict[str, np.ndarray] = {}
    rows = [cache.setdefault(z, daytime_hours(z, now)) if z not in cache else cache[z] for z in zones]
    return np.vstack(rows) if rows else np.zeros((0, 24), np.float32)


def mentor_features(records: list[MentorRecord], tax: Taxonomy, *, embeddings: np.ndarray,
                    free_slots: np.ndarray | None = None, now: datetime | None = None) -> Features:
    now = now or timezone.now()
    n = len(records)
    skills = [{tax.skill_index[s] for s in r.skill_ids if s in tax.skill_index} | tax.skills_in(r.headline)
              for r in records]
    return Features(
        ids=np.array([r.id for r in records], dtype=np.int64), emb=embeddings,
        concepts=concept_affinity(embeddings, semantic.concept_matrix()),
        skills=_multi_hot(skills, len(tax.vocab.skills)),
        industries=_multi_hot([[tax.industry_index[i] for i in r.industry_ids if i in tax.industry_index]
                               for r in records], len(tax.vocab.industries)),
        languages=_multi_hot([_languages(r.language_codes, tax) for r in records], len(tax.vocab.languages)),
        profile_language=_multi_hot([_written_in(f"{r.headline}. {r.bio}", tax) for r in records],
                                    len(tax.vocab.languages)),
        daytime=_daytime([r.timezone for r in records], now),
        free_slots=free_slots if free_slots is not None else np.full(n, np.nan, np.float32),
        quality=np.array([r.quality for r in records], dtype=np.float32),
        rating_avg=np.array([np.nan if r.rating_avg is None else r.rating_avg for r in records], dtype=np.float32),
        rating_count=np.array([r.rating_count for r in records], dtype=np.int64),
    )


def mentee_features(records: list[MenteeRecord], tax: Taxonomy, *, embeddings: np.ndarray,
                    now: datetime | None = None) -> Features:
    now = now or timezone.now()
    goal_cols, lang_rows, skills = [], [], []
    for r in records:
        code = detect_language(r.goals)
        goal = [tax.language_index[code]] if code in tax.language_index else []
        goal_cols.append(goal)
        lang_rows.append(sorted(set(_languages(r.language_codes, tax)) | set(goal)))
        skills.append({tax.skill_index[s] for s in r.interest_ids if s in tax.skill_index} | tax.skills_in(r.goals))
    width = len(tax.vocab.languages)
    return Features(
        ids=np.array([r.id for r in records], dtype=np.int64), emb=embeddings,
        concepts=concept_affinity(embeddings, semantic.concept_matrix()),
        skills=_multi_hot(skills, len(tax.vocab.skills)),
        industries=_multi_hot([[tax.industry_index[i] for i in r.industry_ids if i in tax.industry_index]
                               for r in records], len(tax.vocab.industries)),
        languages=_multi_hot(lang_rows, width), goal_language=_multi_hot(goal_cols, width),
        daytime=_daytime([r.timezone for r in records], now),
    )


def load_mentor_features(tax: Taxonomy, *, now: datetime | None = None, persist: bool = True) -> Features:
    """Every candidate mentor, from the database (fixed number of queries)."""
    now = now or timezone.now()
    records = [mentor_record(p) for p in candidate_mentors()]
    emb = embed([mentor_text(r, tax) for r in records], persist=persist)
    ids = [r.id for r in records]
    slots = free_slot_counts(ids, now=now) if ids else None
    return mentor_features(records, tax, embeddings=emb, free_slots=slots, now=now)


def load_mentee_features(mentee_ids: Iterable[int], tax: Taxonomy, *, now: datetime | None = None,
                         persist: bool = True) -> Features:
    records = [mentee_record(p) for p in mentee_profiles(mentee_ids)]
    emb = embed([mentee_text(r, tax) for r in records], persist=persist)
    return mentee_features(records, tax, embeddings=emb, now=now)
