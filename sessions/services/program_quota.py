"""A booking inside a company program: the program's checks, its quota and capacity, and the
department/level snapshot. Called by sessions.services.bookings (booking_create with `program=`,
booking_reschedule of a program booking) inside the booking's transaction.

Why it is atomic: the mentee's monthly quota and the mentor's weekly capacity are counts of
bookings, and two racing bookings would each count the other as absent. So, before counting, we
lock the mentor's enrollment row and then the mentee's (always in that order, in one statement,
so two bookings never wait on each other crosswise). Every booking that counts against the
mentor's capacity in this program holds the mentor's row; every one that counts against the
mentee's quota holds the mentee's row; the count after the lock sees every committed booking
(READ COMMITTED takes a fresh snapshot per statement), and ours is inserted before the locks are
released at commit. On SQLite writers are serialised anyway.

What counts: requested, confirmed, completed and no-show sessions (cancelled, declined and expired
ones do not), by their start, in the organisation's zone: the calendar month for a mentee's quota,
the Monday-to-Monday week for a mentor's capacity (in sessions or in minutes).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, time, timedelta

from django.db.models import Count, Q, Sum, Value

from accounts.models import MenteeProfile, MentorProfile
from orgs.models import Membership, Program, ProgramEnrollment
from orgs.rules import Person, rule_failures
from sessions.errors import BookingError
from sessions.models import Booking

COUNTED_STATUSES = (Booking.Status.REQUESTED, Booking.Status.CONFIRMED, Booking.Status.COMPLETED,
                    Booking.Status.NO_SHOW)


def org_month(program: Program, start: datetime) -> tuple[datetime, datetime]:
    """The calendar month around `start` in the organisation's zone, as UTC bounds."""
    zone = program.organisation.tzinfo
    day = start.astimezone(zone).date()
    first = day.replace(day=1)
    after = first + timedelta(days=calendar.monthrange(first.year, first.month)[1])
    return (datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC),
            datetime.combine(after, time(0), tzinfo=zone).astimezone(UTC))


def org_week(program: Program, start: datetime) -> tuple[datetime, datetime]:
    """The Monday-to-Monday week around `start` in the organisation's zone, as UTC bounds."""
    zone = program.organisation.tzinfo
    day = start.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())
    return (datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC),
            datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC))


def _lock_enrollments(program: Program, mentee, mentor) -> dict[str, ProgramEnrollment]:
    # One statement: the mentor's row first, then the mentee's ("mentor" sorts after "mentee", and
    # PostgreSQL locks rows in the order it returns them). The program's current row comes along
    # (of=self: not locked), so a program closed a moment ago is seen closed.
    rows = (ProgramEnrollment.objects.select_for_update(of=("self",)).select_related("program__organisation")
            .filter(Q(user_id=mentor.pk, side=ProgramEnrollment.Side.MENTOR)
                    | Q(user_id=mentee.pk, side=ProgramEnrollment.Side.MENTEE), program_id=program.pk)
            .order_by("-side"))
    return {row.side: row for row in rows}


def _languages(mentee, mentor) -> tuple[frozenset[str], frozenset[str]]:
    """Languages each side speaks, from their profiles (one query). Nobody's list is empty: English
    is assumed, as in matching's features."""
    mentee_side = MenteeProfile.languages.through.objects.filter(menteeprofile_id=mentee.pk).values_list(
        Value("mentee"), "language_id")
    mentor_side = MentorProfile.languages.through.objects.filter(mentorprofile_id=mentor.pk).values_list(
        Value("mentor"), "language_id")
    spoken: dict[str, set[str]] = {"mentee": set(), "mentor": set()}
    for side, code in mentee_side.union(mentor_side, all=True):
        spoken[side].add(code)
    return frozenset(spoken["mentee"] or {"en"}), frozenset(spoken["mentor"] or {"en"})


def program_check_and_lock(*, program: Program, mentee, mentor, start: datetime, duration: int,
                           exclude_booking_id: int | None = None, moving: bool = False) -> dict:
    """Check and lock everything a booking inside `program` needs, then return the fields to set on
    it (program and both sides' department and level at this moment).

    `moving`: a reschedule of a booking already in the program. The pair, the length and the
    snapshot were settled when it was booked; the new time must still fall inside the program's
    dates, quota and capacity (the booking itself not counted twice)."""
    locked = _lock_enrollments(program, mentee, mentor)
    mentor_row, mentee_row = locked.get(ProgramEnrollment.Side.MENTOR), locked.get(ProgramEnrollment.Side.MENTEE)
    current = (mentor_row or mentee_row).program if (mentor_row or mentee_row) else program
    if current.status != Program.Status.OPEN:
        message = f"{current.name} is not open for bookings."
        raise BookingError(message, code="program_not_open", field_errors={"program": [message]})
    on = start.astimezone(current.organisation.tzinfo).date()
    if not current.starts_on <= on <= current.ends_on:
        message = (f"{current.name} runs from {current.starts_on:%d %b %Y} to {current.ends_on:%d %b %Y}; "
                   "pick a time inside those dates.")
        raise BookingError(message, code="outside_program_dates", field_errors={"start": [message]})
    joined = ProgramEnrollment.Status.JOINED
    snapshot: dict = {"program": current}
    if not moving:
        if mentee_row is None or mentee_row.status != joined:
            message = f"Join {current.name} as a mentee to book inside it."
            raise BookingError(message, code="not_in_program", field_errors={"program": [message]})
        if mentor_row is None or mentor_row.status != joined:
            message = f"{mentor.display_name} does not mentor in {current.name}."
            raise BookingError(message, code="not_in_program", field_errors={"program": [message]})
        if duration not in current.session_lengths:
            allowed = ", ".join(str(n) for n in current.session_lengths)
            message = f"{current.name} allows sessions of {allowed} minutes."
            raise BookingError(message, code="length_not_allowed", field_errors={"duration": [message]})
        members = {m.user_id: m for m in Membership.objects.filter(
            organisation_id=current.organisation_id, user_id__in=[mentee.pk, mentor.pk], is_active=True)
            .select_related("department", "level")}
        if mentee.pk not in members or mentor.pk not in members:
            message = f"Both of you must be active members of {current.organisation.name}."
            raise BookingError(message, code="not_in_program", field_errors={"program": [message]})
        languages = _languages(mentee, mentor) if current.require_shared_language else (frozenset(), frozenset())
        sides = {}
        for key, user, spoken in (("mentee", mentee, languages[0]), ("mentor", mentor, languages[1])):
            m = members[user.pk]
            sides[key] = Person(department_id=m.department_id, department_name=str(m.department or ""),
                                level_rank=m.level.rank if m.level else None, languages=spoken)
            snapshot[f"{key}_department_id"], snapshot[f"{key}_level_id"] = m.department_id, m.level_id
        if failures := rule_failures(program=current, mentee=sides["mentee"], mentor=sides["mentor"]):
            message = failures[0]
            raise BookingError(message, code="program_rule", field_errors={"mentor": [message]})
    _check_counts(current, mentee=mentee, mentor=mentor, start=start, duration=duration,
                  exclude_booking_id=exclude_booking_id)
    return snapshot


def _check_counts(program: Program, *, mentee, mentor, start: datetime, duration: int,
                  exclude_booking_id: int | None) -> None:
    quota, capacity = program.mentee_quota_per_month, program.mentor_capacity
    if quota is None and capacity is None:
        return
    month = org_month(program, start)
    week = org_week(program, start)
    in_month = Q(mentee_id=mentee.pk, start__gte=month[0], start__lt=month[1])
    in_week = Q(mentor_id=mentor.pk, start__gte=week[0], start__lt=week[1])
    rows = Booking.objects.filter(in_month | in_week, program_id=program.pk, status__in=COUNTED_STATUSES)
    if exclude_booking_id is not None:
        rows = rows.exclude(pk=exclude_booking_id)
    counts = rows.aggregate(month=Count("pk", filter=in_month), week=Count("pk", filter=in_week),
                            minutes=Sum("duration_minutes", filter=in_week))
    if quota is not None and counts["month"] >= quota:
        local = start.astimezone(program.organisation.tzinfo)
        message = (f"You have booked {counts['month']} of the {quota} session{'s' if quota != 1 else ''} "
                   f"{program.name} gives you in {local:%B %Y}. Pick a time next month.")
        raise BookingError(message, code="quota_exceeded", field_errors={"start": [message]})
    if capacity is None:
        return
    if program.mentor_capacity_unit == Program.CapacityUnit.MINUTES:
        used = counts["minutes"] or 0
        if used + duration > capacity:
            left = max(capacity - used, 0)
            message = (f"{mentor.display_name} has {left} of {capacity} minutes left for {program.name} that "
                       "week. Pick another week, a shorter session or another mentor.")
            raise BookingError(message, code="capacity_reached", field_errors={"start": [message]})
    elif counts["week"] >= capacity:
        message = (f"{mentor.display_name} has given all {capacity} session{'s' if capacity != 1 else ''} "
                   f"{program.name} asks of them that week. Pick another week or another mentor.")
        raise BookingError(message, code="capacity_reached", field_errors={"start": [message]})


def mentees_allowed(*, program: Program, mentor, mentee_ids) -> set[int]:
    """Which of these mentees `mentor` may mentor under the program's rules (orgs.rules), both being
    active members of its organisation: who sees a flash question and may offer on it. Two or three
    queries whatever the number of mentees."""
    ids = set(mentee_ids) - {mentor.pk}
    if not ids:
        return set()
    members = {m.user_id: m for m in Membership.objects.filter(
        organisation_id=program.organisation_id, user_id__in=ids | {mentor.pk}, is_active=True)
        .select_related("level")}
    if mentor.pk not in members:
        return set()
    spoken: dict[int, set[str]] = {}
    mentor_languages: frozenset[str] = frozenset()
    if program.require_shared_language:
        for user_id, code in MenteeProfile.languages.through.objects.filter(menteeprofile_id__in=ids).values_list(
                "menteeprofile_id", "language_id"):
            spoken.setdefault(user_id, set()).add(code)
        mentor_languages = _languages(mentor, mentor)[1]

    def person(user_id: int, languages: frozenset[str]) -> Person:
        m = members[user_id]
        return Person(department_id=m.department_id, department_name="", languages=languages,
                      level_rank=m.level.rank if m.level else None)

    them = person(mentor.pk, mentor_languages)
    return {pk for pk in ids if pk in members and not rule_failures(
        program=program, mentee=person(pk, frozenset(spoken.get(pk) or {"en"})), mentor=them)}
