"""Keep the directory's read model of free times (accounts.MentorFreeTime, next free start) true.

Free times are computed exactly as the slot picker computes them: the same calendar selector
(sessions.selectors.load_calendar: rules, overrides, live bookings and whatever else the slot
inputs hold, such as external busy intervals) and the same engine, at the mentor's shortest
session length, from now to DIRECTORY_FREE_HORIZON_DAYS ahead. The result is handed to accounts
(accounts.free_times.mentor_free_times_store), which owns the rows the directory filters on.

When: on commit of every write that changes a mentor's free time (availability, overrides,
policy, a booking created, confirmed, declined, cancelled, expired or moved), and from the
periodic roll-forward job for mentors that time has overtaken. A refresh that fails after the
commit is logged, not raised (the booking stands), and the job catches it up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.free_times import (
    FreeRun,
    free_runs,
    mentor_free_times_store,
    mentors_free_soon_roll,
    mentors_free_times_due,
)
from accounts.models import MentorProfile, User
from mentorship.publisher import BackgroundPublisher
from sessions import slots as engine
from sessions.models import BookingPolicy
from sessions.selectors import load_calendar

logger = logging.getLogger(__name__)


def mentor_free_runs(*, mentor: User, policy: BookingPolicy, now: datetime) -> list[FreeRun]:
    """The free runs of one mentor (loaded with its mentor_profile) over the horizon: one query."""
    try:
        profile = mentor.mentor_profile
    except MentorProfile.DoesNotExist:
        return []
    if not (mentor.is_active and mentor.is_mentor and profile.accepting_bookings and profile.session_lengths):
        return []
    end = now + timedelta(days=settings.DIRECTORY_FREE_HORIZON_DAYS)
    length = min(profile.session_lengths)
    calendar = load_calendar(mentor=mentor, start=now, end=end, policy=policy)
    starts = engine.free_slots(**calendar.engine_kwargs(), duration=length, start=now, end=end, now=now)
    return free_runs(starts, length=timedelta(minutes=length),
                     step=timedelta(minutes=policy.slot_granularity_minutes))


def mentors_free_times_refresh(*, mentor_ids: Iterable[int], now: datetime | None = None,
                               progress: Callable[[int], None] | None = None, chunk: int = 200) -> int:
    """Recompute and store the free times of these mentors. Per chunk: two queries to load the
    mentors and policies, one per mentor for its calendar, three to store."""
    now = now or timezone.now()
    ids = sorted(set(mentor_ids))
    for at in range(0, len(ids), chunk):
        part = ids[at:at + chunk]
        mentors = User.objects.filter(pk__in=part, mentor_profile__isnull=False).select_related("mentor_profile")
        policies = {p.mentor_id: p for p in BookingPolicy.objects.filter(mentor_id__in=part)}
        runs = {mentor.pk: mentor_free_runs(mentor=mentor, policy=policies.get(mentor.pk) or BookingPolicy(
            mentor=mentor), now=now) for mentor in mentors}
        mentor_free_times_store(runs=runs, now=now)
        if progress is not None:
            progress(len(part))
    return len(ids)


def _refresh_after_commit(mentor_ids: set[int]) -> None:
    try:
        mentors_free_times_refresh(mentor_ids=mentor_ids)
    except Exception:
        # The write that asked for it has committed; the roll-forward job will catch these up
        # (their next free start or computation time is still the old one).
        logger.exception("free times refresh failed for mentors %s", sorted(mentor_ids))


def _publish_refresh(mentor_ids) -> None:
    # lazy: breaks the cycle sessions.tasks -> sessions.services.free_times
    from sessions.tasks import refresh_free_times

    try:
        refresh_free_times.apply_async((sorted(set(mentor_ids)),), retry=False)
    except Exception:  # noqa: BLE001 - a broker failure must not break the booking request
        logger.warning("broker unavailable; free times of %s left to the roll-forward job", sorted(set(mentor_ids)),
                       exc_info=True)


# Published after the response, the mentors of several bookings in one message (a booking waited
# ~1 ms of its request for this round trip); a lost message is the roll-forward job's to catch up.
refresh_publisher = BackgroundPublisher(lambda ids: _publish_refresh(ids), name="free-times-publisher")


def _defer_refresh(mentor_ids: set[int]) -> None:
    # lazy: breaks the cycle sessions.tasks -> sessions.services.free_times
    from sessions.tasks import refresh_free_times

    if refresh_free_times.app.conf.task_always_eager:
        _publish_refresh(mentor_ids)  # no broker: the "worker" is this process, and callers expect it done
    else:
        refresh_publisher.submit(sorted(mentor_ids))


def mentor_free_times_changed(*, mentor_ids: Iterable[int], defer: bool = False) -> None:
    """Call inside the writing transaction: the mentors' free times are recomputed once it commits
    (never against rows that were rolled back).

    In this process by default (availability edits: the mentor sees the directory current at
    once). `defer`: as a task (bookings: their requests keep the handful of statements they are
    pinned to; eager Celery runs it here). A refresh that fails is logged; the roll-forward job
    recomputes every mentor at least every DIRECTORY_FREE_REFRESH_HOURS."""
    ids = {int(i) for i in mentor_ids}
    if ids:
        transaction.on_commit(lambda: _defer_refresh(ids) if defer else _refresh_after_commit(ids))


def free_times_roll_forward(*, now: datetime | None = None, batch: int = 500, max_batches: int = 20) -> int:
    """The periodic job: recompute mentors whose free times time has overtaken (oldest first) and
    flip the "free soon" flags that time changed. Idempotent: a second run finds nothing due."""
    now = now or timezone.now()
    done = 0
    for _ in range(max_batches):
        ids = mentors_free_times_due(now=now, limit=batch)
        if not ids:
            break
        done += mentors_free_times_refresh(mentor_ids=ids, now=now)
        if len(ids) < batch:
            break
    mentors_free_soon_roll(now=now)
    return done
