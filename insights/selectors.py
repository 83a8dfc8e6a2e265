"""The insights report: participation, satisfaction, reach, mentor load and topics of one program
or a whole organisation over a period, with the privacy rules (insights.privacy) applied.

Every figure is a GROUP BY in the database; Python only reshapes the grouped rows (at most one
row per week, outcome, department pair, level gap, star, or distinct count value), so a report
takes the same number of queries for ten sessions as for two hundred thousand
(insights/tests/test_queries.py pins it). What leaves this module is aggregates only: no names,
no comments, no private feedback, no individual's sessions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Avg, Case, CharField, Count, F, Func, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncWeek

from insights.models import BookingSkill
from insights.privacy import Cell, count_cell, derived_cell, min_cell, protect_groups, session_cell
from insights.scope import Scope, scope_bookings, scope_enrollments
from orgs.models import Department, Organisation, Program, ProgramEnrollment
from orgs.selectors import organisation_managed_get
from ratings.models import Direction, Rating, State
from sessions.models import Booking

# Outcomes of a booking, in the order the weekly chart stacks them; together they are every
# booking requested for the period ("requested").
OUTCOMES = [
    ("completed", "Completed"),
    ("confirmed", "Confirmed (upcoming)"),
    ("pending", "Awaiting the mentor"),
    ("cancelled", "Cancelled in time"),
    ("cancelled_late", "Cancelled late"),
    ("no_show", "No-show"),
    ("declined", "Declined or expired"),
]
_OUTCOME = Case(
    When(status=Booking.Status.CANCELLED, cancelled_late=True, then=Value("cancelled_late")),
    When(status=Booking.Status.CANCELLED, then=Value("cancelled")),
    When(status=Booking.Status.REQUESTED, then=Value("pending")),
    When(status__in=[Booking.Status.DECLINED, Booking.Status.EXPIRED], then=Value("declined")),
    default=F("status"), output_field=CharField(),
)
COLLEAGUE_BINS = [(1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 5, "4–5"), (6, 10, "6–10"), (11, None, "11 or more")]
LOAD_BINS = [(1, 1, "1"), (2, 3, "2–3"), (4, 5, "4–5"), (6, 10, "6–10"), (11, 20, "11–20"), (21, None, "21 or more")]
TOP_TOPICS = 15
NOT_RECORDED = "Not recorded"


class DaysBetween(Func):
    """Whole days from `earlier` to `later` (floored), on PostgreSQL and SQLite."""

    output_field = IntegerField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400)::int",
                           arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        later, earlier = (compiler.compile(e) for e in self.source_expressions)
        return (f"CAST(julianday({later[0]}) - julianday({earlier[0]}) AS INTEGER)", [*later[1], *earlier[1]])


@dataclass(frozen=True)
class Report:
    scope: Scope
    participation: dict
    satisfaction: dict
    reach: dict
    load: dict
    topics: list

    @property
    def min_cell(self) -> int:
        return min_cell()


def insights_report(*, organisation: Organisation, program: Program | None, first_day: date, last_day: date) -> Report:
    """The whole report for one program (or every program of `organisation` when None)."""
    scope = Scope(organisation=organisation, program=program, first_day=first_day, last_day=last_day)
    participation = _participation(scope)
    completed = participation["totals"]["completed"]
    return Report(scope=scope, participation=participation, satisfaction=_satisfaction(scope),
                  reach=_reach(scope, completed), load=_load(scope, participation["active_mentors"]),
                  topics=_topics(scope))


def _people(row: dict) -> Cell:
    return session_cell(row["n"], row["mentees"], row["mentors"])


_SESSION_COUNTS = {"n": Count("id"), "mentees": Count("mentee_id", distinct=True),
                   "mentors": Count("mentor_id", distinct=True)}
_EMPTY = {"n": 0, "mentees": 0, "mentors": 0}


# --- participation ---------------------------------------------------------------------------------

def _participation(scope: Scope) -> dict:
    bookings = scope_bookings(scope)
    window = {"gte": scope.start, "lt": scope.end}
    sides = {row["side"]: row for row in scope_enrollments(scope).values("side").annotate(
        invited=Count("user_id", distinct=True, filter=Q(invited_at__gte=window["gte"], invited_at__lt=window["lt"])),
        joined=Count("user_id", distinct=True, filter=Q(joined_at__gte=window["gte"], joined_at__lt=window["lt"])),
    )}
    overall = bookings.aggregate(
        **_SESSION_COUNTS,
        active_mentees=Count("mentee_id", distinct=True, filter=Q(status=Booking.Status.COMPLETED)),
        active_mentors=Count("mentor_id", distinct=True, filter=Q(status=Booking.Status.COMPLETED)),
    )
    by_outcome = {r["outcome"]: r for r in bookings.annotate(outcome=_OUTCOME).values("outcome")
                  .annotate(**_SESSION_COUNTS)}
    weekly_rows = (bookings.annotate(week=TruncWeek("start", tzinfo=scope.zone), outcome=_OUTCOME)
                   .values("week", "outcome").annotate(**_SESSION_COUNTS))
    week_totals = {_day(r["week"]): r for r in bookings.annotate(week=TruncWeek("start", tzinfo=scope.zone))
                   .values("week").annotate(**_SESSION_COUNTS)}
    by_week: dict[date, dict] = defaultdict(dict)
    for row in weekly_rows:
        by_week[_day(row["week"])][row["outcome"]] = row

    requested = _people(overall)
    totals = {key: _people(by_outcome.get(key, _EMPTY)) for key, _ in OUTCOMES}
    weeks = []
    for monday in scope.weeks():
        cells = {key: _people(by_week[monday].get(key, _EMPTY)) for key, _ in OUTCOMES}
        weeks.append({"week": monday, "requested": _people(week_totals.get(monday, _EMPTY)), **cells})
    groups = [(requested, list(totals.values()))]
    groups += [(w["requested"], [w[key] for key, _ in OUTCOMES]) for w in weeks]
    groups += [(totals[key], [w[key] for w in weeks]) for key, _ in OUTCOMES]
    groups += [(requested, [w["requested"] for w in weeks])]
    protect_groups(groups)

    def side(name: str) -> dict:
        row = sides.get(name, {"invited": 0, "joined": 0})
        return {"invited": count_cell(row["invited"], row["invited"]), "joined": count_cell(row["joined"], row["joined"])}

    return {
        "mentees": {**side(ProgramEnrollment.Side.MENTEE), "active": count_cell(overall["active_mentees"],
                                                                                overall["active_mentees"])},
        "mentors": {**side(ProgramEnrollment.Side.MENTOR), "active": count_cell(overall["active_mentors"],
                                                                                overall["active_mentors"])},
        "active_mentors": overall["active_mentors"],
        "totals": {"requested": requested, **totals},
        "weeks": weeks,
        "days_to_first_booking": _days_to_first_booking(scope),
    }


def _day(value) -> date:
    return value.date() if hasattr(value, "date") else value


def _days_to_first_booking(scope: Scope) -> Cell:
    """Median whole days from joining (as a mentee, inside the period) to the first booking made in
    that program, over the mentees who have booked. Two queries: the distribution and the head count."""
    first = (Booking.objects.filter(program_id=OuterRef("program_id"), mentee_id=OuterRef("user_id"))
             .order_by().values("mentee_id").annotate(first=Min("created_at")).values("first"))
    joined = (scope_enrollments(scope)
              .filter(side=ProgramEnrollment.Side.MENTEE, joined_at__gte=scope.start, joined_at__lt=scope.end)
              .annotate(first=Subquery(first)).filter(first__isnull=False))
    frequency = sorted((r["days"], r["n"]) for r in joined.annotate(days=DaysBetween(F("first"), F("joined_at")))
                       .values("days").annotate(n=Count("id")))
    people = joined.aggregate(n=Count("user_id", distinct=True))["n"]
    return derived_cell(_median(frequency), people)


def _median(frequency: list[tuple[int, int]]) -> float | None:
    """The median of a sorted (value, how many) table."""
    n = sum(count for _, count in frequency)
    if not n:
        return None
    wanted = [(n - 1) // 2, n // 2]
    found, seen = [], 0
    for value, count in frequency:
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return round(sum(found) / 2, 1)


# --- satisfaction ----------------------------------------------------------------------------------

def _satisfaction(scope: Scope) -> dict:
    """Mentees' ratings of completed sessions held in the period. Removed reviews (a moderator took
    them down) do not count; pending and hidden ones do: they are still someone's experience. The
    private "met expectations" answers are counted, never shown one by one; comments never leave."""
    ratings = Rating.objects.filter(direction=Direction.MENTEE_TO_MENTOR, booking__in=scope_bookings(scope)
                                    ).exclude(state=State.REMOVED).order_by()
    counts = {"n": Count("id"), "mentees": Count("rater_id", distinct=True), "mentors": Count("ratee_id", distinct=True)}
    overall = ratings.aggregate(**counts, average=Avg("stars"))
    by_stars = {r["stars"]: r for r in ratings.values("stars").annotate(**counts)}
    by_answer = {r["expectation"]: r for r in ratings.values("expectation").annotate(**counts)}
    total = _people(overall)
    stars = [{"stars": s, "ratings": _people(by_stars.get(s, _EMPTY))} for s in range(1, 6)]
    answers = [{"answer": key, "label": label, "ratings": _people(by_answer.get(key, _EMPTY))}
               for key, label in [*Rating.Expectation.choices, ("", "Not answered")]]
    protect_groups([(total, [s["ratings"] for s in stars]), (total, [a["ratings"] for a in answers])])
    average = overall["average"]
    base = min(overall["mentees"], overall["mentors"])
    return {"ratings": total, "average": derived_cell(round(average, 1) if average is not None else None, base),
            "stars": stars, "expectations": answers, "booked_again": _booked_again(scope)}


def _booked_again(scope: Scope) -> Cell:
    """Of the mentees who completed a session in the period, the share (whole percent) who have
    another session (held, upcoming or awaiting an answer) starting after their first completed one."""
    rows = scope_bookings(scope).exclude(status__in=[Booking.Status.DECLINED, Booking.Status.EXPIRED]).values(
        "mentee_id", "status", "start")
    inner, params = rows.query.sql_with_params()
    sql = (f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN last_start > first_done THEN 1 ELSE 0 END), 0) FROM ("
           f" SELECT mentee_id, MIN(CASE WHEN status = 'completed' THEN start END) AS first_done,"
           f" MAX(start) AS last_start FROM ({inner}) b GROUP BY mentee_id) m WHERE first_done IS NOT NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        mentees, again = cursor.fetchone()
    return derived_cell(round(100 * again / mentees) if mentees else None, mentees)


# --- reach -----------------------------------------------------------------------------------------

def _reach(scope: Scope, completed: Cell) -> dict:
    """Completed sessions by the departments and levels both sides had when they booked."""
    done = scope_bookings(scope).filter(status=Booking.Status.COMPLETED)
    departments = list(Department.objects.filter(organisation_id=scope.organisation.pk)
                       .order_by("name", "id").values_list("id", "name"))
    pairs = {(r["mentee_department"], r["mentor_department"]): r
             for r in done.values("mentee_department", "mentor_department").annotate(**_SESSION_COUNTS)}
    known = [pk for pk, _ in departments]
    if any(a is None or b is None for a, b in pairs):
        departments.append((None, NOT_RECORDED))
        known.append(None)
    rows = [{"department": name, "cells": [_people(pairs.get((mentee_dep, mentor_dep), _EMPTY))
                                           for mentor_dep in known]}
            for mentee_dep, name in departments]
    crossed = sum(r["n"] for (a, b), r in pairs.items() if a is not None and b is not None and a != b)
    both = done.filter(mentee_department__isnull=False, mentor_department__isnull=False).aggregate(**_SESSION_COUNTS)

    gaps = {r["gap"]: r for r in done.annotate(gap=F("mentor_level__rank") - F("mentee_level__rank"))
            .values("gap").annotate(**_SESSION_COUNTS)}
    gap_rows = [{"gap": g, "label": _gap_label(g), "sessions": _people(gaps[g])}
                for g in sorted(g for g in gaps if g is not None)]
    if None in gaps:
        gap_rows.append({"gap": None, "label": NOT_RECORDED, "sessions": _people(gaps[None])})

    protect_groups([(completed, [c for row in rows for c in row["cells"]]),
                    (completed, [g["sessions"] for g in gap_rows])])
    return {
        "departments": [name for _, name in departments],
        "matrix": rows,
        "crossed_share": derived_cell(round(100 * crossed / both["n"]) if both["n"] else None,
                                      min(both["mentees"], both["mentors"])),
        "level_gaps": gap_rows,
        "colleagues_met": _colleagues_met(done),
    }


def _gap_label(gap: int) -> str:
    if gap == 0:
        return "Same level"
    if gap > 0:
        return f"Mentor {gap} level{'s' if gap != 1 else ''} above"
    return f"Mentor {-gap} level{'s' if gap != -1 else ''} below"


def _frequency(sql: str, params) -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted((int(v), int(n)) for v, n in cursor.fetchall())


def _binned(frequency: list[tuple[int, int]], bins) -> list[dict]:
    out = []
    for low, high, label in bins:
        people = sum(n for v, n in frequency if v >= low and (high is None or v <= high))
        out.append({"label": label, "people": count_cell(people, people)})
    return out


def _colleagues_met(done) -> dict:
    """How many distinct colleagues each person met in completed sessions (either side), binned:
    one query over the pairs, grouped by person, then by that count."""
    inner, params = done.values("mentee_id", "mentor_id").query.sql_with_params()
    sql = (f"SELECT met, COUNT(*) FROM (SELECT person, COUNT(DISTINCT other) AS met FROM ("
           f" SELECT mentee_id AS person, mentor_id AS other FROM ({inner}) a"
           f" UNION ALL SELECT mentor_id, mentee_id FROM ({inner}) b) pairs GROUP BY person) per GROUP BY met")
    frequency = _frequency(sql, [*params, *params])
    people = sum(n for _, n in frequency)
    bins = _binned(frequency, COLLEAGUE_BINS)
    total = count_cell(people, people)
    protect_groups([(total, [b["people"] for b in bins])])
    return {"people": total, "bins": bins}


# --- mentor load -----------------------------------------------------------------------------------

def _load(scope: Scope, active_mentors: int) -> dict:
    """Completed sessions per mentor: a histogram, the share the busiest tenth gave and the Gini
    coefficient (0: all equal, towards 1: a few give everything). Both come from the exact
    (sessions, mentors) frequency table, one query."""
    per_mentor = (scope_bookings(scope).filter(status=Booking.Status.COMPLETED).values("mentor_id")
                  .annotate(n=Count("id")).values("n"))
    inner, params = per_mentor.query.sql_with_params()
    frequency = _frequency(f"SELECT n, COUNT(*) FROM ({inner}) t GROUP BY n", params)
    mentors = sum(c for _, c in frequency)
    bins = _binned(frequency, LOAD_BINS)
    total = count_cell(mentors, mentors)
    protect_groups([(total, [b["people"] for b in bins])])
    loads = [v for v, c in frequency for _ in range(c)]  # at most one entry per active mentor
    sessions = sum(loads)
    top = max(1, len(loads) // 10) if loads else 0
    top_share = round(100 * sum(sorted(loads, reverse=True)[:top]) / sessions) if sessions else None
    # The top tenth must itself be at least INSIGHTS_MIN_CELL mentors, or its share is their loads.
    top_cell = derived_cell(top_share, top)
    return {"mentors": total, "bins": bins, "top_tenth_share": top_cell,
            "gini": derived_cell(_gini(frequency), mentors)}


def _gini(frequency: list[tuple[int, int]]) -> float | None:
    """Gini coefficient of a sorted (load, mentors) table, exact, rounded to two decimals."""
    n = sum(c for _, c in frequency)
    total = sum(v * c for v, c in frequency)
    if n < 2 or not total:
        return None
    rank, weighted = 0, 0.0
    for value, count in frequency:  # ascending loads; ranks rank+1 .. rank+count share one value
        weighted += value * (count * rank + count * (count + 1) / 2)
        rank += count
    return round((2 * weighted) / (n * total) - (n + 1) / n, 2)


# --- topics ----------------------------------------------------------------------------------------

def _topics(scope: Scope) -> list[dict]:
    """The skills the period's bookings asked about (topic and question, through the taxonomy and
    its synonyms; scanned in the background by insights.services), most asked first. A topic counts
    the people who asked (mentees)."""
    rows = (BookingSkill.objects.filter(booking__in=scope_bookings(scope)).values("skill__name")
            .annotate(n=Count("booking_id"), mentees=Count("booking__mentee_id", distinct=True))
            .order_by("-n", "skill__name")[:TOP_TOPICS])
    return [{"skill": r["skill__name"], "sessions": count_cell(r["n"], r["mentees"])} for r in rows]


# --- who may see a report --------------------------------------------------------------------------

def insights_target_get(*, user, org_slug: str, program_slug: str | None = None
                        ) -> tuple[Organisation, Program | None] | None:
    """The organisation (and program) whose insights `user` may see: its organisation admins and
    staff only. None (a 404) for everyone else, members and the program's own mentors included."""
    organisation = organisation_managed_get(slug=org_slug, user=user)
    if organisation is None:
        return None
    if program_slug is None:
        return organisation, None
    program = Program.objects.filter(organisation=organisation, slug=program_slug).first()
    return (organisation, program) if program is not None else None


def insights_programs(*, organisation: Organisation) -> list[tuple[str, str]]:
    """(slug, name) of the organisation's programs, for the page's program switcher."""
    return list(Program.objects.filter(organisation=organisation).order_by("name", "id").values_list("slug", "name"))
