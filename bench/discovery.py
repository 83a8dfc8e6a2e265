"""Discovery by availability at scale: the directory's free-time filters against the plain directory.

    DATABASE_URL=postgres://.../wt_discovery_bench .venv/bin/python bench/discovery.py [--rounds 15] [--rebuild]

In process, on a database that holds a full directory (bench/http.py's, copied and migrated; the
default is to use DATABASE_URL as it is). --rebuild first recomputes every mentor's free times
(`manage.py free_times_rebuild`, what a fresh copy needs). Each round times, interleaved in a
shuffled order, what a directory page asks of the database for an anonymous visitor (the count
and the first page of 20 with its cards' tags) through accounts.selectors.mentors_search:

- plain: no filters (the baseline, measured in the same run);
- free this week: free_within=7 (the goal: at most 2x the plain query);
- earliest: the "earliest free time" order;
- Thu-Fri mornings: days=3,4, 09:00-12:00 in America/New_York over the next two weeks;
- dates: a three-day date range next week.

Prints the median and p90 of each in ms, its ratio to the plain query, and its query count, and
whether a typo-tolerant name search's plan reads the trigram index; exits 1 if "free this week"
misses its goal, any query count differs from the plain one, or the trigram index is not used.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import time as dtime
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path and bench/http.py would shadow the standard
# library's http package (which Django imports).
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != BASE_DIR / "bench"]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

GOAL = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="recompute every mentor's free times first")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.free_times import FreeWhen
    from accounts.models import MentorFreeTime, MentorProfile
    from accounts.selectors import MentorFilters, mentor_cards, mentors_search

    if not settings.IS_POSTGRES:
        print("bench/discovery.py skipped: it needs DATABASE_URL=postgres://... (a database with a full directory)")
        return 0
    if args.rebuild:
        call_command("free_times_rebuild")
    mentors = MentorProfile.objects.filter(is_listed=True).count()
    runs = MentorFreeTime.objects.count()
    if not runs:
        print("bench/discovery.py skipped: no free times stored; run it with --rebuild (or "
              "`manage.py free_times_rebuild`) on a database with a full directory first.")
        return 0
    today = timezone.now().date()
    cases = {
        "plain": MentorFilters(),
        "free this week": MentorFilters(free=FreeWhen(within_days=7)),
        "earliest": MentorFilters(sort="earliest"),
        "Thu-Fri mornings": MentorFilters(free=FreeWhen(zone="America/New_York", within_days=14, weekdays=(3, 4),
                                                        from_time=dtime(9), to_time=dtime(12))),
        "dates": MentorFilters(free=FreeWhen(zone="Europe/Berlin", first_day=today + timedelta(days=7),
                                             last_day=today + timedelta(days=9))),
    }

    def run(filters) -> tuple[int, int]:
        qs = mentors_search(filters=filters)
        count = qs.count()
        page = mentor_cards(list(qs[:20]))
        return count, len(page)

    counts, queries = {}, {}
    for name, filters in cases.items():  # warm-up: plans, caches, compiled SQL
        with CaptureQueriesContext(connection) as ctx:
            counts[name] = run(filters)[0]
        queries[name] = len(ctx.captured_queries)
    times: dict[str, list[float]] = {name: [] for name in cases}
    rng = random.Random(14)
    for _ in range(args.rounds):
        order = list(cases)
        rng.shuffle(order)
        for name in order:
            started = time.perf_counter()
            run(cases[name])
            times[name].append((time.perf_counter() - started) * 1000)

    print(f"{mentors:,} listed mentors, {runs:,} free-time rows; {args.rounds} interleaved rounds "
          f"(count + first page of 20 with tags, anonymous)")
    plain = statistics.median(times["plain"])
    print(f"{'case':<18} {'mentors':>8} {'queries':>8} {'median ms':>10} {'p90 ms':>8} {'ratio':>6}")
    failed = False
    for name in cases:
        median = statistics.median(times[name])
        p90 = statistics.quantiles(times[name], n=10)[-1] if len(times[name]) > 1 else median
        ratio = median / plain
        print(f"{name:<18} {counts[name]:>8,} {queries[name]:>8} {median:>10.1f} {p90:>8.1f} {ratio:>6.2f}")
        failed |= queries[name] != queries["plain"]
    # Typo-tolerant search at full scale: the name arm is served by the trigram index.
    plan = mentors_search(query="lena").order_by().explain()
    trigram_indexed = "mentor_search_trgm" in plan
    print(f"q=lena (typo-tolerant names) uses mentor_search_trgm: {trigram_indexed}")
    failed |= not trigram_indexed
    ratio = statistics.median(times["free this week"]) / plain
    ok = ratio <= GOAL and not failed
    print(f"free this week / plain = {ratio:.2f} (goal <= {GOAL}); same query count: {not failed} -> "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
