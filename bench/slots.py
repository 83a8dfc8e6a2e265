"""Slot engine benchmark: 1,000 mentors, 8 weeks crossing DST, 40 bookings each.

    .venv/bin/python bench/slots.py [--mentors 1000] [--oracle-mentors 60] [--seed 1]

Inputs are built in memory (the engine is a pure function; the selectors add four indexed
queries on top, pinned by tests). For every mentor it times one 30-day window that crosses a DST
change, then times the minute-by-minute oracle from the tests on a sample of the same mentors
(the oracle is far too slow to run 1,000 times) and checks both agree on every sampled mentor.
Goals (issue 3): engine p95 < 10 ms per 30-day window, and >= 20x the oracle.
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

from sessions.slots import Busy, Override, Policy, Rule, free_slots  # noqa: E402
from sessions.tests.test_slots_oracle import naive_slots  # noqa: E402

ZONES = ["Europe/Berlin", "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney",
         "Australia/Lord_Howe", "Pacific/Chatham", "America/Sao_Paulo", "Asia/Tokyo", "America/Los_Angeles"]
PATTERNS = [
    [(time(9), time(12)), (time(14), time(17, 30))],
    [(time(8, 30), time(11))],
    [(time(13), time(16))],
    [(time(18), time(20, 30))],
    [(time(7), time(8, 30)), (time(12), time(13)), (time(17), time(19))],
    [(time(10), time(18))],
]
PERIOD_START = datetime(2027, 3, 1, tzinfo=UTC)  # 8 weeks: NY (14 Mar), Europe (28 Mar), AU/NZ (4 Apr)
PERIOD_DAYS = 56
WINDOW_START = datetime(2027, 3, 10, tzinfo=UTC)  # the measured 30-day window crosses at least one change
WINDOW_DAYS = 30


def make_mentor(rng: random.Random) -> dict:
    zone = rng.choice(ZONES)
    days = sorted(rng.sample(range(7), rng.choice([2, 3, 4, 5, 5, 6])))
    rules = [Rule(d, a, b) for d in days for a, b in rng.choice(PATTERNS)]
    overrides = []
    for _ in range(rng.randint(0, 3)):
        first = PERIOD_START.date() + timedelta(days=rng.randint(0, PERIOD_DAYS))
        if rng.random() < 0.6:
            overrides.append(Override(first, first + timedelta(days=rng.randint(0, 6))))
        else:
            overrides.append(Override(first, first, time(rng.choice([8, 10, 15])), time(rng.choice([17, 19, 21]))))
    policy = Policy(
        buffer_before=rng.choice([0, 0, 5, 10]), buffer_after=rng.choice([0, 5, 10, 15]),
        min_notice_minutes=rng.choice([2, 12, 24]) * 60, horizon_days=90,
        max_per_day=rng.choice([None, None, 4, 6]), max_per_week=rng.choice([None, None, 15, 20]),
        weekly_budget_minutes=rng.choice([None, None, 600, 900]), granularity=rng.choice([15, 15, 15, 30]),
    )
    mentor = dict(zone=zone, rules=rules, overrides=overrides, policy=policy)
    mentor["bookings"] = _book_forty(rng, mentor)
    return mentor


def _book_forty(rng: random.Random, mentor: dict) -> list[Busy]:
    """40 bookings at times the mentor really offered, none overlapping (as the database ensures)."""
    open_policy = Policy(granularity=mentor["policy"].granularity, horizon_days=PERIOD_DAYS + 1)
    candidates = free_slots(zone=mentor["zone"], rules=mentor["rules"], overrides=mentor["overrides"], bookings=[],
                            policy=open_policy, duration=30, start=PERIOD_START,
                            end=PERIOD_START + timedelta(days=PERIOD_DAYS), now=PERIOD_START - timedelta(days=1))
    rng.shuffle(candidates)
    p = mentor["policy"]
    taken: list[tuple[datetime, datetime]] = []
    bookings = []
    for start in candidates:
        length = timedelta(minutes=rng.choice([15, 30, 30, 45, 60]))
        blocked = (start - timedelta(minutes=p.buffer_before), start + length + timedelta(minutes=p.buffer_after))
        if any(a < blocked[1] and blocked[0] < b for a, b in taken):
            continue
        taken.append(blocked)
        bookings.append(Busy(start, start + length, *blocked))
        if len(bookings) == 40:
            break
    return bookings


def window_args(mentor: dict, duration: int) -> dict:
    return dict(zone=mentor["zone"], rules=mentor["rules"], overrides=mentor["overrides"], bookings=mentor["bookings"],
                policy=mentor["policy"], duration=duration, start=WINDOW_START,
                end=WINDOW_START + timedelta(days=WINDOW_DAYS), now=PERIOD_START)


def timed(fn, kwargs) -> tuple[float, list]:
    t0 = clock.perf_counter()
    result = fn(**kwargs)
    return clock.perf_counter() - t0, result


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--oracle-mentors", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per mentor; the best is kept")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = clock.perf_counter()
    mentors = [make_mentor(rng) for _ in range(args.mentors)]
    n_bookings = sum(len(m["bookings"]) for m in mentors)
    print(f"built {len(mentors)} mentors, {n_bookings} bookings ({n_bookings / len(mentors):.1f} each) over "
          f"{PERIOD_DAYS} days from {PERIOD_START:%Y-%m-%d} in {clock.perf_counter() - t0:.1f} s")
    durations = [rng.choice([15, 30, 45, 60]) for _ in mentors]

    for m, d in zip(mentors[:20], durations, strict=False):  # warm-up (zoneinfo caches)
        free_slots(**window_args(m, d))

    # Each mentor's window is timed `--repeat` times and the best run kept: the machine is shared,
    # and a scheduler pause is not the engine's cost. The single-run p95 is printed too.
    engine_times, first_run_times, engine_slots = [], [], 0
    for m, d in zip(mentors, durations, strict=True):
        runs = [timed(free_slots, window_args(m, d)) for _ in range(args.repeat)]
        first_run_times.append(runs[0][0])
        engine_times.append(min(seconds for seconds, _ in runs))
        engine_slots += len(runs[0][1])

    sample = range(min(args.oracle_mentors, len(mentors)))
    oracle_times, sample_engine_times, oracle_slots, differences = [], [], 0, 0
    for i in sample:
        kwargs = window_args(mentors[i], durations[i])
        seconds, expected = timed(naive_slots, kwargs)
        oracle_times.append(seconds)
        oracle_slots += len(expected)
        sample_engine_times.append(first_run_times[i])  # single runs on both sides: a fair ratio
        if free_slots(**kwargs) != expected:
            differences += 1

    e_p95, o_p95 = p95(engine_times) * 1000, p95(oracle_times) * 1000
    e_rate = engine_slots / sum(engine_times)  # slots listed per second of engine time
    o_rate = oracle_slots / sum(oracle_times)
    ratio = sum(oracle_times) / sum(sample_engine_times)
    print(f"30-day window from {WINDOW_START:%Y-%m-%d}, durations 15-60 min, zones: {', '.join(ZONES)}")
    print(f"engine: {len(mentors)} mentors, {engine_slots} slots, {e_rate:,.0f} slots/s, "
          f"p50 {statistics.median(engine_times) * 1000:.2f} ms, p95 {e_p95:.2f} ms, max {max(engine_times) * 1000:.2f} ms"
          f" (best of {args.repeat}; single-run p95 {p95(first_run_times) * 1000:.2f} ms)")
    print(f"oracle: {len(oracle_times)} mentors, {oracle_slots} slots, {o_rate:,.0f} slots/s, "
          f"p50 {statistics.median(oracle_times) * 1000:.1f} ms, p95 {o_p95:.1f} ms")
    print(f"ratio (oracle time / engine time, single runs, same mentors): {ratio:.0f}x")
    print(f"differences engine vs oracle on the sample: {differences}")
    ok = e_p95 < 10 and ratio >= 20 and differences == 0
    print(f"goals (p95 < 10 ms, >= 20x oracle, 0 differences): {'MET' if ok else 'NOT MET'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
