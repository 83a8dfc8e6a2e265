"""The insights page of a big organisation against the same aggregates as raw SQL, interleaved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship .venv/bin/python bench/insights.py \
        [--members 20000] [--sessions 200000] [--rounds 5] [--keep | --reuse]

Creates `<your database>_bench_insights` (dropped at the end unless --keep or --reuse), migrates
it and loads one organisation: five departments, a ladder of four levels, three programs,
`--members` members (three quarters mentees, a quarter mentors, all enrolled), `--sessions`
program bookings over the past year with their department and level snapshot (most completed,
some cancelled, late-cancelled, no-show, declined, upcoming) and a mentee rating on half the
completed ones. Users come in through bulk_create, the rest through set-based INSERT ... SELECT
(generate_series): the bench measures reading, not loading. The topics' background scan
(insights.services.booking_skills_refresh) runs once and is timed.

Each round renders GET /orgs/<slug>/insights/ for the whole year as an organisation admin (Django's
test client: the full middleware, session, permission check, report, charts and template) and
then runs, through a bare cursor, exactly the SQL statements the report issues (captured once
from the same call): the floor a hand-written report could reach with the same aggregates. It
prints each side's median time, the ratio baseline/page (goal >= 0.5) and the page's query count,
which must equal the count at toy scale (insights/tests/test_queries.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path and bench/http.py would shadow the standard
# library's http (as bench/http.py itself explains): take the folder off, put the project on.
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != BASE_DIR / "bench"]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

SLUG = "bench-insights"
ADMIN_EMAIL = "bench-insights-admin@example.com"
GOAL = 0.5


def _bench_url(db_url: str) -> str:
    base, name = db_url.rsplit("/", 1)
    return f"{base}/{name.split('?')[0]}_bench_insights"


def _ensure_database(db_url: str, *, fresh: bool) -> None:
    import psycopg2
    from psycopg2 import sql

    base, name = db_url.rsplit("/", 1)
    admin = psycopg2.connect(base + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def _drop_database(db_url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    base, name = db_url.rsplit("/", 1)
    admin = psycopg2.connect(base + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    admin.close()


def _load(members: int, sessions: int, now: datetime) -> None:
    from django.db import connection

    from accounts.models import Skill, User
    from orgs.models import Department, Level, Membership, Organisation, Program

    t = time.monotonic()
    org = Organisation.objects.create(name="Bench Insights", slug=SLUG, timezone="Europe/Berlin")
    depts = [Department.objects.create(organisation=org, name=n, slug=n.lower())
             for n in ("Engineering", "Finance", "Sales", "People", "Operations")]
    levels = [Level.objects.create(organisation=org, code=f"L{r}", rank=r) for r in range(1, 5)]
    programs = [Program.objects.create(organisation=org, name=f"Program {i}", slug=f"program-{i}", status="open",
                                       starts_on=(now - timedelta(days=400)).date(),
                                       ends_on=(now + timedelta(days=60)).date()) for i in range(3)]
    admin = User.objects.create(email=ADMIN_EMAIL, name="Bench Admin", password="!")
    Membership.objects.create(organisation=org, user=admin, role="admin", joined_at=now)
    User.objects.bulk_create([User(email=f"bench-insights-{i}@example.com", name=f"Member {i}", password="!",
                                   is_mentee=True, is_mentor=i % 4 == 0) for i in range(members)], batch_size=5000)
    for name, synonyms in (("Python", "py"), ("Leadership", "leading teams"), ("Negotiation", ""),
                           ("Public speaking", "presenting"), ("Budgeting", "budget"), ("Hiring", "recruiting")):
        Skill.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-"), "synonyms": synonyms})
    d0, l0, p0 = depts[0].pk, levels[0].pk, programs[0].pk
    with connection.cursor() as cur:
        # Members: department by position, level by position; the i-th bench user is member i.
        cur.execute("""
            INSERT INTO orgs_membership (organisation_id, user_id, role, department_id, level_id, title, location,
                                         employee_id, is_active, joined_at)
            SELECT %s, u.id, 'member', %s + (u.n %% 5), %s + (u.n %% 4), '', '', '', true, %s
            FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user
                  WHERE email LIKE 'bench-insights-%%@example.com' AND email <> %s) u""",
                    [org.pk, d0, l0, now - timedelta(days=420), ADMIN_EMAIL])
        cur.execute("CREATE TEMP TABLE bench_people AS SELECT row_number() OVER (ORDER BY user_id) - 1 AS n, user_id, "
                    "department_id, level_id FROM orgs_membership WHERE organisation_id = %s AND role = 'member'",
                    [org.pk])
        cur.execute("SELECT count(*) FILTER (WHERE n %% 4 = 0), count(*) FILTER (WHERE n %% 4 <> 0) FROM bench_people", [])
        n_mentors, n_mentees = cur.fetchone()
        cur.execute("CREATE TEMP TABLE bench_mentors AS SELECT row_number() OVER (ORDER BY n) - 1 AS k, * "
                    "FROM bench_people WHERE n %% 4 = 0", [])
        cur.execute("CREATE TEMP TABLE bench_mentees AS SELECT row_number() OVER (ORDER BY n) - 1 AS k, * "
                    "FROM bench_people WHERE n %% 4 <> 0", [])
        cur.execute("CREATE INDEX ON bench_mentors (k)")
        cur.execute("CREATE INDEX ON bench_mentees (k)")
        # Enrollments: everyone in one program (by position), on their side; joined over the year.
        cur.execute("""
            INSERT INTO orgs_programenrollment (program_id, user_id, side, status, joined_at)
            SELECT %s + (k %% 3), user_id, 'mentor', 'joined', %s + (k %% 360) * interval '1 day' FROM bench_mentors
            UNION ALL
            SELECT %s + (k %% 3), user_id, 'mentee', 'joined', %s + (k %% 360) * interval '1 day' FROM bench_mentees""",
                    [p0, now - timedelta(days=380), p0, now - timedelta(days=380)])
        # Sessions: session i pairs mentee i mod M with a mentor that depends on i, so people meet
        # several colleagues and mentor loads are uneven; starts spread over the past year, 30 min.
        # Mentor m's sessions are n_mentors positions apart, never overlapping (the live ones too).
        cur.execute("""
            INSERT INTO booking_booking (uid, mentor_id, mentee_id, start, "end", blocked_start, blocked_end,
                duration_minutes, status, topic, question, context_url, call_url, sequence, cancel_reason,
                cancelled_late, no_show_party, program_id, mentee_department_id, mentee_level_id,
                mentor_department_id, mentor_level_id, created_at, updated_at, confirmed_at, completed_at)
            SELECT gen_random_uuid(), mr.user_id, me.user_id, s.start, s.start + interval '30 minutes', s.start,
                s.start + interval '30 minutes', 30, s.status,
                (ARRAY['Growing into a lead role', 'Python code reviews', 'Budget season', 'Hiring my first report',
                       'Presenting to executives', 'Negotiation with vendors'])[1 + s.i %% 6],
                'How should I approach this with my team?', '', '', 0, '', s.status = 'cancelled' AND s.i %% 3 = 0,
                '', %(p0)s + (me.k %% 3), me.department_id, me.level_id, mr.department_id, mr.level_id,
                s.start - interval '4 days', s.start, s.start - interval '3 days', s.start + interval '45 minutes'
            FROM (SELECT i, %(start)s + i * (%(span)s / %(n)s) * interval '1 second' AS start,
                         CASE WHEN i > %(n)s - %(upcoming)s THEN 'confirmed'
                              WHEN i %% 20 IN (1, 2) THEN 'cancelled' WHEN i %% 20 = 3 THEN 'no_show'
                              WHEN i %% 20 = 4 THEN 'declined' ELSE 'completed' END AS status
                  FROM generate_series(0, %(n)s - 1) AS i) s
            JOIN bench_mentees me ON me.k = s.i %% %(mentees)s
            JOIN bench_mentors mr ON mr.k = ((s.i %% %(mentors)s) + (s.i / %(mentors)s) * ((s.i %% 7) * (s.i %% 7)))
                                            %% %(mentors)s""",
                    {"p0": p0, "start": now - timedelta(days=365), "span": 365 * 86400 - 7200, "n": sessions,
                     "upcoming": 0, "mentees": n_mentees, "mentors": n_mentors})
        cur.execute("""
            INSERT INTO ratings_rating (booking_id, rater_id, ratee_id, direction, stars, comment, expectation,
                                        private_feedback, state, open_reports, created_at)
            SELECT id, mentee_id, mentor_id, 'mentee_to_mentor', 1 + (id * 7 %% 13) %% 5, '',
                   (ARRAY['below', 'met', 'exceeded', ''])[1 + id %% 4], '', 'published', 0, "end"
            FROM booking_booking WHERE status = 'completed' AND id %% 2 = 0""", [])
        for table in ("accounts_user", "orgs_membership", "orgs_programenrollment", "booking_booking",
                      "ratings_rating"):
            cur.execute(f"ANALYZE {table}")
    print(f"  loaded {members:,} members and {sessions:,} sessions in {time.monotonic() - t:.1f} s", flush=True)

    from insights.services import booking_skills_refresh

    t, scanned = time.monotonic(), 0
    while (done := booking_skills_refresh(batch=20000)) > 0:
        scanned += done
    with connection.cursor() as cur:
        cur.execute("ANALYZE insights_bookingskill")
        cur.execute("ANALYZE insights_skillscan")
    elapsed = time.monotonic() - t
    print(f"  topics scanned: {scanned:,} bookings in {elapsed:.1f} s ({scanned / max(elapsed, 1e-9):,.0f}/s)",
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--sessions", type=int, default=200000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database an earlier --keep left")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args()

    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith(("postgres://", "postgresql://")):
        print("bench/insights.py needs DATABASE_URL=postgres://... (it creates a database of its own)")
        return 2
    bench_url = _bench_url(db_url)
    _ensure_database(bench_url, fresh=not args.reuse)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.pop("DATABASE_REPLICA_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from insights.selectors import insights_report
    from orgs.models import Organisation

    print(f"database {bench_url.rsplit('/', 1)[1]}", flush=True)
    call_command("migrate", verbosity=0)
    now = datetime.now(UTC).replace(microsecond=0)
    if not Organisation.objects.filter(slug=SLUG).exists():
        _load(args.members, args.sessions, now)

    org = Organisation.objects.get(slug=SLUG)
    today = now.astimezone(org.tzinfo).date()
    first, last = today - timedelta(days=364), today
    url = f"/orgs/{SLUG}/insights/?from={first}&to={last}"
    client = Client()
    client.force_login(User.objects.get(email=ADMIN_EMAIL))

    with CaptureQueriesContext(connection) as page_queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as report_queries:
        report = insights_report(organisation=org, program=None, first_day=first, last_day=last)
    statements = [q["sql"] for q in report_queries.captured_queries]
    print(f"  page: {len(page_queries.captured_queries)} queries ({len(statements)} for the report); "
          f"{report.participation['totals']['requested'].display} sessions requested, "
          f"{report.participation['totals']['completed'].display} completed in the year", flush=True)

    def page() -> float:
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        return time.perf_counter() - t

    def baseline() -> float:
        t = time.perf_counter()
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
                cur.fetchall()
        return time.perf_counter() - t

    page(), baseline()  # warm both (plans, caches)
    ratios, page_times, base_times = [], [], []
    for r in range(args.rounds):
        p, b = (page(), baseline()) if r % 2 == 0 else tuple(reversed((baseline(), page())))
        page_times.append(p)
        base_times.append(b)
        ratios.append(b / p)
        print(f"  round {r + 1}: page {p * 1000:.0f} ms, raw SQL {b * 1000:.0f} ms, ratio {b / p:.2f}", flush=True)
    ratio = statistics.median(ratios)
    met = ratio >= GOAL
    print(f"insights page: median {statistics.median(page_times) * 1000:.0f} ms; the same aggregates as raw SQL: "
          f"{statistics.median(base_times) * 1000:.0f} ms; ratio {ratio:.2f} (range {min(ratios):.2f}-"
          f"{max(ratios):.2f}), goal >= {GOAL}: {'met' if met else 'MISSED'}", flush=True)

    connection.close()
    if not (args.keep or args.reuse):
        _drop_database(bench_url)
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
