"""Property tests: the slot engine and the naive oracle agree on random calendars around DST changes.

Zones cover a 60-minute DST (America/New_York, Europe/Berlin), no DST with a half-hour offset
(Asia/Kolkata), a 30-minute DST (Australia/Lord_Howe) and a 45-minute offset with DST
(Pacific/Chatham). Every generated range starts a few days before one of the zone's 2027 changes,
so most examples cross one.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions.slots import Busy, ExternalBusy, Override, Policy, Rule, diagnose_slot, explain_slot, free_slots
from sessions.tests.test_slots_oracle import naive_slots

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham",
         # Changes at midnight: the day itself starts in a gap or a repeat.
         "America/Havana", "America/Santiago"]


def _changes(zone_name: str) -> list[date]:
    """Local dates in 2027 on which the zone's UTC offset changes (none for Kolkata)."""
    zone = zoneinfo.ZoneInfo(zone_name)
    out = []
    day = date(2027, 1, 1)
    while day.year == 2027:
        a = datetime.combine(day, time(0)).replace(tzinfo=zone).utcoffset()
        b = datetime.combine(day + timedelta(days=1), time(0)).replace(tzinfo=zone).utcoffset()
        if a != b:
            out.append(day)
        day += timedelta(days=1)
    return out or [date(2027, 3, 14)]


CHANGES = {z: _changes(z) for z in ZONES}


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


# Windows start often in the small hours, where DST changes happen.
start_minutes = st.one_of(st.integers(0, 5 * 12).map(lambda n: n * 5), st.integers(0, 23 * 4).map(lambda n: n * 15))
window = st.tuples(start_minutes, st.integers(1, 6 * 12).map(lambda n: n * 5)).map(
    lambda p: (p[0], min(p[0] + p[1], 23 * 60 + 55))).filter(lambda p: p[0] < p[1])


@st.composite
def calendars(draw):
    zone = draw(st.sampled_from(ZONES))
    change = draw(st.sampled_from(CHANGES[zone]))
    first = change - timedelta(days=draw(st.integers(0, 3)))
    days = draw(st.integers(1, 5))
    tz = zoneinfo.ZoneInfo(zone)
    start = datetime.combine(first, time(draw(st.integers(0, 23)))).replace(tzinfo=tz).astimezone(UTC)
    end = start + timedelta(days=days)

    rules = [Rule((first + timedelta(days=draw(st.integers(0, days)))).weekday(), _time(a), _time(b))
             for a, b in draw(st.lists(window, min_size=1, max_size=8))]
    # Make the change day's weekday likely to have rules.
    rules += [Rule(change.weekday(), _time(a), _time(b)) for a, b in draw(st.lists(window, max_size=2))]

    overrides = []
    for _ in range(draw(st.integers(0, 3))):
        o_start = first + timedelta(days=draw(st.integers(-1, days + 1)))
        o_end = o_start + timedelta(days=draw(st.integers(0, 2)))
        if draw(st.booleans()):
            overrides.append(Override(o_start, o_end))
        else:
            a, b = draw(window)
            overrides.append(Override(o_start, o_end, _time(a), _time(b)))

    bookings = []
    for _ in range(draw(st.integers(0, 6))):
        b_start = start + timedelta(minutes=5 * draw(st.integers(-300, days * 288)))
        length = draw(st.sampled_from([15, 30, 45, 60]))
        before, after = draw(st.sampled_from([0, 5, 10, 15])), draw(st.sampled_from([0, 5, 10, 15]))
        b_end = b_start + timedelta(minutes=length)
        bookings.append(Busy(b_start, b_end, b_start - timedelta(minutes=before), b_end + timedelta(minutes=after)))

    # Busy times from the mentor's own calendars: short meetings, long all-day spans, overlapping
    # each other and the bookings, on any minute (not only on the grid).
    external = []
    for _ in range(draw(st.integers(0, 6))):
        x_start = start + timedelta(minutes=draw(st.integers(-600, days * 1440)))
        length = draw(st.one_of(st.integers(1, 180), st.sampled_from([24 * 60, 3 * 24 * 60])))
        external.append(ExternalBusy(x_start, x_start + timedelta(minutes=length), calendar_id=draw(st.integers(1, 3))))

    policy = Policy(
        buffer_before=draw(st.sampled_from([0, 0, 5, 15, 30])),
        buffer_after=draw(st.sampled_from([0, 0, 10, 15])),
        min_notice_minutes=draw(st.sampled_from([0, 0, 60, 12 * 60, 48 * 60])),
        horizon_days=draw(st.integers(1, 10)),
        max_per_day=draw(st.none() | st.none() | st.integers(1, 3)),
        max_per_week=draw(st.none() | st.none() | st.integers(1, 5)),
        weekly_budget_minutes=draw(st.none() | st.none() | st.sampled_from([30, 60, 90, 120, 240])),
        granularity=draw(st.sampled_from([5, 10, 15, 30, 60])),
    )
    now = start - timedelta(minutes=15 * draw(st.integers(-24, 4 * 24)))
    duration = draw(st.sampled_from([15, 30, 45, 60]))
    return dict(zone=zone, rules=rules, overrides=overrides, bookings=bookings, policy=policy,
                duration=duration, start=start, end=end, now=now, external=external)


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars())
def test_engine_matches_naive_oracle(cal):
    engine = free_slots(**cal)
    oracle = naive_slots(**cal)
    assert engine == oracle


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), st.data())
def test_single_slot_check_agrees_with_the_oracle(cal, data):
    # slot_check (the booking service's re-check) must accept exactly the starts the list shows.
    oracle = set(naive_slots(**cal))
    args = {k: v for k, v in cal.items() if k not in ("start", "end")}
    probes = list(oracle)[:5] + [
        cal["start"] + timedelta(minutes=5 * data.draw(st.integers(0, (cal["end"] - cal["start"]) // timedelta(minutes=5) - 1)))
        for _ in range(10)
    ]
    for probe in probes:
        assert (diagnose_slot(start=probe, **args) is None) == (probe in oracle), probe
        # The mentor's "why is this time not offered?": no reason for an offered time, and always
        # one for a refused time.
        assert (explain_slot(start=probe, **args) is None) == (probe in oracle), probe


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), st.data())
def test_explanations_of_clashes_name_what_is_in_the_way(cal, data):
    """A clash explained as "booked" overlaps a booking itself, as "buffer" only a booking's blocked
    range with the buffers, as "busy in calendar N" an event of that calendar (itself, or within
    the buffers when it says so)."""
    args = {k: v for k, v in cal.items() if k not in ("start", "end")}
    p, d = cal["policy"], timedelta(minutes=cal["duration"])
    for _ in range(15):
        s = cal["start"] + timedelta(minutes=5 * data.draw(st.integers(0, (cal["end"] - cal["start"]) // timedelta(minutes=5) - 1)))
        reason = explain_slot(start=s, **args)
        lo, hi = s - timedelta(minutes=p.buffer_before), s + d + timedelta(minutes=p.buffer_after)
        if reason is None or reason.code not in ("booked", "buffer", "mentor_busy"):
            continue
        own = [b for b in cal["bookings"] if b.start < s + d and s < b.end]
        near = [b for b in cal["bookings"] if b.blocked_start < hi and lo < b.blocked_end]
        if reason.code == "booked":
            assert own, s
        elif reason.code == "buffer":
            assert near and not own, s
        else:
            assert not near, s
            events = [x for x in cal["external"] if x.calendar_id == reason.calendar_id]
            if reason.via_buffer:
                assert any(x.start < hi and lo < x.end for x in events)
                assert not any(x.start < s + d and s < x.end for x in cal["external"])
            else:
                assert any(x.start < s + d and s < x.end for x in events)
