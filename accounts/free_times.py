"""Discovery by availability: the read model of each mentor's free times, and the windows the
directory asks it about.

Accounts owns the read model (MentorFreeTime rows and MentorProfile.next_free_at / free_soon)
because the directory filters on it and accounts may not import the booking side. The booking
side computes free times with the slot picker's own selector and engine and hands them here
(sessions.services.free_times); nothing else writes these rows. See DESIGN.md, flow 1.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from accounts.models import MentorFreeTime, MentorProfile


@dataclass(frozen=True)
class FreeRun:
    """Consecutive free slot starts on the mentor's grid, all of `length`: start .. last_start."""

    start: datetime
    last_start: datetime
    length: timedelta


def free_runs(starts: Sequence[datetime], *, length: timedelta, step: timedelta) -> list[FreeRun]:
    """Group sorted free slot starts into runs: a gap wider than the grid's `step` ends a run."""
    runs: list[FreeRun] = []
    first = previous = None
    for start in starts:
        if first is None:
            first = start
        elif start - previous > step:
            runs.append(FreeRun(first, previous, length))
            first = start
        previous = start
    if first is not None:
        runs.append(FreeRun(first, previous, length))
    return runs


def _soon(next_free_at: datetime | None, now: datetime) -> bool:
    return next_free_at is not None and next_free_at < now + timedelta(days=settings.DIRECTORY_FREE_SOON_DAYS)


@transaction.atomic
def mentor_free_times_store(*, runs: dict[int, list[FreeRun]], now: datetime) -> None:
    """Replace the free times of these mentors (mentor id -> runs, [] for none) and their next free
    start. Three statements whatever the number of mentors."""
    ids = sorted(runs)
    if not ids:
        return
    MentorFreeTime.objects.filter(mentor_id__in=ids).delete()
    MentorFreeTime.objects.bulk_create([
        MentorFreeTime(mentor_id=mentor_id, start=run.start, first_end=run.start + run.length,
                       last_start=run.last_start, end=run.last_start + run.length)
        for mentor_id in ids for run in runs[mentor_id]
    ], batch_size=2000)
    profiles = []
    for mentor_id in ids:
        next_free_at = runs[mentor_id][0].start if runs[mentor_id] else None
        profiles.append(MentorProfile(user_id=mentor_id, next_free_at=next_free_at,
                                      free_soon=_soon(next_free_at, now), free_computed_at=now))
    MentorProfile.objects.bulk_update(profiles, ["next_free_at", "free_soon", "free_computed_at"], batch_size=500)


def mentor_free_times_mark_stale(*, mentor_ids: Iterable[int]) -> None:
    """Something the free times depend on changed on the accounts side (zone, session lengths,
    accepting bookings): the roll-forward job recomputes these mentors at its next run."""
    MentorProfile.objects.filter(pk__in=list(mentor_ids)).update(free_computed_at=None)


def mentors_free_times_due(*, now: datetime, limit: int) -> list[int]:
    """Mentors whose free times time has overtaken, oldest first: the next free start has passed
    (it is no longer the next), never computed or marked stale, or computed longer ago than
    DIRECTORY_FREE_REFRESH_HOURS (the horizon's far end moved on)."""
    old = now - timedelta(hours=settings.DIRECTORY_FREE_REFRESH_HOURS)
    return list(MentorProfile.objects.filter(
        Q(next_free_at__lte=now) | Q(free_computed_at__isnull=True) | Q(free_computed_at__lt=old),
        user__is_mentor=True, user__is_active=True,
    ).order_by("free_computed_at", "user_id").values_list("user_id", flat=True)[:limit])


def mentors_free_soon_roll(*, now: datetime) -> int:
    """Flip `free_soon` where time passing changed it (a next free start came within
    DIRECTORY_FREE_SOON_DAYS, or passed without a refresh yet). Two statements."""
    edge = now + timedelta(days=settings.DIRECTORY_FREE_SOON_DAYS)
    on = MentorProfile.objects.filter(free_soon=False, next_free_at__lt=edge).update(free_soon=True)
    off = MentorProfile.objects.filter(Q(next_free_at__isnull=True) | Q(next_free_at__gte=edge),
                                       free_soon=True).update(free_soon=False)
    return on + off


# --- the windows a directory query asks about ------------------------------------------------------

@dataclass(frozen=True)
class FreeWhen:
    """When a directory visitor wants the mentor free, as they said it, in their zone.

    within_days: free in the next N days. first_day / last_day: a date range (inclusive).
    weekdays (0 = Monday) and from_time / to_time: "Thursday-Friday, 09:00-12:00 my time".
    """

    zone: str = "UTC"
    within_days: int | None = None
    first_day: date | None = None
    last_day: date | None = None
    weekdays: tuple[int, ...] = ()
    from_time: time | None = None
    to_time: time | None = None

    @property
    def needs_windows(self) -> bool:
        """Whether the free-time rows must be asked (a date range or a time of day); "free in the
        next N days" alone is answered by the stored next free start."""
        return bool(self.first_day or self.last_day or self.weekdays or self.from_time or self.to_time)

    @property
    def is_empty(self) -> bool:
        return not (self.within_days or self.needs_windows)


def _local(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    # A wall time that a DST change skips (02:30 on a spring-forward night) reads as the moment
    # after the gap, and an ambiguous one as its first occurrence: zoneinfo's fold=0 rules.
    return datetime.combine(day, at).replace(tzinfo=zone)


def free_windows(when: FreeWhen, *, now: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC windows [from, to) that `when` means, clipped to [now, the precomputed horizon).

    Each local day is turned into its own window in the viewer's zone, so 09:00-12:00 stays
    09:00-12:00 on both sides of a DST change (a fixed UTC offset would drift by an hour).
    """
    zone = zoneinfo.ZoneInfo(when.zone)
    earliest = now
    latest = now + timedelta(days=settings.DIRECTORY_FREE_HORIZON_DAYS)
    if when.within_days:
        latest = min(latest, now + timedelta(days=when.within_days))
    today = now.astimezone(zone).date()
    first = max(when.first_day or today, today)
    last = min(when.last_day or latest.astimezone(zone).date(), latest.astimezone(zone).date())
    windows = []
    day = first
    while day <= last:
        if not when.weekdays or day.weekday() in when.weekdays:
            start = _local(day, when.from_time or time(0), zone)
            end = _local(day, when.to_time, zone) if when.to_time else _local(day + timedelta(days=1), time(0), zone)
            start, end = max(start, earliest), min(end, latest)
            if start < end:
                windows.append((start, end))
        day += timedelta(days=1)
    return windows


def free_in_windows_q(windows: list[tuple[datetime, datetime]], *, prefix: str = "") -> Q:
    """A filter on MentorFreeTime: a run holds a whole session (of the mentor's shortest length)
    inside one of the windows. A run covers it when it starts early enough to end by the window's
    end and goes on late enough to start at the window's start (its starts lie on the mentor's
    slot grid, so a window narrower than the grid step or than a session may be matched by a run
    that has no whole session inside it; the slot picker is the exact word)."""
    if not windows:
        return Q(pk__in=[])
    q = Q()
    for start, end in windows:
        q |= Q(**{f"{prefix}first_end__lte": end, f"{prefix}last_start__gte": start})
    return q
