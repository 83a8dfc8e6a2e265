"""Booking benchmark: bookings per second through the API against PostgreSQL's floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_booking REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/booking.py [--mentors 20] [--bookings 200] [--rounds 3] [--pgbench-seconds 10]

The database named by DATABASE_URL is the benchmark's own: it is migrated, filled with mentors
(open 08:00-20:00 every day), one mentee with an API token per booking, and emptied of bookings
before every round. Each round makes `--bookings` bookings of distinct slots, spread over the
mentors, one after the other with Django's test client (`POST /api/v1/bookings/` with token
authentication, so auth, throttling, middleware and the on-commit hooks all run in process; no
HTTP server and no network). Interleaved with each round, pgbench runs bench/booking_txn.sql (the
same transaction shape, by hand: lock the policy row, probe for an overlap, insert the booking and
its event) with one client, as the floor. Printed per round and as medians: bookings/s, the
ratio to pgbench, mean ms per request, and the SQL statements of one booking, listed.
Goal (issue 11): ratio >= 0.15 and <= 15 statements.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path and bench/http.py would shadow the standard
# library's `http` (Django imports http.cookies): the project root goes there instead.
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import MentorProfile, User  # noqa: E402
from accounts.tokens import api_token_create  # noqa: E402
from sessions.models import AvailabilityRule, Booking, BookingEvent, BookingPolicy, Notification  # noqa: E402

PREFIX = "bench-booking"
TXN_SQL = ROOT / "bench" / "booking_txn.sql"
# Far enough ahead that no benchmark slot is ever in the past, inside every mentor's 60-day horizon.
FIRST_DAY_AHEAD = 2


def _setup(mentors: int, mentees: int) -> tuple[list[User], list[str]]:
    call_command("migrate", verbosity=0)
    have = list(User.objects.filter(email__startswith=f"{PREFIX}-mentor-").order_by("pk"))
    for n in range(len(have), mentors):
        user = User.objects.create(email=f"{PREFIX}-mentor-{n}@example.com", name=f"Mentor {n}", password="!",
                                   timezone="UTC", is_mentor=True)
        MentorProfile.objects.create(user=user, slug=f"{PREFIX}-{n}", headline="Engineering leader",
                                     bio="I help engineers grow.", years_experience=10, offers_30=True,
                                     # Written around the services: listed as complete (not a draft).
                                     has_availability=True, is_complete=True)
        AvailabilityRule.objects.bulk_create(AvailabilityRule(mentor=user, weekday=d, start_time=time(8),
                                                              end_time=time(20)) for d in range(7))
        # Buffers and no notice, so the overlap probe and the engine have work to do.
        BookingPolicy.objects.update_or_create(mentor=user, defaults={"min_notice_hours": 0, "horizon_days": 60})
        have.append(user)
    keys = []
    for n in range(mentees):
        user, _ = User.objects.get_or_create(email=f"{PREFIX}-mentee-{n}@example.com",
                                             defaults={"name": f"Mentee {n}", "password": "!", "is_mentee": True})
        keys.append(api_token_create(user=user)[1])
    return have[:mentors], keys


def _reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Notification._meta.db_table}, {BookingEvent._meta.db_table}, "
                       f"{Booking._meta.db_table} CASCADE")
    try:
        from matching.models import RecomputeRequest

        RecomputeRequest.objects.all().delete()
    except ImportError:
        pass


def _slots(mentors: list[User], count: int) -> list[tuple[User, datetime]]:
    """`count` distinct 30-minute slots, round-robin over the mentors, 08:00-19:30 UTC from tomorrow+1."""
    day0 = datetime.now(UTC).date() + timedelta(days=FIRST_DAY_AHEAD)
    out = []
    for i in range(count):
        mentor = mentors[i % len(mentors)]
        k = i // len(mentors)  # k-th slot of this mentor
        day, half_hour = divmod(k, 24)
        start = datetime.combine(day0 + timedelta(days=day), time(8), tzinfo=UTC) + timedelta(minutes=30 * half_hour)
        out.append((mentor, start))
    return out


def _post(client: Client, key: str, mentor: User, start: datetime):
    body = {"mentor": mentor.pk, "start": start.isoformat().replace("+00:00", "Z"), "duration": 30,
            "topic": "Staff interview", "question": "How do I show staff-level impact in an interview?"}
    return client.post("/api/v1/bookings/", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {key}")


def _round(mentors, keys, count) -> tuple[float, float]:
    _reset()
    client = Client()
    slots = _slots(mentors, count)
    # One booking outside the clock: warms the process (imports, broker connection, caches).
    _post(client, keys[-1], mentors[0], slots[0][1] + timedelta(days=30))
    times = []
    started = clock.perf_counter()
    for key, (mentor, start) in zip(keys, slots, strict=False):
        t = clock.perf_counter()
        response = _post(client, key, mentor, start)
        times.append(clock.perf_counter() - t)
        if response.status_code != 201:
            raise SystemExit(f"booking failed: {response.status_code} {response.content[:300]!r}")
    elapsed = clock.perf_counter() - started
    return count / elapsed, statistics.mean(times) * 1000


def _statements(mentors, keys) -> list[str]:
    _reset()
    client = Client()
    mentor, start = _slots(mentors, 1)[0]
    _post(client, keys[1], mentor, start + timedelta(days=31))  # the policy row and caches are warm
    with CaptureQueriesContext(connection) as ctx:
        response = _post(client, keys[0], mentor, start)
    assert response.status_code == 201, response.content
    return [q["sql"] for q in ctx.captured_queries]


def _pgbench(mentors: list[User], seconds: int) -> float:
    db = settings.DATABASES["default"]
    env = dict(os.environ, PGPASSWORD=db.get("PASSWORD") or "")
    ids = [m.pk for m in mentors]
    mentee = User.objects.filter(email__startswith=f"{PREFIX}-mentee-").order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE IF NOT EXISTS bench_booking_slot")
    args = ["pgbench", "-n", "-c", "1", "-T", str(seconds), "-f", str(TXN_SQL),
            "-D", f"mentor_lo={min(ids)}", "-D", f"mentor_hi={max(ids)}", "-D", f"mentee={mentee.pk}",
            "-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres",
            db["NAME"]]
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    with connection.cursor() as cursor:
        pgbench_rows = f"SELECT id FROM {Booking._meta.db_table} WHERE topic = 'pgbench'"
        cursor.execute(f"DELETE FROM {BookingEvent._meta.db_table} WHERE booking_id IN ({pgbench_rows})")
        cursor.execute(f"DELETE FROM {Booking._meta.db_table} WHERE topic = 'pgbench'")
    return tps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentors", type=int, default=20)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database of the benchmark's own")
    if args.bookings > args.mentors * 24 * 50:
        raise SystemExit("more bookings than slots in 50 days")
    mentors, keys = _setup(args.mentors, args.bookings + 1)
    statements = _statements(mentors, keys)
    print(f"statements per booking (API, token auth): {len(statements)}")
    for n, sql in enumerate(statements, 1):
        print(f"  {n:2}. {sql[:150]}")
    rates, ratios, means, floors = [], [], [], []
    for n in range(args.rounds):
        rate, mean_ms = _round(mentors, keys, args.bookings)
        floor = _pgbench(mentors, args.pgbench_seconds)
        rates.append(rate)
        means.append(mean_ms)
        floors.append(floor)
        ratios.append(rate / floor)
        print(f"round {n + 1}: {rate:7.1f} bookings/s ({mean_ms:5.1f} ms each)   pgbench {floor:7.1f} tps   "
              f"ratio {rate / floor:.3f}")
    _reset()
    ratio = statistics.median(ratios)
    print(f"median: {statistics.median(rates):.1f} bookings/s, {statistics.median(means):.1f} ms per booking, "
          f"pgbench {statistics.median(floors):.1f} tps, ratio {ratio:.3f} (goal >= 0.15); "
          f"{len(statements)} statements (goal <= 15) -> {'PASS' if ratio >= 0.15 and len(statements) <= 15 else 'FAIL'}")


if __name__ == "__main__":
    main()
