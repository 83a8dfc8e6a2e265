"""Every write of the matching app: precomputed features, stored top-N lists and the debounced
recompute queue.

Order of work, everywhere: mentor features first (only the mentors that changed), mentee features
(their texts encoded, their goals' language detected), then the lists, each mentee's once per run.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import MenteeProfile, MentorProfile
from matching import semantic
from matching.features import embed_stored, load_taxonomy, mentee_feature_rows, mentor_feature_rows
from matching.models import MatchScore, MenteeFeatures, MentorFeatures, MentorFeaturesVersion, RecomputeRequest
from matching.scoring import MentorPool, recommend

logger = logging.getLogger(__name__)

CHUNK = 1000  # mentees per engine call and per write transaction
STALE_CLAIM = timedelta(minutes=10)  # a claim this old belongs to a worker that died
# Requests claimed per run: enough for a whole bulk import's burst, so its mentors' features are
# refreshed and each affected list recomputed once, not once per thousand requests.
CLAIM_LIMIT = 50_000


def mentor_features_refresh(*, mentor_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute the stored features of these mentors (None: every mentor); returns rows written or deleted.

    Rows whose inputs did not change are not touched (nor is the version, so web processes keep
    their loaded matrices); mentors who are no longer candidates lose their row. Running it twice
    writes nothing the second time.
    """
    now = now or timezone.now()
    ids = None if mentor_ids is None else sorted(set(mentor_ids))
    if ids == []:
        return 0
    # The concept phrases' embeddings too: web processes build the concept matrix from the cache.
    embed_stored(semantic.concept_phrases(), persist=True)
    fresh = {row.mentor_id: row for row in mentor_feature_rows(load_taxonomy(), mentor_ids=ids, now=now)}
    scope = MentorFeatures.objects.all() if ids is None else MentorFeatures.objects.filter(mentor_id__in=ids)
    current = dict(scope.values_list("mentor_id", "inputs_hash"))
    changed = [row for pk, row in fresh.items() if current.get(pk) != row.inputs_hash]
    gone = [pk for pk in current if pk not in fresh]
    if not changed and not gone:
        return 0
    with transaction.atomic():
        scope.filter(mentor_id__in=gone).delete()
        MentorFeatures.objects.bulk_create(
            changed, batch_size=1000, update_conflicts=True, unique_fields=["mentor"],
            update_fields=[f.name for f in MentorFeatures._meta.concrete_fields if not f.primary_key])
        # Random rather than +1: two refreshes committing at once still end on a value no process
        # has loaded a matrix for.
        MentorFeaturesVersion.objects.update_or_create(pk=1, defaults={"revision": secrets.randbits(63)})
    return len(changed) + len(gone)


def mentee_features_refresh(*, mentee_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Encode these mentees' texts into the cache and store their goals' language (None: every
    mentee), so a request for them needs neither the encoder nor the language identifier."""
    ids = None if mentee_ids is None else sorted(set(mentee_ids))
    if ids == []:
        return 0
    rows = mentee_feature_rows(ids, load_taxonomy(), now=now or timezone.now())
    MenteeFeatures.objects.bulk_create(rows, batch_size=1000, update_conflicts=True, unique_fields=["mentee"],
                                       update_fields=["goals_key", "goal_language", "updated_at"])
    return len(rows)


def features_refresh_all(*, now: datetime | None = None) -> int:
    """Every mentor's and mentee's features (nightly: free-slot counts decay as days pass)."""
    now = now or timezone.now()
    return mentor_features_refresh(now=now) + mentee_features_refresh(now=now)


def _store(*, mentee_ids: list[int], pool: MentorPool, now: datetime) -> int:
    recs = recommend(mentee_ids=mentee_ids, limit=settings.MATCHING_TOP_N, now=now, pool=pool)
    rows = [MatchScore(mentee_id=mentee_id, mentor_id=r.mentor_id, score=r.score, rank=r.rank, reasons=r.reasons,
                       computed_at=now)
            for mentee_id, items in recs.items() for r in items]
    with transaction.atomic():
        # Mentees without an active profile any more lose their list too.
        MatchScore.objects.filter(mentee_id__in=mentee_ids).delete()
        MatchScore.objects.bulk_create(rows, batch_size=2000)
    return len(recs)


def matches_recompute_for_mentees(*, mentee_ids: Iterable[int], now: datetime | None = None,
                                  pool: MentorPool | None = None) -> int:
    """Replace the stored top-N of these mentees from the stored mentor features; returns how many
    lists were written."""
    now = now or timezone.now()
    ids = sorted(set(mentee_ids))
    if not ids:
        return 0
    pool = pool or MentorPool.load(now=now)
    return sum(_store(mentee_ids=ids[i:i + CHUNK], pool=pool, now=now) for i in range(0, len(ids), CHUNK))


def matches_recompute_all(*, now: datetime | None = None) -> int:
    """Nightly: every feature row, then every mentee's list, in blocks sharing one load of the pool."""
    now = now or timezone.now()
    features_refresh_all(now=now)
    pool = MentorPool.load(now=now)
    ids = list(MenteeProfile.objects.filter(user__is_active=True, user__is_mentee=True)
               .order_by("user_id").values_list("user_id", flat=True))
    written = matches_recompute_for_mentees(mentee_ids=ids, now=now, pool=pool)
    # Lists of people who are no longer mentees.
    MatchScore.objects.exclude(mentee_id__in=MenteeProfile.objects.filter(
        user__is_active=True, user__is_mentee=True).values("user_id")).delete()
    return written


def mentees_affected_by_mentors(mentor_ids: Iterable[int]) -> set[int]:
    """Mentees whose list a change of these mentors can alter: everyone sharing a language with one
    of them (they could enter the list) and everyone who has one of them now (they could leave it)."""
    mentor_ids = list(mentor_ids)
    codes = set(MentorProfile.languages.through.objects.filter(mentorprofile_id__in=mentor_ids)
                .values_list("language_id", flat=True))
    if len(codes) < len(mentor_ids):
        codes.add("en")  # a mentor without languages is treated as English-speaking (see features.py)
    speakers = Q(languages__code__in=codes)
    if "en" in codes:
        speakers |= Q(languages__isnull=True)
    ids = set(MenteeProfile.objects.filter(speakers, user__is_active=True).values_list("user_id", flat=True))
    ids |= set(MatchScore.objects.filter(mentor_id__in=mentor_ids).values_list("mentee_id", flat=True))
    return ids


def recompute_requests_process_due(*, now: datetime | None = None, limit: int = CLAIM_LIMIT) -> int:
    """Claim due requests (skip locked, so two workers never share one), refresh the features of the
    mentors and mentees they name, recompute each affected list once, delete the requests.

    Running it twice has one effect: the second run finds nothing due. Returns lists recomputed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(
            RecomputeRequest.objects.select_for_update(skip_locked=True)
            .filter(Q(claimed_at__isnull=True, due_at__lte=now) | Q(claimed_at__lt=now - STALE_CLAIM))
            .order_by("due_at")[:limit]
        )
        if not claimed:
            return 0
        RecomputeRequest.objects.filter(pk__in=[r.pk for r in claimed]).update(claimed_at=now)
    mentee_ids = {r.subject_id for r in claimed if r.kind == RecomputeRequest.Kind.MENTEE}
    mentor_ids = {r.subject_id for r in claimed if r.kind == RecomputeRequest.Kind.MENTOR}
    mentor_features_refresh(mentor_ids=mentor_ids, now=now)
    mentee_features_refresh(mentee_ids=mentee_ids, now=now)
    if mentor_ids:
        mentee_ids |= mentees_affected_by_mentors(mentor_ids)
    written = matches_recompute_for_mentees(mentee_ids=mentee_ids, now=now)
    RecomputeRequest.objects.filter(pk__in=[r.pk for r in claimed], claimed_at=now).delete()
    logger.info("matching: %d requests -> %d lists recomputed", len(claimed), written)
    return written
