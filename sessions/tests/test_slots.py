"""Unit tests of the pure slot engine: plain days, DST days in four zones, buffers, caps, budget."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest

from sessions import slots as engine
from sessions.slots import Busy, Override, Policy, Rule, diagnose_slot, free_slots

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def local_times(zone, result, day=None):
    tz = zoneinfo.ZoneInfo(zone)
    return [f"{s.astimezone(tz):%H:%M}" for s in result if day is None or s.astimezone(tz).date() == day]


def run(zone, rules, *, start, end, duration=60, policy=None, overrides=(), bookings=(), now=None):
    now = now or start - timedelta(days=1)
    return free_slots(zone=zone, rules=rules, overrides=list(overrides), bookings=list(bookings),
                      policy=policy or Policy(granularity=60), duration=duration, start=start, end=end, now=now)


def day_range(zone, day):
    tz = zoneinfo.ZoneInfo(zone)
    start = datetime.combine(day, time(0)).replace(tzinfo=tz).astimezone(UTC)
    return start, start + timedelta(days=1, hours=2)


def busy(start, minutes, before=0, after=0):
    end = start + timedelta(minutes=minutes)
    return Busy(start, end, start - timedelta(minutes=before), end + timedelta(minutes=after))


# --- plain days ------------------------------------------------------------------------------

def test_weekly_rule_yields_aligned_starts_that_fit_the_window():
    monday = date(2027, 1, 4)
    start, end = day_range("Europe/Berlin", monday)
    result = run("Europe/Berlin", [Rule(0, time(9), time(12)), Rule(0, time(14), time(15, 30))],
                 start=start, end=end, duration=30, policy=Policy(granularity=30))
    assert local_times("Europe/Berlin", result) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "14:00", "14:30", "15:00"]
    assert all(s.tzinfo is UTC for s in result)


def test_starts_are_aligned_from_the_window_start_not_the_hour():
    monday = date(2027, 1, 4)
    start, end = day_range("UTC", monday)
    result = run("UTC", [Rule(0, time(9, 10), time(10, 30))], start=start, end=end, duration=30,
                 policy=Policy(granularity=30))
    assert local_times("UTC", result) == ["09:10", "09:40"]


def test_touching_windows_merge_into_one():
    monday = date(2027, 1, 4)
    start, end = day_range("UTC", monday)
    result = run("UTC", [Rule(0, time(9), time(10)), Rule(0, time(10), time(11))], start=start, end=end)
    assert local_times("UTC", result) == ["09:00", "10:00"]
    result = run("UTC", [Rule(0, time(9), time(10)), Rule(0, time(10), time(11))], start=start, end=end,
                 policy=Policy(granularity=30))
    assert "09:30" in local_times("UTC", result)


def test_blocked_override_removes_the_day_and_timed_override_replaces_it():
    start, end = datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 1, 13, tzinfo=UTC)
    rules = [Rule(0, time(9), time(10)), Rule(1, time(9), time(10)), Rule(2, time(9), time(10))]
    overrides = [Override(date(2027, 1, 4), date(2027, 1, 5)),
                 Override(date(2027, 1, 6), date(2027, 1, 6), time(15), time(16)),
                 Override(date(2027, 1, 6), date(2027, 1, 6), time(17), time(18))]
    result = run("UTC", rules, start=start, end=end, overrides=overrides)
    assert [f"{s:%a %d %H:%M}" for s in result] == [
        "Wed 06 15:00", "Wed 06 17:00", "Mon 11 09:00", "Tue 12 09:00"]


def test_buffers_keep_distance_from_live_bookings():
    monday = date(2027, 1, 4)
    start, end = day_range("UTC", monday)
    taken = busy(datetime(2027, 1, 4, 11, tzinfo=UTC), 30, before=0, after=0)
    policy = Policy(granularity=30, buffer_before=15, buffer_after=15)
    result = run("UTC", [Rule(0, time(9), time(14))], start=start, end=end, duration=30, policy=policy,
                 bookings=[taken])
    # 10:30 would end at 11:00 + 15 min buffer; 11:30 would start 15 min buffer before at 11:15.
    assert local_times("UTC", result) == ["09:00", "09:30", "10:00", "12:00", "12:30", "13:00", "13:30"]


def test_existing_bookings_own_buffers_block_too():
    monday = date(2027, 1, 4)
    start, end = day_range("UTC", monday)
    taken = busy(datetime(2027, 1, 4, 10, tzinfo=UTC), 60, before=30, after=30)  # holds 09:30-11:30
    result = run("UTC", [Rule(0, time(9), time(13))], start=start, end=end, duration=30,
                 policy=Policy(granularity=30), bookings=[taken])
    assert local_times("UTC", result) == ["09:00", "11:30", "12:00", "12:30"]


def test_notice_and_horizon_are_measured_from_now():
    start, end = datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 1, 20, tzinfo=UTC)
    now = datetime(2027, 1, 4, 8, tzinfo=UTC)
    rules = [Rule(d, time(9), time(12)) for d in range(7)]
    result = run("UTC", rules, start=start, end=end, now=now,
                 policy=Policy(granularity=60, min_notice_minutes=120, horizon_days=2))
    assert result[0] == datetime(2027, 1, 4, 10, tzinfo=UTC)
    assert result[-1] == datetime(2027, 1, 6, 8, tzinfo=UTC) or result[-1] <= now + timedelta(days=2)
    assert max(result) == datetime(2027, 1, 5, 11, tzinfo=UTC)


def test_daily_and_weekly_caps_count_on_the_mentors_local_day_and_iso_week():
    # Tokyo mentor: a booking at 2027-01-04 20:00 UTC is Tuesday 5 January 05:00 in Tokyo.
    zone = "Asia/Tokyo"
    rules = [Rule(d, time(9), time(11)) for d in range(7)]
    booked = busy(datetime(2027, 1, 4, 20, tzinfo=UTC), 60)
    start, end = datetime(2027, 1, 3, 15, tzinfo=UTC), datetime(2027, 1, 10, 15, tzinfo=UTC)  # Mon..Sun Tokyo
    tz = zoneinfo.ZoneInfo(zone)
    days = sorted({s.astimezone(tz).date() for s in run(zone, rules, start=start, end=end, bookings=[booked],
                                                         policy=Policy(granularity=60, max_per_day=1))})
    assert date(2027, 1, 5) not in days and date(2027, 1, 4) in days and len(days) == 6
    assert run(zone, rules, start=start, end=end, bookings=[booked], policy=Policy(granularity=60, max_per_week=1)) == []
    next_week = run(zone, rules, start=end, end=end + timedelta(days=1), bookings=[booked],
                    policy=Policy(granularity=60, max_per_week=1))
    assert next_week


def test_weekly_budget_allows_only_what_still_fits():
    rules = [Rule(d, time(9), time(12)) for d in range(7)]
    start, end = datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 1, 11, tzinfo=UTC)
    booked = busy(datetime(2027, 1, 4, 9, tzinfo=UTC), 60)
    policy = Policy(granularity=30, weekly_budget_minutes=90)
    assert run("UTC", rules, start=start, end=end, duration=30, policy=policy, bookings=[booked])
    assert run("UTC", rules, start=start, end=end, duration=45, policy=policy, bookings=[booked]) == []


# --- DST days --------------------------------------------------------------------------------

def test_berlin_0900_stays_0900_across_the_spring_change():
    rules = [Rule(d, time(9), time(10)) for d in range(7)]
    start, end = datetime(2027, 3, 25, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC)  # change on Sun 28 Mar
    result = run("Europe/Berlin", rules, start=start, end=end)
    assert local_times("Europe/Berlin", result) == ["09:00"] * 7
    utc_hours = sorted({s.hour for s in result})
    assert utc_hours == [7, 8]  # 08:00 UTC in CET, 07:00 UTC in CEST


def test_berlin_spring_gap_is_skipped_and_window_holds_real_time_only():
    day = date(2027, 3, 28)  # 02:00 -> 03:00
    start, end = day_range("Europe/Berlin", day)
    result = run("Europe/Berlin", [Rule(6, time(1), time(4))], start=start, end=end, duration=30,
                 policy=Policy(granularity=30))
    assert local_times("Europe/Berlin", result) == ["01:00", "01:30", "03:00", "03:30"]
    # A 60-minute session may run through the change: 01:30 CET -> 03:30 CEST is one real hour.
    result = run("Europe/Berlin", [Rule(6, time(1), time(4))], start=start, end=end, duration=60,
                 policy=Policy(granularity=30))
    assert local_times("Europe/Berlin", result) == ["01:00", "01:30", "03:00"]


def test_berlin_autumn_fold_uses_the_first_occurrence():
    day = date(2027, 10, 31)  # 03:00 CEST -> 02:00 CET
    start, end = day_range("Europe/Berlin", day)
    result = run("Europe/Berlin", [Rule(6, time(1), time(4))], start=start, end=end)
    tz = zoneinfo.ZoneInfo("Europe/Berlin")
    assert [f"{s.astimezone(tz):%H:%M %Z}" for s in result] == ["01:00 CEST", "02:00 CEST", "03:00 CET"]
    # The window holds four real hours, so a 60-minute slot at 02:00 CEST (00:00 UTC) is free.
    assert datetime(2027, 10, 31, 0, tzinfo=UTC) in result


def test_new_york_spring_gap_and_autumn_fold():
    spring, autumn = date(2027, 3, 14), date(2027, 11, 7)
    start, end = day_range("America/New_York", spring)
    result = run("America/New_York", [Rule(6, time(1, 30), time(3, 30))], start=start, end=end, duration=30,
                 policy=Policy(granularity=30))
    assert local_times("America/New_York", result) == ["01:30", "03:00"]
    start, end = day_range("America/New_York", autumn)
    result = run("America/New_York", [Rule(6, time(1), time(2))], start=start, end=end, duration=30,
                 policy=Policy(granularity=30))
    tz = zoneinfo.ZoneInfo("America/New_York")
    # 01:00-02:00 happens twice; starts come from the first (EDT), the second (EST) still counts as
    # available time, so 01:30 EDT can run 30 minutes and a 60-minute slot also fits at 01:30 EDT.
    assert [f"{s.astimezone(tz):%H:%M %Z}" for s in result] == ["01:00 EDT", "01:30 EDT"]
    longer = run("America/New_York", [Rule(6, time(1), time(2))], start=start, end=end, duration=60,
                 policy=Policy(granularity=30))
    assert [f"{s.astimezone(tz):%H:%M %Z}" for s in longer] == ["01:00 EDT", "01:30 EDT"]


def test_lord_howe_half_hour_changes():
    tz = zoneinfo.ZoneInfo("Australia/Lord_Howe")
    spring = date(2027, 10, 3)  # 02:00 -> 02:30
    start, end = day_range("Australia/Lord_Howe", spring)
    result = run("Australia/Lord_Howe", [Rule(6, time(1), time(4))], start=start, end=end, duration=30,
                 policy=Policy(granularity=15))
    times = local_times("Australia/Lord_Howe", result)
    assert "02:00" not in times and "02:15" not in times and "02:30" in times
    assert times == ["01:00", "01:15", "01:30", "01:45", "02:30", "02:45", "03:00", "03:15", "03:30"]
    autumn = date(2027, 4, 4)  # 02:00 -> 01:30
    start, end = day_range("Australia/Lord_Howe", autumn)
    result = run("Australia/Lord_Howe", [Rule(6, time(1), time(3))], start=start, end=end, duration=30,
                 policy=Policy(granularity=30))
    assert [f"{s.astimezone(tz):%H:%M}" for s in result] == ["01:00", "01:30", "02:00", "02:30"]
    assert result[1].astimezone(tz).utcoffset() == timedelta(hours=11)  # first 01:30 (+11)


def test_chatham_45_minute_offset_and_its_change():
    tz = zoneinfo.ZoneInfo("Pacific/Chatham")
    spring = date(2027, 9, 26)  # 02:45 -> 03:45
    start, end = day_range("Pacific/Chatham", spring)
    result = run("Pacific/Chatham", [Rule(6, time(2), time(5))], start=start, end=end, duration=15,
                 policy=Policy(granularity=15))
    times = local_times("Pacific/Chatham", result)
    assert times[:3] == ["02:00", "02:15", "02:30"] and "03:00" not in times and times[3] == "03:45"
    assert all(s.minute in (0, 15, 30, 45) for s in result)
    plain = date(2027, 1, 3)
    start, end = day_range("Pacific/Chatham", plain)
    result = run("Pacific/Chatham", [Rule(6, time(9), time(10))], start=start, end=end)
    assert [s.astimezone(tz).utcoffset() for s in result] == [timedelta(hours=13, minutes=45)]


# --- single-slot diagnosis (what slot_check reports) ----------------------------------------

@pytest.mark.parametrize("start,reason", [
    (datetime(2027, 1, 4, 9, tzinfo=UTC), engine.PAST),
    (datetime(2027, 1, 4, 13, tzinfo=UTC), engine.NOTICE),
    (datetime(2027, 3, 10, 9, tzinfo=UTC), engine.HORIZON),
    (datetime(2027, 1, 5, 18, tzinfo=UTC), engine.OUTSIDE),
    (datetime(2027, 1, 5, 11, 30, tzinfo=UTC), engine.OUTSIDE),  # would run past 12:00
    (datetime(2027, 1, 5, 9, 10, tzinfo=UTC), engine.NOT_ALIGNED),
    (datetime(2027, 1, 5, 10, tzinfo=UTC), engine.TAKEN),
    (datetime(2027, 1, 5, 9, tzinfo=UTC), None),
])
def test_diagnose_names_the_reason(start, reason):
    rules = [Rule(d, time(9), time(12)) for d in range(7)]
    taken = busy(datetime(2027, 1, 5, 10, 15, tzinfo=UTC), 30)
    got = diagnose_slot(zone="UTC", rules=rules, overrides=[], bookings=[taken],
                        policy=Policy(granularity=30, min_notice_minutes=6 * 60), duration=60, start=start,
                        now=datetime(2027, 1, 4, 10, tzinfo=UTC))
    assert got == reason


def test_diagnose_reports_caps_and_budget():
    rules = [Rule(d, time(9), time(17)) for d in range(7)]
    booked = [busy(datetime(2027, 1, 5, 9, tzinfo=UTC), 60)]
    kwargs = dict(zone="UTC", rules=rules, overrides=[], bookings=booked, duration=30,
                  start=datetime(2027, 1, 5, 14, tzinfo=UTC), now=NOW)
    assert diagnose_slot(policy=Policy(max_per_day=1), **kwargs) == engine.DAY_CAP
    assert diagnose_slot(policy=Policy(max_per_week=1), **kwargs) == engine.WEEK_CAP
    assert diagnose_slot(policy=Policy(weekly_budget_minutes=60), **kwargs) == engine.BUDGET
    assert diagnose_slot(policy=Policy(weekly_budget_minutes=90), **kwargs) is None


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        free_slots(zone="UTC", rules=[], overrides=[], bookings=[], policy=Policy(), duration=30,
                   start=datetime(2027, 1, 1), end=datetime(2027, 1, 2), now=NOW)


def test_havana_day_that_starts_inside_the_spring_gap():
    # Havana jumps from 00:00 to 01:00 on 14 March 2027: the day's first wall hour never exists.
    day = date(2027, 3, 14)
    start, end = day_range("America/Havana", day)
    result = run("America/Havana", [Rule(6, time(0), time(2))], start=start - timedelta(hours=2), end=end,
                 duration=30, policy=Policy(granularity=30))
    assert local_times("America/Havana", result, day) == ["01:00", "01:30"]
