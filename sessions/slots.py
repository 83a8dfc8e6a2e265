"""The slot engine: free start times of one mentor, as a pure function (no database, no clock).

Inputs are plain values (see Rule, Override, Busy, Policy) so the selectors, the bench and the
property tests feed it the same way. Everything is computed on integer epoch seconds internally;
the output is a sorted list of aware UTC datetimes.

Semantics (the property tests hold the engine to exactly these, against a minute-by-minute oracle):

* Windows per LOCAL date in the mentor's zone. For a date, a blocked override (no times) removes
  all windows; otherwise timed overrides covering the date replace the weekly rules with their
  union; otherwise the weekday's rules apply. A date's windows are merged where they overlap or
  touch. Rules are wall-clock times, so "09:00 Berlin" stays 09:00 Berlin across DST.
* The mentor is available at a real instant when their wall clock at that instant reads a time
  inside one of that date's windows. Around a DST change this is what a person means: on the
  spring-forward day in New York a 01:00-04:00 window holds two real hours; on the fall-back day
  a 00:00-03:00 window holds four.
* Candidate starts are wall-clock times on a grid of `granularity` minutes counted from each
  merged window's start. A candidate that does not exist (inside a spring-forward gap) is
  skipped. An ambiguous one (inside a fall-back repeat) is resolved with fold=0, the FIRST
  occurrence; the repeated hour therefore never yields a second set of starts.
* A candidate start s (UTC) of duration d is free when: range_start <= s < range_end;
  s >= now + notice; s <= now + horizon; every instant of [s, s+d) is available (durations are
  real minutes, so a session may run through a DST change); [s - buffer_before,
  s + d + buffer_after) overlaps no live booking's [blocked_start, blocked_end); the mentor's
  local day of s has fewer than max_per_day live bookings; its ISO week (local) has fewer than
  max_per_week; and that week's booked minutes + d <= weekly_budget_minutes. Bookings count
  towards the local date / ISO week of their start.
* External busy times (ExternalBusy: the mentor's own calendars, sessions.calendar_feeds) block
  exactly like a booking's blocked range: [s - buffer_before, s + d + buffer_after) must overlap
  none of them (the buffers are the mentor's breathing room around a session, whatever sits on
  the other side). They never count towards caps or the weekly budget.

Speed: busy ranges are merged once and probed with bisect, availability is a merged list of real
intervals probed with bisect, caps are dict lookups, and wall->UTC conversion is done once per
window unless a DST change falls inside it. No candidate x booking scans.
"""

from __future__ import annotations

import zoneinfo
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

# zoneinfo keeps only the 8 zones used last (the rest weakly): the engine runs for mentors in
# dozens of zones, so it keeps every one it met (the tz database has a few hundred).
_zone = lru_cache(maxsize=2048)(zoneinfo.ZoneInfo)

DAY = 86400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class Rule:
    weekday: int  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Override:
    start_date: date
    end_date: date
    start: time | None = None  # None (with end None): the dates are blocked
    end: time | None = None


@dataclass(frozen=True, slots=True)
class Busy:
    """A live booking: session times (for caps and budget) and the blocked range incl. buffers."""

    start: datetime
    end: datetime
    blocked_start: datetime
    blocked_end: datetime


@dataclass(frozen=True, slots=True)
class ExternalBusy:
    """A busy interval from one of the mentor's own calendars (no title: only when, and which)."""

    start: datetime
    end: datetime
    calendar_id: int = 0


@dataclass(frozen=True, slots=True)
class Policy:
    buffer_before: int = 0  # minutes
    buffer_after: int = 0
    min_notice_minutes: int = 0
    horizon_days: int = 60
    max_per_day: int | None = None
    max_per_week: int | None = None
    weekly_budget_minutes: int | None = None
    granularity: int = 15


# Reasons a single start is not free (see diagnose); the selectors map them to messages.
PAST = "past"
NOTICE = "notice"
HORIZON = "horizon"
OUTSIDE = "outside_availability"
NOT_ALIGNED = "not_aligned"
DAY_CAP = "day_cap"
WEEK_CAP = "week_cap"
BUDGET = "budget"
TAKEN = "taken"
CALENDAR_BUSY = "mentor_busy"
# explain_slot splits TAKEN in two, for the mentor's own "why is this time not offered?".
BOOKED = "booked"
BUFFER = "buffer"


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a start is not offered: a reason code, and for CALENDAR_BUSY which calendar (and whether
    only the buffers touch its event)."""

    code: str
    calendar_id: int | None = None
    via_buffer: bool = False


def _ts(dt: datetime) -> int:
    if dt.tzinfo is None:
        raise ValueError("the slot engine needs aware datetimes")
    return int(dt.timestamp())


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


class _Engine:
    """Inputs prepared once (busy intervals merged, caps counted) for many questions."""

    def __init__(self, *, zone, rules, overrides, bookings, policy: Policy, now: datetime, external=()):
        self.zone: tzinfo = _zone(zone) if isinstance(zone, str) else zone
        self.policy = policy
        self.now = _ts(now)
        self.rules: dict[int, list[tuple[int, int]]] = {}
        for r in rules:
            self.rules.setdefault(r.weekday, []).append((_minutes(r.start), _minutes(r.end)))
        self.overrides = list(overrides)

        self.booked = sorted((_ts(b.start), _ts(b.end), _ts(b.blocked_start), _ts(b.blocked_end)) for b in bookings)
        self.external = sorted((_ts(x.start), _ts(x.end), x.calendar_id) for x in external)
        spans = sorted([(b[2], b[3]) for b in self.booked] + [(x[0], x[1]) for x in self.external])
        merged: list[list[int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                if b > merged[-1][1]:
                    merged[-1][1] = b
            else:
                merged.append([a, b])
        self.busy_starts = [m[0] for m in merged]
        self.busy_ends = [m[1] for m in merged]

        self.per_day: dict[date, int] = {}
        self.per_week: dict[tuple[int, int], int] = {}
        self.minutes_week: dict[tuple[int, int], int] = {}
        for b in bookings:
            local_day = b.start.astimezone(self.zone).date()
            week = local_day.isocalendar()[:2]
            self.per_day[local_day] = self.per_day.get(local_day, 0) + 1
            self.per_week[week] = self.per_week.get(week, 0) + 1
            self.minutes_week[week] = self.minutes_week.get(week, 0) + (_ts(b.end) - _ts(b.start)) // 60

    # --- wall clock <-> UTC -------------------------------------------------------------------
    def _offset_at(self, u: int) -> int:
        return int(datetime.fromtimestamp(u, UTC).astimezone(self.zone).utcoffset().total_seconds())

    def _utc(self, wall: int, fold: int = 0) -> int:
        """Wall-clock epoch seconds (naive local time read as if UTC) -> real epoch seconds."""
        naive = datetime(1970, 1, 1) + timedelta(seconds=wall)
        return wall - int(self.zone.utcoffset(naive.replace(fold=fold)).total_seconds())

    def _exists(self, wall: int, u: int) -> bool:
        return u + self._offset_at(u) == wall

    # --- windows ----------------------------------------------------------------------------
    def day_windows(self, day: date) -> list[tuple[int, int]]:
        """Merged wall-clock windows of a local date, as wall epoch seconds."""
        timed: list[tuple[int, int]] = []
        overridden = False
        for o in self.overrides:
            if o.start_date <= day <= o.end_date:
                if o.start is None:
                    return []
                overridden = True
                timed.append((_minutes(o.start), _minutes(o.end)))
        spans = sorted(timed if overridden else self.rules.get(day.weekday(), ()))
        base = (day.toordinal() - _EPOCH_ORDINAL) * DAY
        out: list[list[int]] = []
        for a, b in spans:
            if a >= b:
                continue
            if out and base + a * 60 <= out[-1][1]:
                out[-1][1] = max(out[-1][1], base + b * 60)
            else:
                out.append([base + a * 60, base + b * 60])
        return [(a, b) for a, b in out]

    def _real_pieces(self, ws: int, we: int) -> list[tuple[int, int]]:
        """Real instants whose wall time lies in [ws, we): one interval, or two around a change."""
        lo = min(self._utc(ws, 0), self._utc(ws, 1))
        hi = max(self._utc(we, 0), self._utc(we, 1))
        off_lo, off_hi = self._offset_at(lo), self._offset_at(hi - 1)
        if off_lo == off_hi:
            pieces = [(lo, hi, off_lo)]
        else:
            # One DST change inside the window: find its instant by bisection (DST days only).
            a, b = lo, hi - 1  # offset(a) == off_lo, offset(b) == off_hi
            while b - a > 1:
                mid = (a + b) // 2
                if self._offset_at(mid) == off_lo:
                    a = mid
                else:
                    b = mid
            pieces = [(lo, b, off_lo), (b, hi, off_hi)]
        out = []
        for p_lo, p_hi, off in pieces:
            a, b = max(p_lo, ws - off), min(p_hi, we - off)
            if a < b:
                out.append((a, b))
        return out

    def plan(self, first: date, last: date) -> list[tuple[date, list[tuple[int, int, int | None]]]]:
        """Per local date first..last: its merged windows as (wall start, wall end, offset), where
        offset is the day's single UTC offset in seconds, or None on a day with a DST change."""
        out = []
        day = first
        one_day = timedelta(days=1)
        while day <= last:
            windows = self.day_windows(day)
            planned: list[tuple[int, int, int | None]] = []
            if windows:
                midnight = (day.toordinal() - _EPOCH_ORDINAL) * DAY
                # One offset at both midnights, read with both folds: no change that day (two in one
                # day never happen), so every wall time of the day exists once and maps by one
                # subtraction. Both folds matter for zones that change AT midnight (Havana,
                # Santiago): there the day starts inside a gap or a repeat.
                offsets = {self._offset_at(self._utc(m, f)) for m in (midnight, midnight + DAY) for f in (0, 1)}
                off = offsets.pop() if len(offsets) == 1 else None
                planned = [(ws, we, off) for ws, we in windows]
            out.append((day, planned))
            day += one_day
        return out

    def availability(self, plan) -> tuple[list[int], list[int]]:
        """Merged real intervals of availability for a plan."""
        spans = []
        for _day, windows in plan:
            for ws, we, off in windows:
                if off is not None:
                    spans.append((ws - off, we - off))
                else:
                    spans.extend(self._real_pieces(ws, we))
        spans.sort()
        starts: list[int] = []
        ends: list[int] = []
        for a, b in spans:
            if starts and a <= ends[-1]:
                if b > ends[-1]:
                    ends[-1] = b
            else:
                starts.append(a)
                ends.append(b)
        return starts, ends

    # --- checks -----------------------------------------------------------------------------
    def _taken(self, u: int, d: int) -> bool:
        a = u - self.policy.buffer_before * 60
        b = u + d + self.policy.buffer_after * 60
        j = bisect_right(self.busy_ends, a)
        return j < len(self.busy_starts) and self.busy_starts[j] < b

    def _cap_reason(self, day: date, minutes: int) -> str | None:
        p = self.policy
        week = day.isocalendar()[:2]
        if p.max_per_day is not None and self.per_day.get(day, 0) >= p.max_per_day:
            return DAY_CAP
        if p.max_per_week is not None and self.per_week.get(week, 0) >= p.max_per_week:
            return WEEK_CAP
        if p.weekly_budget_minutes is not None and self.minutes_week.get(week, 0) + minutes > p.weekly_budget_minutes:
            return BUDGET
        return None

    def _local_date(self, u: int) -> date:
        return datetime.fromtimestamp(u, UTC).astimezone(self.zone).date()

    def slots(self, duration: int, start: datetime, end: datetime) -> list[int]:
        p = self.policy
        d = duration * 60
        g = p.granularity * 60
        lower = max(_ts(start), self.now + p.min_notice_minutes * 60)
        upper = min(_ts(end) - 1, self.now + p.horizon_days * DAY)  # inclusive
        if lower > upper:
            return []
        plan = self.plan(self._local_date(lower) - timedelta(days=1), self._local_date(upper) + timedelta(days=1))
        av_starts, av_ends = self.availability(plan)
        busy_starts, busy_ends, n_busy = self.busy_starts, self.busy_ends, len(self.busy_starts)
        before, after = p.buffer_before * 60, d + p.buffer_after * 60
        out: list[int] = []
        for day, windows in plan:
            if not windows or self._cap_reason(day, duration) is not None:
                continue
            for ws, we, off in windows:
                if off is not None:
                    # Plain day: candidates are an arithmetic progression in UTC.
                    first = ws - off
                    if first < lower:
                        first += -((first - lower) // g) * g  # first grid point >= lower
                    candidates = range(first, min(we - off, upper + 1), g)
                else:
                    candidates = []
                    for wall in range(ws, we, g):
                        u = self._utc(wall, 0)
                        if self._exists(wall, u) and lower <= u <= upper:
                            candidates.append(u)
                for u in candidates:
                    i = bisect_right(av_starts, u) - 1
                    if i < 0 or av_ends[i] < u + d:
                        continue
                    j = bisect_right(busy_ends, u - before)
                    if j < n_busy and busy_starts[j] < u + after:
                        continue
                    out.append(u)
        out.sort()
        return out

    def diagnose(self, start: datetime, duration: int) -> str | None:
        """Why one start is not free (a reason code), or None when it is."""
        p = self.policy
        u = _ts(start)
        if u < self.now:
            return PAST
        if u < self.now + p.min_notice_minutes * 60:
            return NOTICE
        if u > self.now + p.horizon_days * DAY:
            return HORIZON
        local = datetime.fromtimestamp(u, UTC).astimezone(self.zone)
        day = local.date()
        wall = (day.toordinal() - _EPOCH_ORDINAL) * DAY + local.hour * 3600 + local.minute * 60 + local.second
        window = next(((ws, we) for ws, we in self.day_windows(day) if ws <= wall < we), None)
        if window is None:
            return OUTSIDE
        if (wall - window[0]) % (p.granularity * 60) or self._utc(wall, 0) != u:
            return NOT_ALIGNED
        av_starts, av_ends = self.availability(self.plan(day - timedelta(days=1), day + timedelta(days=1)))
        i = bisect_right(av_starts, u) - 1
        if i < 0 or av_ends[i] < u + duration * 60:
            return OUTSIDE
        reason = self._cap_reason(day, duration)
        if reason:
            return reason
        if self._taken(u, duration * 60):
            return TAKEN if self._booking_clash(u, duration * 60) else CALENDAR_BUSY
        return None

    def _booking_clash(self, u: int, d: int) -> tuple[int, int, int, int] | None:
        a = u - self.policy.buffer_before * 60
        b = u + d + self.policy.buffer_after * 60
        return next((x for x in self.booked if x[2] < b and a < x[3]), None)

    def explain(self, start: datetime, duration: int) -> Explanation | None:
        """diagnose, with a clash told apart: the session itself overlaps a booking (BOOKED), only
        the buffers do (BUFFER), or an event of one of the mentor's calendars (CALENDAR_BUSY)."""
        reason = self.diagnose(start, duration)
        if reason not in (TAKEN, CALENDAR_BUSY):
            return None if reason is None else Explanation(reason)
        u, d = _ts(start), duration * 60
        if any(x[0] < u + d and u < x[1] for x in self.booked):
            return Explanation(BOOKED)
        if self._booking_clash(u, d) is not None:
            return Explanation(BUFFER)
        a, b = u - self.policy.buffer_before * 60, u + d + self.policy.buffer_after * 60
        direct = next((x for x in self.external if x[0] < u + d and u < x[1]), None)
        if direct is not None:
            return Explanation(CALENDAR_BUSY, calendar_id=direct[2])
        near = next(x for x in self.external if x[0] < b and a < x[1])
        return Explanation(CALENDAR_BUSY, calendar_id=near[2], via_buffer=True)


def _as_datetimes(values: list[int]) -> list[datetime]:
    return [datetime.fromtimestamp(v, UTC) for v in values]


def free_slots(*, zone: str | tzinfo, rules, overrides, bookings, policy: Policy, duration: int,
               start: datetime, end: datetime, now: datetime, external=()) -> list[datetime]:
    """Sorted UTC start datetimes of free slots of `duration` minutes with start in [start, end)."""
    engine = _Engine(zone=zone, rules=rules, overrides=overrides, bookings=bookings, policy=policy, now=now,
                     external=external)
    return _as_datetimes(engine.slots(duration, start, end))


def free_slot_seconds(*, zone: str | tzinfo, rules, overrides, bookings, policy: Policy, duration: int,
                      start: datetime, end: datetime, now: datetime, external=()) -> list[int]:
    """free_slots as integer epoch seconds, for callers that format them without datetimes
    (sessions.slot_text)."""
    engine = _Engine(zone=zone, rules=rules, overrides=overrides, bookings=bookings, policy=policy, now=now,
                     external=external)
    return engine.slots(duration, start, end)


def count_free_slots(*, zone: str | tzinfo, rules, overrides, bookings, policy: Policy, duration: int,
                     start: datetime, end: datetime, now: datetime, external=()) -> int:
    engine = _Engine(zone=zone, rules=rules, overrides=overrides, bookings=bookings, policy=policy, now=now,
                     external=external)
    return len(engine.slots(duration, start, end))


def diagnose_slot(*, zone: str | tzinfo, rules, overrides, bookings, policy: Policy, duration: int,
                  start: datetime, now: datetime, external=()) -> str | None:
    """None when `start` is a free slot (exactly when free_slots would list it), else a reason code."""
    engine = _Engine(zone=zone, rules=rules, overrides=overrides, bookings=bookings, policy=policy, now=now,
                     external=external)
    return engine.diagnose(start, duration)


def explain_slot(*, zone: str | tzinfo, rules, overrides, bookings, policy: Policy, duration: int,
                 start: datetime, now: datetime, external=()) -> Explanation | None:
    """The mentor's "why is this time not offered?": None exactly when free_slots would list
    `start`, else the reason (sessions.selectors.slot_explain words it)."""
    engine = _Engine(zone=zone, rules=rules, overrides=overrides, bookings=bookings, policy=policy, now=now,
                     external=external)
    return engine.explain(start, duration)
