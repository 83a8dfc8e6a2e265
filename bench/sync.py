"""`manage.py sync_directory` at company scale: an organisation of 20,000 people must sync in seconds.

    .venv/bin/python bench/sync.py [--people 20000] [--goal 10]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_sync]

On a PostgreSQL database of its own (dropped and created afresh; the name must start with `bench_`):
1. generates an HR export of --people people (8 departments, 6 levels, a manager tree five levels
   deep, employee ids) with a seeded random generator, as CSV;
2. times the first sync (every account and membership created), the same file again (nothing to
   do), and a month later: 5% moved (department, level, title, manager), 1% marked inactive, each
   leaver with two future sessions to cancel (one mail each to the other side), 1% missing from
   the file with --deactivate-missing; then that file again (nothing to do);
3. prints seconds per run against --goal (the slowest run must take at most that long).
Each run is the command's whole work: reading, validation, the dry-run plan it prints and the
planned-again apply in one transaction.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, and bench/http.py would shadow the standard library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BASE_DIR / "bench"]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_sync"
DEPARTMENTS = ["Engineering", "Finance", "Sales", "Marketing", "Legal", "People", "Design", "Operations"]
LEVELS = ["IC1", "IC2", "IC3", "IC4", "M1", "M2"]
CITIES = ["Berlin", "Lisbon", "Austin", "Bangalore", "Madrid", "Toronto"]
HEADER = ["email", "name", "department", "level", "title", "location", "manager_email", "employee_id", "active"]


def generate(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    people = []
    for i in range(n):
        # A manager tree: person i reports to someone earlier, about 8 reports per manager.
        manager = "" if i == 0 else f"p{rnd.randrange(max(1, i // 8 + (i > 8)))}@bench.test"
        people.append({"email": f"p{i}@bench.test", "name": f"Person {i}", "department": rnd.choice(DEPARTMENTS),
                       "level": rnd.choice(LEVELS), "title": f"Title {rnd.randrange(40)}",
                       "location": rnd.choice(CITIES), "manager_email": manager, "employee_id": f"E{i:06d}",
                       "active": "true"})
    return people


def as_csv(people: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER)
    writer.writeheader()
    writer.writerows(people)
    return out.getvalue().encode()


def _recreate_database(db_url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = db_url.rsplit("/", 1)[1]
    if not name.startswith("bench_"):
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark's database name must start with 'bench_'.")
    admin = psycopg2.connect(db_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def _run(path: Path, *flags: str) -> tuple[float, str]:
    from django.core.management import call_command

    out = io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    call_command("sync_directory", "bench", str(path), "--no-progress", *flags, stdout=out, stderr=out)
    # Wall time includes waiting for a CPU on a shared machine and PostgreSQL's own work; the
    # process's CPU time is Python's part (reading, checking, planning twice, building rows).
    summary = next(line for line in reversed(out.getvalue().splitlines()) if "row(s) read" in line)
    return time.perf_counter() - started, f"{summary} (this process's CPU: {time.process_time() - cpu:.1f} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--goal", type=float, default=10.0, help="seconds the slowest run may take")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SYNC_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()

    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="mentorship.settings",
                      LOG_LEVEL="WARNING", CELERY_TASK_ALWAYS_EAGER="0")
    os.environ.pop("DATABASE_REPLICA_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    _recreate_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from orgs.models import Department, Level, Membership, Organisation
    from sessions.models import Booking, Notification

    call_command("migrate", verbosity=0)
    org = Organisation.objects.create(name="Bench Corp", slug="bench", timezone="Europe/Berlin")
    for name in DEPARTMENTS:
        Department.objects.create(organisation=org, name=name, slug=name.lower())
    for rank, code in enumerate(LEVELS, 1):
        Level.objects.create(organisation=org, code=code, rank=rank)

    rnd = random.Random(3)
    people = generate(args.people)
    timings: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.csv"
        path.write_bytes(as_csv(people))
        print(f"{args.people:,} people, {path.stat().st_size / 1e6:.1f} MB of CSV, on "
              f"{args.database_url.rsplit('/', 1)[1]}")
        timings.append(("first sync (all created)", *_run(path)))
        timings.append(("same file again", *_run(path)))

        # A month later. Leavers get two future sessions each with someone who stays.
        n = args.people
        movers = rnd.sample(range(1, n), n // 20)
        leavers = rnd.sample(sorted(set(range(1, n)) - set(movers)), n // 100)
        missing = set(rnd.sample(sorted(set(range(1, n)) - set(movers) - set(leavers)), n // 100))
        for i in movers:
            people[i].update(department=rnd.choice(DEPARTMENTS), level=rnd.choice(LEVELS),
                             title=f"Title {rnd.randrange(40)}", manager_email=f"p{rnd.randrange(i)}@bench.test")
        for i in leavers:
            people[i]["active"] = "false"
        ids = dict(Membership.objects.filter(organisation=org).values_list("user__email", "user_id"))
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        bookings = []
        for k, i in enumerate(leavers):
            for j in range(2):
                other = ids[f"p{(i + 1 + j) % n}@bench.test"]
                at = start + timedelta(hours=2 * k + j)
                bookings.append(Booking(mentor_id=ids[f"p{i}@bench.test"], mentee_id=other, start=at,
                                        end=at + timedelta(minutes=30), blocked_start=at,
                                        blocked_end=at + timedelta(minutes=30), duration_minutes=30,
                                        status="confirmed", topic="Bench", question="A question for the bench."))
        Booking.objects.bulk_create(bookings)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        path.write_bytes(as_csv([p for i, p in enumerate(people) if i not in missing]))
        timings.append((f"month later: {len(movers)} moved, {len(leavers)} left, {len(missing)} missing",
                        *_run(path, "--deactivate-missing")))
        timings.append(("that file again", *_run(path, "--deactivate-missing")))

    for label, seconds, summary in timings:
        print(f"{seconds:7.2f} s  {label}\n           {summary}")
    cancelled = Booking.objects.filter(status="cancelled").count()
    mails = Notification.objects.filter(kind="booking_cancelled").count()
    # A session between two leavers is cancelled without a mail: nobody is left to tell.
    leaving = {ids[f"p{i}@bench.test"] for i in (*leavers, *missing)}
    expected_mails = sum(1 for b in bookings if b.mentee_id not in leaving)
    print(f"sessions cancelled: {cancelled} of {len(bookings)}; cancellation mails queued: {mails} "
          f"(expected {expected_mails}: one per session, to the one who stays)")
    slowest = max(t for _, t, _ in timings)
    ok = slowest <= args.goal and cancelled == len(bookings) and mails == expected_mails
    print(f"slowest run {slowest:.2f} s (goal <= {args.goal:.0f} s): {'PASS' if ok else 'FAIL'}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
