"""External calendars: a generated 5,000-event feed with 200 recurring series, expanded over 90 days.

    .venv/bin/python bench/calendars.py [--events 5000] [--series 200] [--rounds 5] [--requests 300] [--seed 1]

1. Parse + expand: sessions.calendar_feeds.busy_intervals on the generated feed (Google-style
   X-WR-TIMEZONE and VTIMEZONE, Outlook's Windows zone names, weekly/daily/monthly series with
   EXDATE and moved or cancelled occurrences, all-day and multi-day, free and tentative events,
   floating times) for the 90 days a 90-day booking horizon keeps; median of --rounds.
2. Slots: the pure slot engine (sessions.slots.free_slots: what the slots API runs after its one
   calendar query) for two mentors with the same rules, policy and bookings, one of them with the
   feed's busy intervals; --requests random 30-day windows each, interleaved in the same run,
   p50/p95 per mentor and the ratio of p95s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sessions.calendar_feeds import busy_intervals, parse_feed  # noqa: E402
from sessions.slots import Busy, ExternalBusy, Policy, Rule, free_slots  # noqa: E402

NOW = datetime(2026, 11, 2, 6, tzinfo=UTC)
HORIZON_DAYS = 90
ZONE = "Europe/Berlin"
VTIMEZONES = """BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
"""
ZONES = ["Europe/Berlin", "W. Europe Standard Time", "America/New_York"]
DAYS = ["MO", "TU", "WE", "TH", "FR"]


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%S")


def generate(rng: random.Random, *, events: int, series: int) -> bytes:
    """A feed of `events` events, `series` of them recurring (with their overrides), spread over
    two and a half years around NOW: a busy professional's calendar carries its history (most
    series have ended; a few daily stand-ups and many weekly or monthly meetings go on)."""
    out = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//calendars//EN\r\nX-WR-TIMEZONE:Europe/Berlin\r\n",
           VTIMEZONES]
    base = datetime(2024, 11, 4)  # naive wall time: series start up to two years before NOW
    for i in range(series):
        zone = rng.choice(ZONES)
        start = base + timedelta(days=rng.randint(0, 700), hours=rng.randint(8, 17), minutes=rng.choice([0, 15, 30]))
        length = timedelta(minutes=rng.choice([15, 30, 30, 45, 60, 90]))
        freq = rng.choice(["DAILY;BYDAY=MO,TU,WE,TH,FR"] + ["WEEKLY;BYDAY=" + rng.choice(DAYS)] * 10
                          + ["WEEKLY;INTERVAL=2;BYDAY=" + rng.choice(DAYS)] * 5 + ["MONTHLY;BYDAY=1" + rng.choice(DAYS)] * 4)
        until = start + timedelta(days=rng.choice([90, 180, 365, 730]))  # most have ended by NOW
        uid = f"series-{i}@bench"
        out.append(f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Series {i}\r\n"
                   f"DTSTART;TZID={zone}:{_stamp(start)}\r\nDTEND;TZID={zone}:{_stamp(start + length)}\r\n"
                   f"RRULE:FREQ={freq};UNTIL={until:%Y%m%dT000000Z}\r\n")
        ex = start + timedelta(weeks=rng.randint(1, 20))
        out.append(f"EXDATE;TZID={zone}:{_stamp(ex)}\r\nEND:VEVENT\r\n")
        if rng.random() < 0.5:  # a moved occurrence, or a cancelled one
            rid = start + timedelta(weeks=rng.randint(1, 20))
            cancelled = rng.random() < 0.4
            moved = rid + timedelta(hours=rng.choice([1, 2, -1]))
            out.append(f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nRECURRENCE-ID;TZID={zone}:{_stamp(rid)}\r\n"
                       f"DTSTART;TZID={zone}:{_stamp(moved)}\r\nDTEND;TZID={zone}:{_stamp(moved + length)}\r\n"
                       f"{'STATUS:CANCELLED' if cancelled else 'STATUS:CONFIRMED'}\r\nEND:VEVENT\r\n")
    for i in range(events - series):
        day = datetime(2024, 11, 1) + timedelta(days=rng.randint(0, 910))
        kind = rng.random()
        lines = [f"BEGIN:VEVENT\r\nUID:single-{i}@bench\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Meeting {i}\r\n"]
        if kind < 0.015:  # all-day, sometimes several days
            lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\nDTEND;VALUE=DATE:{day + timedelta(days=rng.choice([1, 1, 3])):%Y%m%d}\r\n")
        else:
            start = day.replace(hour=rng.randint(7, 19), minute=rng.choice([0, 15, 30, 45]))
            end = start + timedelta(minutes=rng.choice([15, 30, 30, 45, 60, 120]))
            if kind < 0.065:  # floating
                lines.append(f"DTSTART:{_stamp(start)}\r\nDTEND:{_stamp(end)}\r\n")
            elif kind < 0.165:  # UTC
                lines.append(f"DTSTART:{_stamp(start)}Z\r\nDTEND:{_stamp(end)}Z\r\n")
            else:
                zone = rng.choice(ZONES)
                lines.append(f"DTSTART;TZID={zone}:{_stamp(start)}\r\nDTEND;TZID={zone}:{_stamp(end)}\r\n")
        if rng.random() < 0.08:
            lines.append("TRANSP:TRANSPARENT\r\n")
        elif rng.random() < 0.08:
            lines.append("STATUS:TENTATIVE\r\n")
        lines.append("END:VEVENT\r\n")
        out.extend(lines)
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode()


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    feed = generate(rng, events=args.events, series=args.series)
    start, end = NOW - timedelta(days=1), NOW + timedelta(days=HORIZON_DAYS)

    parse_times, expand_times = [], []
    for _ in range(args.rounds):
        t0 = clock.perf_counter()
        calendar = parse_feed(feed)  # icalendar's parse, then X-WR-TIMEZONE made standard
        t1 = clock.perf_counter()
        result = busy_intervals(calendar, zone=ZONE, start=start, end=end)
        t2 = clock.perf_counter()
        parse_times.append(t1 - t0)
        expand_times.append(t2 - t1)
    print(f"feed: {len(feed) / 1024:.0f} KiB, {result.events} events ({args.series} recurring series)")
    print(f"busy intervals kept for {HORIZON_DAYS} days (merged): {len(result.intervals)}")
    print(f"parse: median {statistics.median(parse_times) * 1000:.0f} ms; expand {HORIZON_DAYS} days: "
          f"median {statistics.median(expand_times) * 1000:.0f} ms; together "
          f"{statistics.median(p + e for p, e in zip(parse_times, expand_times, strict=True)) * 1000:.0f} ms "
          f"({args.rounds} rounds)")

    rules = [Rule(d, time(8), time(12)) for d in range(5)] + [Rule(d, time(13), time(18)) for d in range(5)]
    policy = Policy(buffer_before=5, buffer_after=10, min_notice_minutes=12 * 60, horizon_days=HORIZON_DAYS,
                    max_per_day=6, max_per_week=20, granularity=15)
    bookings = []
    for _ in range(40):
        s = NOW + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
        s = s.replace(minute=0)
        bookings.append(Busy(s, s + timedelta(minutes=30), s - timedelta(minutes=5), s + timedelta(minutes=40)))
    external = [ExternalBusy(a, b, 1) for a, b in result.intervals]
    timings: dict[str, list[float]] = {"with calendar": [], "without": []}
    counts: dict[str, int] = {"with calendar": 0, "without": 0}
    for _ in range(args.requests):
        window_start = NOW + timedelta(days=rng.randint(0, HORIZON_DAYS - 30))
        # What the calendar query hands the engine: intervals within a day of the window.
        near = [x for x in external if x.end > window_start - timedelta(days=1)
                and x.start < window_start + timedelta(days=31)]
        for name, busy in (("with calendar", near), ("without", [])):
            t0 = clock.perf_counter()
            slots = free_slots(zone=ZONE, rules=rules, overrides=[], bookings=bookings, policy=policy, duration=30,
                               start=window_start, end=window_start + timedelta(days=30), now=NOW, external=busy)
            timings[name].append(clock.perf_counter() - t0)
            counts[name] += len(slots)
    for name, values in timings.items():
        print(f"slots, 30-day window, mentor {name}: p50 {_p(values, 0.5) * 1000:.2f} ms, "
              f"p95 {_p(values, 0.95) * 1000:.2f} ms, {counts[name] / args.requests:.0f} slots on average")
    ratio = _p(timings["with calendar"], 0.95) / _p(timings["without"], 0.95)
    print(f"p95 with the calendar / without: {ratio:.2f}x ({args.requests} windows each, interleaved)")


if __name__ == "__main__":
    main()
