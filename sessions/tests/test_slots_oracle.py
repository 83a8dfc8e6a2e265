"""A deliberately naive oracle for the slot engine, written independently of sessions/slots.py.

It walks the mentor's calendar minute by minute with plain datetime objects and checks every
booking linearly for every candidate: slow and obvious. The property tests (test_slots_property.py)
and the bench (bench/slots.py) compare the engine with it. Its own sanity tests are at the bottom.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest

from sessions.slots import Busy, Override, Policy, Rule

MINUTE = timedelta(minutes=1)


def _wall_minutes_of(day, rules, overrides) -> list[bool]:
    """1440 booleans: is the mentor available at this wall-clock minute of `day`?"""
    covering = [o for o in overrides if o.start_date <= day <= o.end_date]
    if any(o.start is None for o in covering):
        return [False] * 1440
    if covering:
        spans = [(o.start, o.end) for o in covering]
    else:
        spans = [(r.start, r.end) for r in rules if r.weekday == day.weekday()]
    minutes = [False] * 1440
    for a, b in spans:
        for m in range(a.hour * 60 + a.minute, b.hour * 60 + b.minute):
            minutes[m] = True
    return minutes


def naive_slots(*, zone, rules, overrides, bookings, policy: Policy, duration, start, end, now,
                external=()) -> list[datetime]:
    tz = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone
    day_cache: dict[date, list[bool]] = {}

    def minutes(day):
        if day not in day_cache:
            day_cache[day] = _wall_minutes_of(day, rules, overrides)
        return day_cache[day]

    def available(instant: datetime) -> bool:
        local = instant.astimezone(tz)
        return minutes(local.date())[local.hour * 60 + local.minute]

    result = []
    day = start.astimezone(tz).date() - timedelta(days=2)
    last = end.astimezone(tz).date() + timedelta(days=2)
    while day <= last:
        grid = minutes(day)
        m = 0
        while m < 1440:
            if not grid[m]:
                m += 1
                continue
            run_start = m
            while m < 1440 and grid[m]:
                m += 1
            run_end = m
            for cand in range(run_start, run_end, policy.granularity):
                wall = datetime.combine(day, time(cand // 60, cand % 60))
                s = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
                if s.astimezone(tz).replace(tzinfo=None) != wall:
                    continue  # does not exist on this day (spring-forward gap)
                if _is_free(s, day, tz, available, bookings, policy, duration, start, end, now, external):
                    result.append(s)
        day += timedelta(days=1)
    return sorted(result)


def _is_free(s, day, tz, available, bookings, policy, duration, start, end, now, external=()) -> bool:
    if not (start <= s < end):
        return False
    if s < now + timedelta(minutes=policy.min_notice_minutes):
        return False
    if s > now + timedelta(days=policy.horizon_days):
        return False
    instant = s
    while instant < s + timedelta(minutes=duration):
        if not available(instant):
            return False
        instant += MINUTE
    lo = s - timedelta(minutes=policy.buffer_before)
    hi = s + timedelta(minutes=duration + policy.buffer_after)
    for b in bookings:
        if b.blocked_start < hi and lo < b.blocked_end:
            return False
    # The mentor's own calendars: an event blocks the session and its buffers, like a booking.
    for x in external:
        if x.start < hi and lo < x.end:
            return False
    same_day = [b for b in bookings if b.start.astimezone(tz).date() == day]
    same_week = [b for b in bookings if b.start.astimezone(tz).date().isocalendar()[:2] == day.isocalendar()[:2]]
    if policy.max_per_day is not None and len(same_day) >= policy.max_per_day:
        return False
    if policy.max_per_week is not None and len(same_week) >= policy.max_per_week:
        return False
    if policy.weekly_budget_minutes is not None:
        used = sum((b.end - b.start) // MINUTE for b in same_week)
        if used + duration > policy.weekly_budget_minutes:
            return False
    return True


# --- the oracle's own sanity checks ------------------------------------------------------------

def _utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_oracle_lists_a_plain_morning():
    rules = [Rule(0, time(9), time(10))]  # Monday 09:00-10:00 UTC
    got = naive_slots(zone="UTC", rules=rules, overrides=[], bookings=[], policy=Policy(granularity=30),
                      duration=30, start=_utc(2027, 1, 4), end=_utc(2027, 1, 5), now=_utc(2027, 1, 1))
    assert got == [_utc(2027, 1, 4, 9), _utc(2027, 1, 4, 9, 30)]


def test_oracle_respects_bookings_with_buffers_and_blocked_days():
    rules = [Rule(0, time(9), time(11))]
    booking = Busy(_utc(2027, 1, 4, 10), _utc(2027, 1, 4, 10, 30), _utc(2027, 1, 4, 10), _utc(2027, 1, 4, 10, 30))
    got = naive_slots(zone="UTC", rules=rules, overrides=[Override(date(2027, 1, 11), date(2027, 1, 11))],
                      bookings=[booking], policy=Policy(granularity=30, buffer_before=15, buffer_after=15), duration=30,
                      start=_utc(2027, 1, 4), end=_utc(2027, 1, 12), now=_utc(2027, 1, 1))
    assert got == [_utc(2027, 1, 4, 9)]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_oracle_skips_the_missing_hour(zone):
    # 2027 spring-forward: Berlin 28 March 02:00 -> 03:00; New York 14 March 02:00 -> 03:00.
    day = date(2027, 3, 28) if zone == "Europe/Berlin" else date(2027, 3, 14)
    rules = [Rule(day.weekday(), time(1), time(4))]
    got = naive_slots(zone=zone, rules=rules, overrides=[], bookings=[], policy=Policy(granularity=60),
                      duration=60, start=_utc(2027, 3, 1), end=_utc(2027, 4, 1), now=_utc(2027, 3, 1))
    local = [s.astimezone(zoneinfo.ZoneInfo(zone)) for s in got if s.astimezone(zoneinfo.ZoneInfo(zone)).date() == day]
    assert [f"{x:%H:%M}" for x in local] == ["01:00", "03:00"]
