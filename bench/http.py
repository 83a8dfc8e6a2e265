"""HTTP benchmark (issue 11): the product behind gunicorn against bare baselines, in the same run.

    DATABASE_URL=postgres://... .venv/bin/python bench/http.py [--mentors 10000] [--mentees 20000]
        [--rounds 5] [--seconds 5] [--concurrency 4] [--keep | --reuse] [--strict]

1. Creates its own PostgreSQL database, `<name of DATABASE_URL's database>_bench_http` (dropped
   at the end unless --keep or --reuse), migrates it and loads mentors and mentees through
   accounts.importing.profiles_import (the import_profiles command's code; the first chunk is
   timed for the import row), availability through the availability services, and a booking
   history through seed_demo's history writer (see bench/http_data.py). --reuse keeps a database
   loaded by an earlier --keep run and only imports --import-sample new mentors to time the import.
2. Starts gunicorn (2 sync workers) on the product's WSGI app with bench.http_settings, whose
   URLconf adds the bare baselines under /_bench/ (bench/http_baselines.py); the product's URLs
   never have them. Redis: BENCH_HTTP_REDIS_URL (default redis://127.0.0.1:6379/15), a database
   the benchmark owns and flushes (the queued Celery tasks of the run go there, never to a
   development worker's queue).
3. Measures each workload against its baseline in alternating rounds (A, B, A, B, ...) with a
   threaded keep-alive load generator (bench/http_loadgen.py), and prints the median ratio with
   its range: directory JSON, directory search, the directory page, one mentor's slots over 30
   days, bookings over distinct slots (against pgbench running a transaction of the same shape),
   SQL statements per booking, recommendations for mentees with no stored list (first request after
   a fresh worker start included) against stored lists, the workers' memory, the import rate.

Exit status 0 even when a goal is missed (--strict: 1). Needs PostgreSQL; `make bench` runs it
when DATABASE_URL names one.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's folder comes first on sys.path and this module would shadow the
# standard library's `http` package for every import below. The project root goes there instead.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
BASE_DIR = os.path.dirname(_BENCH_DIR)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]
sys.path.insert(0, BASE_DIR)

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from bench.http_loadgen import Call, median_and_range, request, run  # noqa: E402

DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
PG_FAR_FUTURE = "2200-01-01 00:00:00+00"


# --- set-up ---------------------------------------------------------------------------------------

def bench_database_url(database_url: str, suffix: str = "_bench_http") -> str:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def _admin_connect(db_url: str):
    import psycopg2

    parts = urlsplit(db_url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    return admin


def database_exists(db_url: str) -> bool:
    admin = _admin_connect(db_url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [urlsplit(db_url).path.lstrip("/")])
        found = cursor.fetchone() is not None
    admin.close()
    return found


def database_recreate(db_url: str, *, drop_only: bool = False) -> None:
    from psycopg2 import sql

    name = urlsplit(db_url).path.lstrip("/")
    admin = _admin_connect(db_url)
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def redis_usable(url: str) -> bool:
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
        client.ping()
        client.flushdb()  # the benchmark's own database: stale tasks of an earlier run go
        return True
    except Exception:  # noqa: BLE001 - any failure: run without Redis, and say so
        return False


def django_setup(db_url: str, redis_url: str | None) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "bench.http_settings", "PYTHONPATH": BASE_DIR,
                "LOG_LEVEL": "WARNING", "DEBUG": "0", "PRODUCTION": "0"})
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    env.pop("BENCH_HTTP_BROKER", None)
    os.environ.update(env)
    if not redis_url:
        os.environ.pop("REDIS_URL", None)
    os.environ["BENCH_HTTP_BROKER"] = "memory://localhost/"  # this process only; gunicorn gets `env`
    import django

    # The project package first: its Celery app reads the settings while it is imported, and would
    # otherwise find bench.http_settings half-imported.
    import mentorship  # noqa: F401

    django.setup()
    return env


def log(message: str) -> None:
    print(message, flush=True)


# --- loading --------------------------------------------------------------------------------------

def load(args) -> float | None:
    """Fill a fresh database; returns the import rate measured on the first chunk of mentors."""
    from django.core.management import call_command

    from bench import http_data as data

    log("Migrating ...")
    call_command("migrate", verbosity=0, interactive=False)
    data.taxonomy_seed()
    sample = min(args.import_sample, args.mentors)
    log(f"Importing {args.mentors:,} mentors and {args.mentees:,} mentees through profiles_import "
        f"({data.CHUNK:,} records per import; the first {sample:,} mentors are timed) ...")
    seconds = data.profiles_import_chunks("mentors", data.mentor_records(0, sample, seed=args.seed), log=log)
    rate = sample / seconds if seconds else None
    log(f"  import_profiles: {rate:.1f} records/s on {sample:,} mentors")
    for start in range(sample, args.mentors, 5 * data.CHUNK):
        count = min(5 * data.CHUNK, args.mentors - start)
        data.profiles_import_chunks("mentors", data.mentor_records(start, count, seed=args.seed), log=log)
    for start in range(0, args.mentees, 5 * data.CHUNK):
        count = min(5 * data.CHUNK, args.mentees - start)
        data.profiles_import_chunks("mentees", data.mentee_records(start, count, seed=args.seed), log=log)
    log("Availability through availability_seed_demo ...")
    data.availability_seed(seed=args.seed, log=log)
    log(f"History through seed_demo's history writer for {args.history_mentors:,} mentors ...")
    # Half the mentees at most: the others stay free of bookings for the measured requests.
    data.history_seed(mentors=args.history_mentors, mentees=min(args.mentees // 2, 2000), seed=args.seed, log=log)
    with __import__("django.db", fromlist=["connection"]).connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    data.meta_set("loaded", json.dumps({"mentors": args.mentors, "mentees": args.mentees, "seed": args.seed}))
    return rate


def import_sample_on_reuse(args) -> float | None:
    from bench import http_data as data

    if not args.import_sample:
        return None
    tag = f"x{int(time.time())}-"
    records = data.mentor_records(0, args.import_sample, seed=args.seed, tag=tag)
    log(f"Timing profiles_import on {len(records):,} new mentors ...")
    seconds = data.profiles_import_chunks("mentors", records, log=log)
    return len(records) / seconds if seconds else None


# --- gunicorn -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, port: int, workers: int = 2):
        self.env, self.port, self.workers = env, port, workers
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mentorship.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--timeout", "600", "--log-level", "warning"],
            cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"gunicorn exited:\n{self.log.read().decode(errors='replace')[-3000:]}")
            if len(self.worker_pids()) == self.workers:
                try:
                    request("127.0.0.1", self.port, Call("/favicon.ico"), timeout=5)
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def worker_pids(self) -> list[int]:
        if not self.proc:
            return []
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == self.proc.pid:
                pids.append(int(entry))
        return sorted(pids)

    def rss_mb(self) -> list[float]:
        out = []
        for pid in self.worker_pids():
            try:
                with open(f"/proc/{pid}/status") as fh:
                    kb = int(re.search(r"^VmRSS:\s+(\d+)", fh.read(), re.M).group(1))
                out.append(kb / 1024)
            except (OSError, AttributeError):
                pass
        return out


# --- measuring ------------------------------------------------------------------------------------

@dataclass
class Row:
    workload: str
    project: str
    baseline: str
    ratio: str
    goal: str
    passed: bool | None  # None: not measured


def _fmt_ratio(ratios: list[float]) -> str:
    mid, low, high = median_and_range(ratios)
    digits = 3 if mid < 0.1 else 2
    return f"{mid:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def interleaved(server: Server, a: list[Call], b: list[Call], args, label: str) -> tuple[float, float, list[float]]:
    """Rounds of A then B; returns (median A rate, median B rate, A/B ratio per round)."""
    host, port = "127.0.0.1", server.port
    run(host, port, a, seconds=min(1.0, args.seconds), concurrency=args.concurrency)  # warm both
    run(host, port, b, seconds=min(1.0, args.seconds), concurrency=args.concurrency)
    rates_a, rates_b, ratios = [], [], []
    for r in range(args.rounds):
        ra = run(host, port, a, seconds=args.seconds, concurrency=args.concurrency)
        rb = run(host, port, b, seconds=args.seconds, concurrency=args.concurrency)
        rates_a.append(ra.rate)
        rates_b.append(rb.rate)
        ratios.append(ra.rate / rb.rate if rb.rate else float("nan"))
        bad = f"  [errors: project {ra.errors} {ra.statuses}, baseline {rb.errors} {rb.statuses}]" if ra.errors or rb.errors else ""
        log(f"  {label} round {r + 1}: project {ra.rate:.1f}/s, baseline {rb.rate:.1f}/s, ratio {ratios[-1]:.2f}{bad}")
    return median_and_range(rates_a)[0], median_and_range(rates_b)[0], ratios


def _strip_links(body: bytes) -> dict:
    data = json.loads(body)
    data.pop("next", None)
    data.pop("previous", None)
    return data


def same_answer(server: Server, project: Call, baseline: Call, kind: str) -> str:
    sa, ba, _ = request("127.0.0.1", server.port, project)
    sb, bb, _ = request("127.0.0.1", server.port, baseline)
    if sa != 200 or sb != 200:
        return f"statuses differ: project {sa}, baseline {sb}"
    if kind == "json":
        a, b = _strip_links(ba), _strip_links(bb)
        if a == b:
            return "same JSON"
        if a.get("count") != b.get("count"):
            return f"DIFFERENT: count {a.get('count')} vs {b.get('count')}"
        ids = lambda d: [m.get("id") for m in d.get("results", [])]  # noqa: E731
        return "same rows, fields differ" if ids(a) == ids(b) else "DIFFERENT rows or order"
    slugs = lambda html: list(dict.fromkeys(re.findall(rb'href="/mentors/([^/"?]+)/"', html)))  # noqa: E731
    return "same rows" if slugs(ba) == slugs(bb) and slugs(bb) else "DIFFERENT rows or order"


def _ratio_row(label: str, unit: str, ra: float, rb: float, ratios: list[float], goal: float, check: str) -> Row:
    # A baseline that answers something else, or a product that answers an error, measures nothing.
    valid = not check.startswith(("statuses differ", "DIFFERENT"))
    return Row(label, f"{ra:.1f} {unit}", f"{rb:.1f} {unit}",
               _fmt_ratio(ratios) if valid else f"not comparable ({check})", f">= {goal:.2f}",
               median_and_range(ratios)[0] >= goal if valid else None)


def directory_rows(server: Server, args) -> list[Row]:
    rows = []
    cases = [
        ("GET /api/v1/mentors/?page_size=20", "/api/v1/mentors/?page_size=20", "/_bench/mentors/?page_size=20", "json", 0.70),
        ("GET /api/v1/mentors/?q=python", "/api/v1/mentors/?q=python", "/_bench/mentors/?q=python", "json", 0.70),
        ("HTML /mentors/?q=python", "/mentors/?q=python", "/_bench/mentors.html?q=python", "html", 0.60),
    ]
    for label, path_a, path_b, kind, goal in cases:
        check = same_answer(server, Call(path_a), Call(path_b), kind)
        log(f"{label}: baseline check: {check}")
        ra, rb, ratios = interleaved(server, [Call(path_a)], [Call(path_b)], args, label)
        rows.append(_ratio_row(label, "req/s", ra, rb, ratios, goal, check))
    return rows


def slots_row(server: Server, args, mentor_id: int, duration: int) -> Row:
    from django.utils import timezone

    first = timezone.now().date() + timedelta(days=1)
    last = first + timedelta(days=29)
    query = f"start={first.isoformat()}&end={last.isoformat()}&duration={duration}&tz=UTC"
    a = Call(f"/api/v1/mentors/{mentor_id}/slots/?{query}")
    b = Call(f"/_bench/mentors/{mentor_id}/slots/?{query}")
    label = "slots, one mentor, 30 days"
    check = same_answer(server, a, b, "json")
    log(f"{label} (mentor {mentor_id}): baseline check: {check}")
    ra, rb, ratios = interleaved(server, [a], [b], args, label)
    return _ratio_row(label, "req/s", ra, rb, ratios, 0.90, check)


# --- bookings -------------------------------------------------------------------------------------

def _insert_sql(model, overrides: dict[str, str], **values) -> str:
    """INSERT for one row of `model`: every concrete column, the model's own defaults as literals,
    `overrides` as SQL expressions (pgbench variables allowed). Built from the model, so a column
    added later is filled in too."""
    from django.db import connection

    instance = model(**values)
    columns, exprs = [], []
    with connection.cursor() as cursor:
        for field in model._meta.concrete_fields:
            if field.primary_key and field.column == "id":
                continue
            if field.column in overrides:
                expr = overrides[field.column]
            else:
                value = field.get_db_prep_save(field.pre_save(instance, add=True), connection)
                expr = cursor.mogrify("%s", [value]).decode()
            columns.append(connection.ops.quote_name(field.column))
            exprs.append(expr)
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join(exprs)})"


def pgbench_script(pairs: int) -> str:
    """The booking transaction of the issue's baseline: lock the mentor's policy row, probe for an
    overlapping live booking, insert the booking and its event. Starts are far in the future and
    31 minutes apart per random k, so two transactions never collide on the exclusion constraints."""
    from sessions.models import Booking, BookingEvent

    start = f"('{PG_FAR_FUTURE}'::timestamptz + :k * interval '31 minutes')"
    end = f"({start} + interval '30 minutes')"
    booking = _insert_sql(
        Booking, {"mentor_id": ":mentor_id", "mentee_id": ":mentee_id", "start": start, "end": end,
                  "blocked_start": start, "blocked_end": end, "uid": "gen_random_uuid()", "created_at": "now()",
                  "updated_at": "now()", "confirmed_at": "now()"},
        duration_minutes=30, status="confirmed", topic="Benchmark", question="A question long enough to pass.",
        call_url="https://meet.jit.si/mm-bench")
    event = _insert_sql(BookingEvent, {"booking_id": ":booking_id", "actor_id": ":mentee_id", "to_start": start,
                                       "to_end": end, "at": "now()"}, kind="confirmed")
    policy_pk = "mentor_id"
    return "\n".join([
        f"\\set i random(0, {pairs - 1})",
        "\\set k random(1, 1000000000)",
        "BEGIN;",
        "SELECT mentor_id, mentee_id FROM bench_http_pairs WHERE i = :i \\gset",
        f"SELECT * FROM booking_bookingpolicy WHERE {policy_pk} = :mentor_id FOR UPDATE;",
        "SELECT 1 FROM booking_booking WHERE mentor_id = :mentor_id AND status IN ('requested', 'confirmed') "
        f"AND blocked_start < {end} AND blocked_end > {start} LIMIT 1;",
        f"{booking} RETURNING id AS booking_id \\gset",
        f"{event};",
        "END;",
        "",
    ])


def pgbench_cleanup() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM booking_bookingevent WHERE booking_id IN "
                       "(SELECT id FROM booking_booking WHERE start >= %s)", [PG_FAR_FUTURE])
        cursor.execute("DELETE FROM booking_booking WHERE start >= %s", [PG_FAR_FUTURE])


def pgbench_tps(db_url: str, script_path: str, *, clients: int, seconds: float) -> float:
    parts = urlsplit(db_url)
    cmd = ["pgbench", "-n", "-f", script_path, "-c", str(clients), "-j", str(min(clients, 2)),
           "-T", str(max(1, round(seconds))), "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
           "-U", parts.username or "postgres", parts.path.lstrip("/")]
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    found = re.search(r"tps = ([\d.]+)", out.stdout)
    if out.returncode != 0 or not found:
        raise SystemExit(f"pgbench failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return float(found.group(1))


def statements_per_booking(token: str, slot: tuple[int, datetime, int]) -> int:
    """One booking through the whole Django stack in this process, its SQL statements counted."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    mentor_id, start, duration = slot
    body = {"mentor": mentor_id, "start": start.isoformat().replace("+00:00", "Z"), "duration": duration,
            "topic": "Benchmark", "question": "How do I prepare for a system design interview?"}
    with CaptureQueriesContext(connection) as ctx:
        response = Client().post("/api/v1/bookings/", data=json.dumps(body), content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Token {token}")
    if response.status_code != 201:
        log(f"  statement count: booking answered {response.status_code}: {response.content[:300]!r}")
    return len(ctx.captured_queries)


def booking_rows(server: Server, args, db_url: str) -> list[Row]:
    from django.db import connection
    from django.utils import timezone

    from bench import http_data as data

    per_round = args.slots
    # Warmed first, as the other workloads are (one unmeasured run on each side): each worker's
    # first bookings import, compile and prepare what every later one reuses.
    warm = 20 * args.concurrency
    now = timezone.now()
    wanted = per_round * args.rounds + warm + 1
    slots = data.booking_slots(wanted, now=now, exclude_mentors=set())
    mentees = data.fresh_mentees(len(slots), exclude=set())
    have = min(len(slots), len(mentees))
    if have < wanted:
        # A small database (the test's toy scale): no warm-up, whose bookings would take the same few
        # mentors' daily and weekly room from the measured ones.
        per_round = max(1, min(per_round, (have - 1) // args.rounds))
        warm = 0
        log(f"  only {len(slots)} free slots and {len(mentees)} fresh mentees found; {per_round} bookings per "
            f"round, none to warm up")
    used = per_round * args.rounds + warm
    slots, mentees = slots[:used] + slots[have - 1:have], mentees[:used] + mentees[have - 1:have]
    tokens = data.tokens_for(mentees)
    keys = [tokens[m.pk] for m in mentees]
    label = f"booking, {per_round} distinct slots"
    statements = statements_per_booking(keys[-1], slots[-1])
    log(f"{label}: {statements} SQL statements for one booking (Django test client, CaptureQueriesContext)")

    pairs = list(zip(slots, mentees, strict=False))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_http_pairs")
        cursor.execute("CREATE TABLE bench_http_pairs (i int PRIMARY KEY, mentor_id bigint, mentee_id bigint)")
        cursor.executemany("INSERT INTO bench_http_pairs VALUES (%s, %s, %s)",
                           [(i, slot[0], mentee.pk) for i, (slot, mentee) in enumerate(pairs)])
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write(pgbench_script(len(pairs)))
        script = fh.name
    has_pgbench = shutil.which("pgbench") is not None
    if not has_pgbench:
        log("  pgbench is not installed (Debian: postgresql-contrib / postgresql-client): no booking baseline")
    def booking_calls(first: int, count: int) -> list[Call]:
        calls = []
        for i in range(first, first + count):
            mentor_id, start, duration = slots[i]
            body = json.dumps({"mentor": mentor_id, "start": start.isoformat().replace("+00:00", "Z"),
                               "duration": duration, "topic": "Benchmark",
                               "question": "How do I prepare for a system design interview?"}).encode()
            calls.append(Call("/api/v1/bookings/", "POST", body, (("Authorization", f"Token {keys[i]}"),
                                                                  ("Content-Type", "application/json")), ok=(201,)))
        return calls

    rates, tps, ratios = [], [], []
    try:
        if warm:
            run("127.0.0.1", server.port, booking_calls(per_round * args.rounds, warm), seconds=None,
                concurrency=args.concurrency, cycle=False)
        if has_pgbench:
            pgbench_tps(db_url, script, clients=args.concurrency, seconds=1)
            pgbench_cleanup()
        for r in range(args.rounds):
            calls = booking_calls(r * per_round, per_round)
            result = run("127.0.0.1", server.port, calls, seconds=None, concurrency=args.concurrency, cycle=False)
            t = pgbench_tps(db_url, script, clients=args.concurrency, seconds=args.seconds) if has_pgbench else float("nan")
            pgbench_cleanup()
            rates.append(result.rate)
            tps.append(t)
            ratios.append(result.rate / t if t else float("nan"))
            bad = f" [{result.errors} refused: {result.statuses}]" if result.errors else ""
            log(f"  {label} round {r + 1}: project {result.rate:.1f} bookings/s{bad}, pgbench {t:.0f} tps, "
                f"ratio {ratios[-1]:.3f}")
    finally:
        os.unlink(script)
    mid = median_and_range(ratios)[0]
    return [Row(label, f"{median_and_range(rates)[0]:.1f} bookings/s, {statements} SQL statements each",
                f"pgbench {median_and_range(tps)[0]:.0f} tps", _fmt_ratio(ratios), ">= 0.15, <= 15 statements",
                mid >= 0.15 and statements <= 15)]


# --- recommendations and memory -------------------------------------------------------------------

def recommendation_rows(server: Server, args) -> list[Row]:
    from bench import http_data as data

    n = args.rec_mentees
    cold = data.fresh_mentees(n, exclude=set())
    stored = data.fresh_mentees(n, exclude={m.pk for m in cold})
    began = time.perf_counter()
    log("Recommendations: refreshing matching features, as the worker does after an import ...")
    log(f"  {data.features_refresh()} feature rows written in {time.perf_counter() - began:.0f} s")
    log(f"Recommendations: writing stored lists for {len(stored)} mentees (matches_recompute_for_mentees) ...")
    data.stored_lists_write([m.pk for m in stored])
    tokens = data.tokens_for([*cold, *stored])

    def call(user) -> Call:
        return Call("/api/v1/matches/", headers=(("Authorization", f"Token {tokens[user.pk]}"),))

    server.start()
    time.sleep(1.0)
    fresh = server.rss_mb()
    log(f"  fresh workers: {', '.join(f'{x:.0f} MB' for x in fresh)}")
    cold_times, stored_times = [], []
    for i in range(max(len(cold), len(stored))):
        for group, times in ((cold, cold_times), (stored, stored_times)):
            if i < len(group):
                status, _, took = request("127.0.0.1", server.port, call(group[i]))
                if status != 200:
                    log(f"  matches answered {status}")
                times.append(took)
        log(f"  mentee {i + 1}: no stored list {cold_times[-1] * 1000:.0f} ms"
            + (f", stored list {stored_times[-1] * 1000:.0f} ms" if i < len(stored_times) else ""))
    after = server.rss_mb()
    log(f"  workers after: {', '.join(f'{x:.0f} MB' for x in after)}")
    server.stop()

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else float("nan")

    cold_p95, stored_p95 = p95(cold_times) * 1000, p95(stored_times) * 1000
    first = cold_times[0] * 1000 if cold_times else float("nan")
    peak = max(after) if after else float("nan")
    return [
        Row(f"recommendations, no stored list (p95 of {len(cold_times)}, first incl.)",
            f"p95 {cold_p95:.0f} ms; first {first:.0f} ms", f"stored list p95 {stored_p95:.0f} ms", "-",
            "p95 <= 150 ms", cold_p95 <= 150),
        Row("web worker memory after matching", f"{peak:.0f} MB (max of {len(after)})",
            f"fresh worker {max(fresh) if fresh else float('nan'):.0f} MB", "-", "<= 200 MB", peak <= 200),
    ]


# --- main -----------------------------------------------------------------------------------------

def print_table(rows: list[Row]) -> None:
    header = ("workload", "project", "baseline", "ratio", "goal", "PASS/FAIL")
    cells = [header] + [(r.workload, r.project, r.baseline, r.ratio, r.goal,
                         "-" if r.passed is None else ("PASS" if r.passed else "FAIL")) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    print()
    for n, c in enumerate(cells):
        print("| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print(flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--mentees", type=int, default=20_000)
    parser.add_argument("--history-mentors", type=int, default=300,
                        help="mentors given seed_demo's booking history (past sessions, reviews, upcoming)")
    parser.add_argument("--import-sample", type=int, default=1000,
                        help="mentors timed for the import row (with --reuse: new mentors imported to time it)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating project/baseline rounds per workload")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each round")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (and pgbench clients)")
    parser.add_argument("--slots", type=int, default=200, help="distinct slots booked per booking round")
    parser.add_argument("--rec-mentees", type=int, default=20,
                        help="mentees with no stored list (and as many with one) asking for recommendations")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database", help="the benchmark's database URL (default: DATABASE_URL's name + _bench_http)")
    parser.add_argument("--keep", action="store_true", help="keep the database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left (implies --keep)")
    parser.add_argument("--only", default="", help="comma-separated subset: directory,slots,booking,matching")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any goal is missed")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    source = args.database or os.environ.get("DATABASE_URL", "")
    if not source.startswith(("postgres://", "postgresql://")):
        print("bench/http.py needs PostgreSQL: set DATABASE_URL=postgres://... (its own database is derived from it).")
        return 2
    db_url = args.database or bench_database_url(source)
    redis_url = os.environ.get("BENCH_HTTP_REDIS_URL", DEFAULT_REDIS)
    if not redis_usable(redis_url):
        log(f"Redis at {redis_url} does not answer: running without (local-memory cache, in-memory broker).")
        redis_url = None
    only = set(filter(None, args.only.split(","))) or {"directory", "slots", "booking", "matching"}
    reuse = args.reuse and database_exists(db_url)
    if not reuse:
        database_recreate(db_url)
    log(f"Database: {db_url}{' (reused)' if reuse else ''}; Redis: {redis_url or 'none'}")
    env = django_setup(db_url, redis_url)

    from bench import http_data as data

    began = time.monotonic()
    if reuse:
        loaded = json.loads(data.meta_get("loaded") or "{}")
        if not loaded:
            raise SystemExit(f"{db_url} was not loaded completely; run without --reuse.")
        log(f"Reusing {loaded['mentors']:,} mentors and {loaded['mentees']:,} mentees.")
        import_rate = import_sample_on_reuse(args)
    else:
        import_rate = load(args)
    log(f"Data ready in {time.monotonic() - began:.0f} s.")

    rows: list[Row] = []
    server = Server(env, free_port())
    try:
        if "matching" in only:
            rows += recommendation_rows(server, args)
        server.start()
        if "directory" in only:
            rows += directory_rows(server, args)
        if "slots" in only:
            slot_mentor = data.booking_slots(1, now=datetime.now(UTC), exclude_mentors=set())
            if slot_mentor:
                rows.append(slots_row(server, args, slot_mentor[0][0], slot_mentor[0][2]))
        if "booking" in only:
            rows += booking_rows(server, args, db_url)
    finally:
        server.stop()
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            database_recreate(db_url, drop_only=True)
        if redis_url:
            redis_usable(redis_url)  # flush the run's queued tasks

    rows.append(Row(f"import_profiles ({'new mentors on reuse' if reuse else 'first chunk of mentors'})",
                    f"{import_rate:.1f} records/s" if import_rate else "not measured", "-", "-", ">= 500 records/s",
                    None if import_rate is None else import_rate >= 500))
    # The order: directory, search, page, slots, booking, recommendations, import, memory.
    order = ("GET /api/v1/mentors/?page", "GET /api/v1/mentors/?q", "HTML", "slots", "booking", "recommendations",
             "import", "web worker")
    rows.sort(key=lambda r: next((i for i, prefix in enumerate(order) if r.workload.startswith(prefix)), len(order)))
    print_table(rows)
    failed = [r.workload for r in rows if r.passed is False]
    if failed:
        print(f"{len(failed)} goal(s) missed: {'; '.join(failed)}")
    return 1 if (failed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
