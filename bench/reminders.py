"""Reminder dispatch under load, with a worker killed half-way: exactly once, on time, fast enough.

    .venv/bin/python bench/reminders.py [--bookings 100000] [--spread 120] [--timeout 900] [--baseline 2000]

What it does (on its own PostgreSQL database and Redis db, never the development ones):
1. creates the database `bench_reminders` if needed and migrates it;
2. writes 100,000 confirmed bookings (each person mentors one and is mentee in another, so the
   exclusion constraints hold) starting 1 h from now, and their 200,000 one-hour reminders (mentor
   and mentee) through the normal outbox rows, due within the next `--spread` seconds;
3. starts two Celery worker processes (solo pool) on Redis and, like a fast beat, keeps a
   dispatch task queued; the workers run the project's real dispatcher and email code;
4. when half the reminders are sent, kills one worker with SIGKILL, then restarts it;
5. stops by itself when every reminder is settled (or at --timeout) and prints reminders per
   second, p95 lateness (send time - due time), duplicates and misses.

Because these machines are noisy, before the workers start it also times, in its own process,
the project's dispatcher (notifications_dispatch_due) and a naive one (one row per transaction)
over fresh samples of --baseline reminder rows each, and prints both rates and their ratio. The
samples have their own people, bookings and rows, and are deleted with their sends before the
main run, so they never enter its duplicate and miss accounting.

Sends are counted by an email backend (TableEmailBackend below) that builds each MIME message,
as Django's locmem backend does, and records it in a table on the dispatcher's own database
connection, so a send counts exactly when the transaction that marks the row sent commits. That
is what the outbox guarantees; with real SMTP the hand-off to the mail server happens before the
commit, so a kill in that window can repeat at most the killed worker's current batch.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_reminders"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC", "America/Sao_Paulo"]
SENDS_TABLE = "bench_reminder_sends"
# No unique constraint on purpose: a duplicate send must be countable, not rejected.
_SENDS_DDL = (f"CREATE TABLE {SENDS_TABLE} (notification_id bigint NOT NULL, pid int NOT NULL, "
              "sent_at timestamptz NOT NULL DEFAULT clock_timestamp())")


# --- the counting email backend (imported by the workers) -----------------------------------------

try:
    from django.core.mail.backends.base import BaseEmailBackend
except ImportError:  # pragma: no cover - only the driver's very first lines run without Django
    BaseEmailBackend = object  # type: ignore[assignment,misc]


class TableEmailBackend(BaseEmailBackend):
    """Builds every MIME message like Django's locmem backend and records (notification id, pid).

    The rows are written on Django's default connection, i.e. inside the dispatcher's claiming
    transaction: a worker killed before commit leaves no trace, exactly like its row updates.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pending: list[tuple[int, int]] = []

    def send_messages(self, email_messages):
        pid = os.getpid()
        for message in email_messages:
            message.message()  # what Django's locmem backend does: build the MIME message
            self._pending.append((int(message.extra_headers["X-Notification-Id"]), pid))
        return len(email_messages)

    def close(self):
        if not self._pending:
            return
        from django.db import connection
        from psycopg2.extras import execute_values

        with connection.cursor() as cursor:
            execute_values(cursor.cursor, f"INSERT INTO {SENDS_TABLE} (notification_id, pid) VALUES %s",
                           self._pending, page_size=1000)
        self._pending = []


# --- the driver -----------------------------------------------------------------------------------

def _setup_env(db_url: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "bench.reminders.TableEmailBackend",
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
        "PYTHONPATH": str(BASE_DIR),
        "LOG_LEVEL": "WARNING",
    })
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    return env


def _ensure_database(db_url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = db_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(db_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def _populate(n_bookings: int, spread: float) -> datetime:
    """Users, bookings and reminder rows, a day ahead; returns the first due time."""
    from django.db import connection

    from accounts.models import User
    from sessions.models import Booking, Notification

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE booking_notification, booking_bookingevent, booking_booking RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE 'bench-%%@example.com'")
        cursor.execute(f"DROP TABLE IF EXISTS {SENDS_TABLE}")
        cursor.execute(_SENDS_DDL)

    t = time.monotonic()
    users = [User(email=f"bench-{i}@example.com", name=f"Bench Person {i}", password="!", timezone=ZONES[i % len(ZONES)],
                  is_mentor=True, is_mentee=True) for i in range(n_bookings)]
    User.objects.bulk_create(users, batch_size=5000)
    ids = list(User.objects.filter(email__startswith="bench-").order_by("id").values_list("id", flat=True))
    print(f"  {len(ids):,} users in {time.monotonic() - t:.1f} s", flush=True)

    t = time.monotonic()
    first_due = datetime.now(UTC) + timedelta(days=1)
    bookings = []
    for i in range(n_bookings):
        due = first_due + timedelta(seconds=spread * i / n_bookings)
        start = (due + timedelta(hours=1)).replace(microsecond=0)
        end = start + timedelta(minutes=30)
        bookings.append(Booking(
            mentor_id=ids[i], mentee_id=ids[(i + 1) % n_bookings], start=start, end=end, blocked_start=start,
            blocked_end=end, duration_minutes=30, status="confirmed", topic="Growing into a staff role",
            question="How do I show impact beyond my own team when my manager does not see it?",
            call_url=f"https://meet.jit.si/mm-bench-{i}",
        ))
    Booking.objects.bulk_create(bookings, batch_size=5000)
    print(f"  {n_bookings:,} bookings in {time.monotonic() - t:.1f} s", flush=True)

    t = time.monotonic()
    rows = []
    for booking in Booking.objects.order_by("id").values("id", "mentor_id", "mentee_id", "start").iterator(chunk_size=10000):
        for recipient_id, role in ((booking["mentor_id"], "mentor"), (booking["mentee_id"], "mentee")):
            rows.append(Notification(
                kind="reminder_1h", recipient_id=recipient_id, booking_id=booking["id"],
                dedupe_key=f"reminder:{booking['id']}:reminder_1h:to{recipient_id}:seq0",
                due_at=booking["start"] - timedelta(hours=1), payload={"sequence": 0, "role": role},
            ))
        if len(rows) >= 10000:
            Notification.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Notification.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE booking_notification")
        cursor.execute("ANALYZE booking_booking")
        cursor.execute("ANALYZE accounts_user")
    print(f"  {2 * n_bookings:,} reminder rows in {time.monotonic() - t:.1f} s", flush=True)
    return first_due


def _reuse(n_bookings: int, spread: float) -> datetime | None:
    """An earlier run's data, reset to pending and re-spread; None if there is none."""
    from django.db import connection

    from sessions.models import Booking, Notification

    if Booking.objects.count() != n_bookings or Notification.objects.count() != 2 * n_bookings:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SENDS_TABLE}")
        cursor.execute(_SENDS_DDL)
        cursor.execute("SELECT min(id), max(\"end\") FROM booking_booking")
        min_id, last_end = cursor.fetchone()
        # Always past every current row: a move by minutes would make each new row overlap old
        # versions in the exclusion constraints' GiST indexes, which makes the UPDATE crawl.
        first_due = max(datetime.now(UTC), last_end) + timedelta(days=1)
        # A day ahead first, so that no reminder is due while the rows are being reset; each
        # person has one booking as mentor and one as mentee, so the moves never overlap.
        start = "%s + (id - %s) * %s * interval '1 second'"
        cursor.execute(
            f"UPDATE booking_booking SET start = {start}, blocked_start = {start}, "
            f"\"end\" = {start} + interval '30 minutes', blocked_end = {start} + interval '30 minutes'",
            [first_due + timedelta(hours=1), min_id, spread / n_bookings] * 4)
        cursor.execute("UPDATE booking_notification n SET state = 'pending', attempts = 0, sent_at = NULL, "
                       "subject = '', last_error = '', due_at = b.start - interval '1 hour' "
                       "FROM booking_booking b WHERE b.id = n.booking_id")
    return first_due


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE booking_notification")
        cursor.execute("VACUUM ANALYZE booking_booking")


def _shift_to_now(first_due: datetime, lead: float) -> tuple[datetime, float]:
    """Move every booking and reminder so that the first one falls due `lead` seconds from now.

    The move is one transaction over 300,000 rows and takes a while itself; nothing is visible to
    the workers until it commits, so `lead` must be longer than the move (see main). Returns the
    new first due time and how long the move took.
    """
    from django.db import connection, transaction

    started = time.monotonic()
    shift = datetime.now(UTC) + timedelta(seconds=lead) - first_due
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE booking_booking SET start = start + %s, \"end\" = \"end\" + %s, "
                       "blocked_start = blocked_start + %s, blocked_end = blocked_end + %s", [shift] * 4)
        cursor.execute("UPDATE booking_notification SET due_at = due_at + %s", [shift])
    return first_due + shift, time.monotonic() - started


def _start_worker(env: dict, name: str) -> subprocess.Popen:
    cmd = [str(BASE_DIR / ".venv/bin/celery"), "-A", "mentorship", "worker", "--pool=solo", "-n", f"{name}@%h",
           "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    return subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def _count_sends() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {SENDS_TABLE}")
        return cursor.fetchone()[0]


def _settled() -> bool:
    from sessions.models import Notification

    return not Notification.objects.filter(state="pending").exists()


# --- the same-process baseline --------------------------------------------------------------------

BASELINE_EMAILS = "baseline-"  # not "bench-": _populate deletes and collects users by that prefix
BASELINE_BATCH = 200  # the batch sessions.tasks.dispatch_due_notifications passes


def _baseline_clear() -> None:
    """Delete the sample people, bookings and reminders (also those an interrupted run left)."""
    from accounts.models import User
    from sessions.models import Booking, Notification

    users = User.objects.filter(email__startswith=BASELINE_EMAILS)
    Notification.objects.filter(recipient__in=users).delete()
    Booking.objects.filter(mentor__in=users).delete()
    users.delete()


def _baseline_sample(n_rows: int, tag: str) -> list[int]:
    """Pending one-hour reminders shaped like _populate's, due a second ago; returns their ids.

    The main run's rows are a day ahead while this runs, so a dispatcher sees only these.
    """
    from accounts.models import User
    from sessions.models import Booking, Notification

    n = max(2, (n_rows + 1) // 2)  # two reminders per booking; a booking needs two people
    User.objects.bulk_create([
        User(email=f"{BASELINE_EMAILS}{tag}-{i}@example.com", name=f"Baseline Person {i}", password="!",
             timezone=ZONES[i % len(ZONES)], is_mentor=True, is_mentee=True) for i in range(n)])
    ids = list(User.objects.filter(email__startswith=f"{BASELINE_EMAILS}{tag}-").order_by("id")
               .values_list("id", flat=True))
    now = datetime.now(UTC)
    start = (now + timedelta(hours=1)).replace(microsecond=0)
    end = start + timedelta(minutes=30)
    bookings = Booking.objects.bulk_create([Booking(
        mentor_id=ids[i], mentee_id=ids[(i + 1) % n], start=start, end=end, blocked_start=start,
        blocked_end=end, duration_minutes=30, status="confirmed", topic="Growing into a staff role",
        question="How do I show impact beyond my own team when my manager does not see it?",
        call_url=f"https://meet.jit.si/mm-baseline-{tag}-{i}",
    ) for i in range(n)])
    rows = Notification.objects.bulk_create([
        Notification(kind="reminder_1h", recipient_id=recipient_id, booking_id=booking.pk,
                     dedupe_key=f"reminder:{booking.pk}:reminder_1h:to{recipient_id}:seq0",
                     due_at=now - timedelta(seconds=1), payload={"sequence": 0, "role": role})
        for booking in bookings
        for recipient_id, role in ((booking.mentor_id, "mentor"), (booking.mentee_id, "mentee"))])
    return [row.pk for row in rows]


def _naive_dispatch() -> int:
    """The dispatcher one writes first: one row per transaction (claim it, build and send its
    mail through the same email code and backend, mark it sent, commit). Returns rows sent."""
    from django.core.mail import get_connection
    from django.db import transaction
    from django.utils import timezone

    from sessions.emails import notification_email
    from sessions.models import Notification

    sent = 0
    while True:
        with transaction.atomic():
            now = timezone.now()
            row = (Notification.objects.filter(state=Notification.State.PENDING, due_at__lte=now)
                   .select_related("recipient", "booking", "booking__mentor", "booking__mentee")
                   .select_for_update(of=("self",)).order_by("due_at").first())
            if row is None:
                return sent
            message = notification_email(row)
            with get_connection(fail_silently=False) as mail_connection:
                message.connection = mail_connection
                message.send()
            row.state, row.sent_at, row.attempts = Notification.State.SENT, now, row.attempts + 1
            row.subject = message.subject[:200]
            row.save(update_fields=["state", "sent_at", "attempts", "subject"])
        sent += 1


def _real_dispatch() -> int:
    """The project's dispatcher, looped the way the Celery task loops it. Returns rows sent."""
    from sessions.services.notifications import notifications_dispatch_due

    sent = 0
    while True:
        counts = notifications_dispatch_due(batch=BASELINE_BATCH)
        sent += counts["sent"]
        if counts["claimed"] < BASELINE_BATCH:
            return sent


def _baseline(n_rows: int) -> dict[str, float]:
    """Time the real dispatcher and the naive one, each over its own fresh sample, in this process.

    The real one goes first, so whatever warms up (templates, plans, buffers) favours the naive
    one: if anything the ratio is understated. The sample sends are checked against the sends
    table, then their rows and sends are deleted before the main run starts counting.
    """
    from django.db import connection

    rates: dict[str, float] = {}
    _baseline_clear()
    try:
        for name, dispatch in (("real", _real_dispatch), ("naive", _naive_dispatch)):
            ids = _baseline_sample(n_rows, name)
            started = time.monotonic()
            sent = dispatch()
            seconds = time.monotonic() - started
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*), count(DISTINCT notification_id) FROM {SENDS_TABLE} "
                               "WHERE notification_id = ANY(%s)", [ids])
                sends, distinct = cursor.fetchone()
                cursor.execute(f"DELETE FROM {SENDS_TABLE} WHERE notification_id = ANY(%s)", [ids])
            if not sent == sends == distinct == len(ids):
                raise RuntimeError(f"baseline {name}: {len(ids)} rows, {sent} sent, {sends} mails, {distinct} distinct")
            rates[name] = sent / seconds
            print(f"  baseline {name:<5} {sent:,} reminders in {seconds:.2f} s", flush=True)
    finally:
        _baseline_clear()
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--spread", type=float, default=120.0, help="reminders fall due over this many seconds")
    parser.add_argument("--lead", type=float, default=20.0, help="seconds from the end of set-up to the first due")
    parser.add_argument("--timeout", type=float, default=900.0, help="hard stop for the dispatch phase")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data even if an earlier run left it")
    parser.add_argument("--baseline", type=int, default=2000, metavar="ROWS",
                        help="sample size for the same-process real/naive dispatcher ratio (0 skips it)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    args = parser.parse_args()

    env = _setup_env(args.database_url, args.redis_url)
    _ensure_database(args.database_url)
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from sessions.tasks import dispatch_due_notifications

    print(f"database {args.database_url}, broker {args.redis_url}", flush=True)
    call_command("migrate", verbosity=0)
    total = 2 * args.bookings
    # Set-up takes a while; the due window starts after it, so it is measured from then.
    setup_started = time.monotonic()
    first_due = _reuse(args.bookings, args.spread) if not args.fresh else None
    if first_due is None:
        print("populating ...", flush=True)
        first_due = _populate(args.bookings, args.spread)
    else:
        print("reusing the bookings and reminders of an earlier run (reset to pending; --fresh rebuilds)", flush=True)
    _vacuum()
    baseline = None
    if args.baseline > 0:
        # Here, before the workers start: the machine is otherwise idle and every main row is
        # still a day ahead, so neither dispatcher can touch them.
        print(f"baseline: real and naive dispatcher, {args.baseline:,} reminders each, in this process", flush=True)
        baseline = _baseline(args.baseline)
        _vacuum()  # the sample's deleted rows would otherwise sit in front of the due index scans
    # A dry run of the final move (same rows, a day ahead either way) measures how long the move
    # takes on this machine right now; the real one then leaves twice that plus --lead, so the
    # first reminder is due only after the rows are visible and the workers are up.
    # (A day further out: a move by seconds would make every new row overlap its own old version
    # in the exclusion constraints' GiST indexes, which is far slower than the real move.)
    first_due, took = _shift_to_now(first_due, 2 * 86_400)
    broker = redis.Redis.from_url(args.redis_url)
    broker.flushdb()
    workers = {1: _start_worker(env, "bench1"), 2: _start_worker(env, "bench2")}
    first_due, took_final = _shift_to_now(first_due, args.lead + 2 * took)
    print(f"set-up done in {time.monotonic() - setup_started:.0f} s (final move {took_final:.0f} s); "
          f"first reminder due at {first_due:%H:%M:%S} UTC, {(first_due - datetime.now(UTC)).total_seconds():.0f} s "
          "from now", flush=True)
    killed_at = restarted_at = None
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline:
            # A fast beat: keep a couple of dispatch messages queued for the two workers.
            if broker.llen("mail") < 2:  # the dispatcher's queue (mentorship/celery.py)
                dispatch_due_notifications.delay()
            sent = _count_sends() if killed_at is None else total
            if killed_at is None and sent >= total // 2:
                workers[1].send_signal(signal.SIGKILL)
                workers[1].wait()
                killed_at = time.monotonic()
                print(f"SIGKILL worker 1 (pid {workers[1].pid}) after {sent:,} sends", flush=True)
            if killed_at is not None and restarted_at is None and time.monotonic() - killed_at >= 2:
                workers[1] = _start_worker(env, "bench1b")
                restarted_at = time.monotonic()
                print(f"worker 1 restarted (pid {workers[1].pid})", flush=True)
            if datetime.now(UTC) > first_due + timedelta(seconds=args.spread) and _settled():
                break
            time.sleep(0.5)
        else:
            print("timeout: stopping before every reminder was settled", flush=True)
    finally:
        for proc in workers.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

    return _report(total, args.spread, baseline)


def _report(total: int, spread: float, baseline: dict[str, float] | None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {SENDS_TABLE}_id ON {SENDS_TABLE} (notification_id)")
        cursor.execute(f"ANALYZE {SENDS_TABLE}")
        cursor.execute(f"SELECT count(*), count(DISTINCT notification_id), min(sent_at), max(sent_at), "
                       f"count(DISTINCT pid) FROM {SENDS_TABLE}")
        sends, distinct, first, last, pids = cursor.fetchone()
        cursor.execute(
            f"SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM s.sent_at - n.due_at)), "
            f"max(extract(epoch FROM s.sent_at - n.due_at)) FROM {SENDS_TABLE} s JOIN booking_notification n ON n.id = s.notification_id")
        (p50, p95, p99), worst = cursor.fetchone()
        cursor.execute("SELECT state, count(*) FROM booking_notification GROUP BY state ORDER BY state")
        states = dict(cursor.fetchall())
        cursor.execute(f"SELECT count(*) FROM booking_notification n WHERE n.state = 'sent' AND NOT EXISTS "
                       f"(SELECT 1 FROM {SENDS_TABLE} s WHERE s.notification_id = n.id)")
        sent_without_mail = cursor.fetchone()[0]
    duplicates = sends - distinct
    misses = total - distinct
    seconds = (last - first).total_seconds() if first and last else 0.0
    rate = sends / seconds if seconds else 0.0
    print()
    print(f"reminders expected        {total:,}")
    print(f"emails sent               {sends:,} by {pids} worker processes")
    print(f"duplicates                {duplicates:,}")
    print(f"misses                    {misses:,}")
    print(f"rows marked sent w/o mail {sent_without_mail:,}")
    print(f"row states                {states}")
    arrival = total / spread
    print(f"reminders per second      {rate:,.0f}  ({sends:,} in {seconds:.1f} s, first to last send; "
          f"they fell due at {arrival:,.0f}/s)")
    print(f"lateness p50/p95/p99/max  {p50:.2f} / {p95:.2f} / {p99:.2f} / {worst:.2f} s")
    if baseline:
        print(f"baseline, one process     real dispatcher {baseline['real']:,.0f}/s, naive one-row-per-transaction "
              f"{baseline['naive']:,.0f}/s: real/naive {baseline['real'] / baseline['naive']:.2f}x")
    exact = duplicates == 0 and misses == 0 and sent_without_mail == 0
    print("exactly once (0 duplicates, 0 misses):", "MET" if exact else "NOT MET")
    if rate < 0.95 * arrival:
        print(">= 1,000 reminders/s (capacity, a backlog formed):", "MET" if rate >= 1000 else "NOT MET")
        ok = exact and rate >= 1000
    else:
        # The workers kept up with the due times: the rate is the arrival rate, not capacity.
        print("throughput: kept up with the due times (use a shorter --spread to measure capacity)")
        ok = exact

    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
