"""Recognition a mentor earns from the record: the badges, their rules in words, and their storage.

The figures behind them (response times, completed sessions, ratings) live in booking and ratings,
which accounts may not import; insights reads them (insights.recognition) and stores the outcome
here through mentor_recognition_set. Booking and ratings say when a mentor's record changed (a
request answered, a rating stored) through mentor_recognition_changed, inside their transaction;
the recompute runs after the commit, with the refresher insights registers in its AppConfig.ready().
The nightly job (insights.tasks.refresh_mentor_recognition) recomputes every mentor, which also
catches what no trigger sees (answers aging out of the sample, a rating removed by moderation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from accounts.models import MentorProfile

QUICK_RESPONDER = "quick_responder"
TOP_MENTOR = "top_mentor"


@dataclass(frozen=True)
class Badge:
    key: str
    label: str
    rule: str


def _duration(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def badge_rules() -> dict[str, Badge]:
    """Each badge with the rule that earns it, in the words shown beside it (read from settings,
    so the text always states the thresholds actually applied)."""
    quick = (f"Half of their answers to session requests came within {_duration(settings.RECOGNITION_QUICK_MINUTES)} "
             f"(the median over their last {settings.RECOGNITION_RESPONSE_SAMPLE} answered requests, "
             f"counted from {settings.RECOGNITION_RESPONSE_MIN} answers on).")
    top = (f"At least {settings.RECOGNITION_TOP_MIN_SESSIONS} completed sessions, a public average of "
           f"{settings.RECOGNITION_TOP_MIN_AVERAGE:g} stars or more, and at least "
           f"{settings.RECOGNITION_TOP_MIN_MET_PERCENT}% of mentees saying the session met or exceeded their "
           "expectations.")
    return {QUICK_RESPONDER: Badge(QUICK_RESPONDER, "Quick responder", quick),
            TOP_MENTOR: Badge(TOP_MENTOR, "Top mentor", top)}


def badges_of(keys: Iterable[str]) -> list[Badge]:
    """The badges for stored keys, in a fixed order; unknown keys (a badge retired) are skipped."""
    rules = badge_rules()
    wanted = set(keys or ())
    return [badge for key, badge in rules.items() if key in wanted]


def mentor_recognition_set(*, mentor_id: int, response_median_minutes: int | None, badges: list[str]) -> bool:
    """Store a mentor's recognition (computed by insights); True when it changed. One UPDATE that
    writes only when something differs, so the nightly run over every mentor rewrites few rows."""
    badges = sorted(set(badges))
    profile = MentorProfile.objects.filter(user_id=mentor_id)
    changed = profile.exclude(response_median_minutes=response_median_minutes, badges=badges)
    return bool(changed.update(response_median_minutes=response_median_minutes, badges=badges))


# --- the trigger -----------------------------------------------------------------------------------

_REFRESHERS: list[Callable[..., None]] = []


def register_recognition_refresher(refresher: Callable[..., None]) -> None:
    """insights hands accounts the function that recomputes one mentor (refresher(mentor_id=...))."""
    if refresher not in _REFRESHERS:
        _REFRESHERS.append(refresher)


def mentor_recognition_changed(*, mentor_id: int) -> None:
    """A mentor's record changed (a request answered, a rating stored): recompute their recognition
    once the transaction commits, so it never reads (or stores) what is rolled back."""
    def run() -> None:
        for refresher in _REFRESHERS:
            refresher(mentor_id=mentor_id)

    transaction.on_commit(run)
