"""Insights' only writes: the skills each program booking asks about (insights.models).

The matching is matching's own taxonomy rule (matching.features.build_taxonomy: names and
synonyms, case-insensitive from three letters, short acronyms only in capitals), so "what people
ask about" counts a skill exactly when the recommendations would read it in the same words.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Skill
from insights.models import BookingSkill, SkillScan
from matching.features import build_taxonomy
from sessions.models import Booking


def _fingerprint(skills: list[tuple[int, str, str]]) -> str:
    return hashlib.sha256(repr(skills).encode()).hexdigest()[:16]


def booking_skills_refresh(*, batch: int = 5000, now: datetime | None = None) -> int:
    """Scan up to `batch` program bookings not yet scanned with the present taxonomy; returns how
    many were scanned (fewer than `batch`: nothing is left). Two runs at once write the same rows
    (deterministic, conflicts ignored), so no lock is needed."""
    now = now or timezone.now()
    skills = list(Skill.objects.order_by("id").values_list("id", "name", "synonyms"))
    fingerprint = _fingerprint(skills)
    taxonomy = build_taxonomy(skills=skills, industries=[], languages=[])
    todo = list(Booking.objects.filter(program__isnull=False)
                .exclude(pk__in=SkillScan.objects.filter(taxonomy=fingerprint).values("booking_id"))
                .order_by("id").values_list("id", "topic", "question")[:batch])
    if not todo:
        return 0
    ids = [pk for pk, _, _ in todo]
    found = [BookingSkill(booking_id=pk, skill_id=skills[col][0])
             for pk, topic, question in todo for col in sorted(taxonomy.skills_in(f"{topic}\n{question}"))]
    with transaction.atomic():
        BookingSkill.objects.filter(booking_id__in=ids).delete()
        SkillScan.objects.filter(booking_id__in=ids).delete()
        BookingSkill.objects.bulk_create(found, batch_size=5000, ignore_conflicts=True)
        SkillScan.objects.bulk_create([SkillScan(booking_id=pk, taxonomy=fingerprint, scanned_at=now) for pk in ids],
                                      batch_size=5000, ignore_conflicts=True)
    return len(todo)
