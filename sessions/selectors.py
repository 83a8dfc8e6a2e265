"""Reads for availability and slots: load one mentor's calendar in a fixed number of queries and ask
the pure slot engine (sessions/slots.py) about it.

Loading a mentor costs two queries whatever the range: the policy, and one UNION ALL of the rules,
the overrides covering the range, the live bookings near the range and the busy intervals of the
mentor's own calendars near the range (each query is a round trip
plus Django's compile time, which on the slots endpoint cost more than the engine itself). The
slots API and picker fetch the policy with the mentor (slots_mentor_get), so they pay one query
for the calendar. Bookings are loaded for whole local ISO weeks around the range (plus a day of
margin for zone offsets) because caps and the weekly budget count bookings outside the requested
range too.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from accounts.models import MenteeProfile, MentorProfile, User
from accounts.selectors import KIND_VIEWERS, NO_ID, NO_VIEWER, bookable_mentors, viewer_kind
from accounts.timezones import cached_zone
from sessions import slots as engine
from sessions.errors import BookingError
from sessions.models import (
    LIVE_STATUSES,
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    BookingEvent,
    BookingPolicy,
    BusyInterval,
)
from sessions.slot_text import IsoText
from sessions.slots import Busy, ExternalBusy, Override, Policy, Rule

# Any date range the engine looks at is widened by this much to find bookings whose local ISO
# week touches it (7 days for the week, 1 day for the largest UTC offset, plus buffers).
_BOOKING_MARGIN = timedelta(days=9)
_OVERRIDE_MARGIN = timedelta(days=2)
# Busy intervals matter to a start through the session and its buffers (at most a few hours).
_EXTERNAL_MARGIN = timedelta(days=1)

REASON_MESSAGES = {
    engine.PAST: "That time is in the past.",
    engine.NOTICE: "That time is inside the mentor's minimum notice of {notice} hours.",
    engine.HORIZON: "That time is more than {horizon} days ahead; the mentor does not take bookings that far out.",
    engine.OUTSIDE: "The mentor is not available for the whole session at that time.",
    engine.NOT_ALIGNED: "Sessions start on the mentor's {granularity}-minute grid; pick one of the listed times.",
    engine.DAY_CAP: "The mentor has reached their limit of {max_per_day} sessions that day.",
    engine.WEEK_CAP: "The mentor has reached their limit of {max_per_week} sessions that week.",
    engine.BUDGET: "The mentor's weekly mentoring time ({budget} minutes) does not allow another {duration} minutes that week.",
    engine.TAKEN: "Someone else has just booked that time; please pick another slot.",
    engine.CALENDAR_BUSY: "The mentor is busy at that time; please pick another slot.",
}


def policy_for(*, mentor: User) -> BookingPolicy:
    """The mentor's policy row, or an unsaved one with the defaults (reads never create rows)."""
    return BookingPolicy.objects.filter(mentor=mentor).first() or BookingPolicy(mentor=mentor)


def weekly_rules(*, mentor: User) -> list[AvailabilityRule]:
    return list(AvailabilityRule.objects.filter(mentor=mentor).order_by("weekday", "start_time"))


def overrides_for(*, mentor: User, upcoming_only: bool = True, today=None) -> list[AvailabilityOverride]:
    qs = AvailabilityOverride.objects.filter(mentor=mentor)
    if upcoming_only:
        today = today or timezone.now().astimezone(mentor.tzinfo).date()
        qs = qs.filter(end_date__gte=today)
    return list(qs.order_by("start_date", "start_time"))


def engine_policy(policy: BookingPolicy) -> Policy:
    return Policy(
        buffer_before=policy.buffer_before_minutes,
        buffer_after=policy.buffer_after_minutes,
        min_notice_minutes=policy.min_notice_hours * 60,
        horizon_days=policy.horizon_days,
        max_per_day=policy.max_per_day,
        max_per_week=policy.max_per_week,
        weekly_budget_minutes=policy.weekly_budget_minutes,
        granularity=policy.slot_granularity_minutes,
    )


@dataclass
class MentorCalendar:
    """Everything the engine needs about one mentor, as engine values."""

    zone: str
    policy: BookingPolicy
    rules: list[Rule]
    overrides: list[Override]
    bookings: list[Busy]
    external: list[ExternalBusy]

    def engine_kwargs(self) -> dict:
        return dict(zone=self.zone, rules=self.rules, overrides=self.overrides, bookings=self.bookings,
                    policy=engine_policy(self.policy), external=self.external)


def _as_rule(r) -> Rule:
    return Rule(r.weekday, r.start_time, r.end_time)


def _as_override(o) -> Override:
    return Override(o.start_date, o.end_date, o.start_time, o.end_time)


def _as_busy(b) -> Busy:
    return Busy(b.start, b.end, b.blocked_start, b.blocked_end)


def _local_dates(zone, start: datetime, end: datetime):
    return (start.astimezone(zone).date() - _OVERRIDE_MARGIN, end.astimezone(zone).date() + _OVERRIDE_MARGIN)


# The calendar's three kinds of rows come back from one UNION ALL: a kind, then every column any
# kind needs, NULL (typed, for PostgreSQL, which types a UNION's columns branch by branch) where a
# kind has none. Written as SQL: the ORM spent more time compiling this query and the mentor's
# than the slot engine spends computing a month of slots.
_RULE, _OVERRIDE, _BOOKING, _EXTERNAL = 0, 1, 2, 3
_CALENDAR_SQL = """
SELECT 0, weekday, CAST(NULL AS date), CAST(NULL AS date), start_time, end_time,
       CAST(NULL AS timestamp with time zone), CAST(NULL AS timestamp with time zone),
       CAST(NULL AS timestamp with time zone), CAST(NULL AS timestamp with time zone)
  FROM booking_availabilityrule WHERE mentor_id = %s
UNION ALL
SELECT 1, NULL, start_date, end_date, start_time, end_time, NULL, NULL, NULL, NULL
  FROM booking_availabilityoverride WHERE mentor_id = %s AND start_date <= %s AND end_date >= %s
UNION ALL
SELECT 2, NULL, NULL, NULL, NULL, NULL, "start", "end", blocked_start, blocked_end
  FROM booking_booking
 WHERE mentor_id = %s AND status IN ({statuses}) AND "end" > %s AND "start" < %s AND id <> %s
UNION ALL
SELECT 3, calendar_id, NULL, NULL, NULL, NULL, "start", "end", NULL, NULL
  FROM booking_busyinterval WHERE mentor_id = %s AND "end" > %s AND "start" < %s
"""


def _as_date(value):
    return parse_date(value) if isinstance(value, str) else value


def _as_time(value):
    return parse_time(value) if isinstance(value, str) else value


def _as_utc(value):
    # PostgreSQL answers aware datetimes; SQLite the naive UTC text Django stored.
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def calendar_query(*, mentor, start: datetime, end: datetime, exclude_booking_id: int | None = None,
                   using: str) -> tuple[str, list]:
    """The calendar's UNION ALL (rules, overrides touching the range, live bookings near it) as
    SQL and parameters for database `using`, for a caller that runs it inside a statement of its
    own (booking_create reads it with the mentee's counts); read its rows with calendar_from_rows."""
    first, last = _local_dates(mentor.tzinfo, start, end)
    ops = connections[using].ops
    sql = _CALENDAR_SQL.format(statuses=", ".join(["%s"] * len(LIVE_STATUSES)))
    params = [mentor.pk, mentor.pk, ops.adapt_datefield_value(last), ops.adapt_datefield_value(first),
              mentor.pk, *[str(s) for s in LIVE_STATUSES],
              ops.adapt_datetimefield_value(start - _BOOKING_MARGIN),
              ops.adapt_datetimefield_value(end + _BOOKING_MARGIN),
              exclude_booking_id if exclude_booking_id is not None else 0,
              mentor.pk, ops.adapt_datetimefield_value(start - _EXTERNAL_MARGIN),
              ops.adapt_datetimefield_value(end + _EXTERNAL_MARGIN)]
    return sql, params


def calendar_from_rows(*, mentor, policy: BookingPolicy, rows, using: str) -> MentorCalendar:
    """A MentorCalendar from the rows of calendar_query (each row: its ten columns, in order)."""
    native = connections[using].vendor == "postgresql"
    rules: list[Rule] = []
    overrides: list[Override] = []
    busy: list[Busy] = []
    external: list[ExternalBusy] = []
    for kind, weekday, first_day, last_day, from_time, to_time, start_at, end_at, blocked_from, blocked_to in rows:
        if kind == _RULE:
            rules.append(Rule(weekday, from_time, to_time) if native else
                         Rule(weekday, _as_time(from_time), _as_time(to_time)))
        elif kind == _OVERRIDE:
            overrides.append(Override(first_day, last_day, from_time, to_time) if native else
                             Override(_as_date(first_day), _as_date(last_day), _as_time(from_time), _as_time(to_time)))
        elif kind == _BOOKING:
            busy.append(Busy(start_at, end_at, blocked_from, blocked_to) if native else
                        Busy(_as_utc(start_at), _as_utc(end_at), _as_utc(blocked_from), _as_utc(blocked_to)))
        else:  # a busy interval of the mentor's own calendar; `weekday` carries its calendar's id
            external.append(ExternalBusy(start_at, end_at, weekday) if native else
                            ExternalBusy(_as_utc(start_at), _as_utc(end_at), weekday))
    return MentorCalendar(zone=mentor.timezone or "UTC", policy=policy, rules=rules, overrides=overrides, bookings=busy,
                          external=external)


def load_calendar(*, mentor, start: datetime, end: datetime, exclude_booking_id: int | None = None,
                  policy: BookingPolicy | None = None) -> MentorCalendar:
    """Two queries (one when `policy` is given): the policy, then the rules, the overrides touching
    the range and the live bookings near the range in one UNION ALL. `mentor`: a User or a
    SlotsMentor (anything with pk, timezone and tzinfo)."""
    policy = policy if policy is not None else policy_for(mentor=mentor)
    using = router.db_for_read(Booking)
    sql, params = calendar_query(mentor=mentor, start=start, end=end, exclude_booking_id=exclude_booking_id,
                                 using=using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return calendar_from_rows(mentor=mentor, policy=policy, rows=rows, using=using)


@dataclass(frozen=True)
class SlotsMentor:
    """What the slots API needs of a bookable mentor: zone, lengths offered, whether they take
    bookings, and their policy (a default one when they have no row)."""

    pk: int
    timezone: str
    session_lengths: list[int]
    accepting_bookings: bool
    policy: BookingPolicy

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return cached_zone(self.timezone or "UTC")


_POLICY_FIELDS = [f.attname for f in BookingPolicy._meta.concrete_fields if f.name not in ("mentor", "updated_at")]
_MENTOR_COLUMNS = ["id", "timezone", "mentor_profile__accepting_bookings",
                   *[f"mentor_profile__offers_{n}" for n in settings.SESSION_LENGTHS],
                   *[f"booking_policy__{name}" for name in _POLICY_FIELDS]]
_NO_ID, _NO_VIEWER = NO_ID, NO_VIEWER


@cache
def _slots_mentor_sql(using: str, kind: str) -> tuple[str, tuple, int, tuple[int, ...]]:
    """accounts.selectors.bookable_mentors (the one definition of "bookable", visibility to the
    viewer included) with profile and policy columns, compiled by the ORM once per process,
    database and kind of viewer (anonymous, member, staff): compiling it took a millisecond of CPU
    per request. The mentor's and the viewer's ids are placeholders filled in per request;
    bookable_mentors is otherwise a fixed filter. Were it ever to read the clock or the request,
    this cache would have to go."""
    query = bookable_mentors(viewer=KIND_VIEWERS[kind]).filter(pk=_NO_ID).values_list(*_MENTOR_COLUMNS).query
    sql, params = query.get_compiler(using).as_sql()
    slots = [i for i, value in enumerate(params) if value == _NO_ID]
    if len(slots) != 1:
        raise ImproperlyConfigured("bookable_mentors() must take the mentor id once")
    viewer_slots = tuple(i for i, value in enumerate(params) if value == _NO_VIEWER)
    return sql, tuple(params), slots[0], viewer_slots


def slots_mentor_get(*, mentor_id: int, viewer) -> SlotsMentor | None:
    """A mentor this viewer may book as SlotsMentor, or None (the caller answers 404): one query."""
    using = router.db_for_read(User)
    sql, params, at, viewer_at = _slots_mentor_sql(using, viewer_kind(viewer))
    params = list(params)
    params[at] = mentor_id
    for i in viewer_at:
        params[i] = viewer.pk
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, tz_name, accepting, *rest = row
    offers, policy_values = rest[:len(settings.SESSION_LENGTHS)], rest[len(settings.SESSION_LENGTHS):]
    if policy_values[0] is None:  # no policy row: the defaults (reads never create rows)
        policy = BookingPolicy(mentor_id=pk)
    else:
        policy = BookingPolicy(mentor_id=pk, **dict(zip(_POLICY_FIELDS, policy_values, strict=True)))
    return SlotsMentor(pk=pk, timezone=tz_name, accepting_bookings=bool(accepting), policy=policy,
                       session_lengths=[n for n, on in zip(settings.SESSION_LENGTHS, offers, strict=True) if on])


def slots_mentor_of(mentor: User) -> SlotsMentor:
    """SlotsMentor for a mentor already loaded with their profile (the picker page): one query,
    for the policy."""
    profile = mentor.mentor_profile
    return SlotsMentor(pk=mentor.pk, timezone=mentor.timezone, session_lengths=profile.session_lengths,
                       accepting_bookings=profile.accepting_bookings, policy=policy_for(mentor=mentor))


def _accepting(mentor: User) -> bool:
    try:
        profile = mentor.mentor_profile
    except MentorProfile.DoesNotExist:
        return False
    return bool(mentor.is_mentor and mentor.is_active and profile.accepting_bookings)


def mentor_slots(*, mentor: User, start: datetime, end: datetime, duration: int, now: datetime | None = None) -> list[datetime]:
    """Free UTC starts of `duration` minutes in [start, end). Two queries for a mentor loaded with
    select_related("mentor_profile")."""
    if not _accepting(mentor):
        return []
    now = now or timezone.now()
    calendar = load_calendar(mentor=mentor, start=start, end=end)
    return engine.free_slots(**calendar.engine_kwargs(), duration=duration, start=start, end=end, now=now)


def _utc_iso(dt: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with a Z (the API's spelling of UTC)."""
    return dt.astimezone(UTC).isoformat()[:-6] + "Z"


def _slots_as_datetimes(starts, length, viewer, mentor_zone) -> list[dict]:
    return [{"start": s, "end": s + length, "local_start": s.astimezone(viewer),
             "mentor_local_start": s.astimezone(mentor_zone)} for s in starts]


def _slots_as_iso(starts: list[int], length: timedelta, viewer, mentor_zone) -> list[dict]:
    # Text straight from the engine's epoch seconds (sessions.slot_text): formatting a month of
    # slots (hundreds of rows, four times each) through datetimes was the endpoint's largest cost
    # after the engine itself.
    text = IsoText()
    seconds = int(length.total_seconds())
    same_zone = viewer.key == mentor_zone.key
    rows = []
    for s in starts:
        local = text.local(s, viewer)
        rows.append({"start": text.utc(s), "end": text.utc(s + seconds), "local_start": local,
                     "mentor_local_start": local if same_zone else text.local(s, mentor_zone)})
    return rows


def mentor_slots_payload(*, mentor: SlotsMentor, query: dict, iso: bool = False) -> dict:
    """The free slots of a mentor for a parsed slot query (sessions.slot_query), each start in
    UTC, in the viewer's zone and in the mentor's: shared by the slots API and the picker page.
    `iso`: every time as an ISO 8601 string (UTC ones ending in Z), the API's shape; otherwise
    aware datetimes for the page. One query (the calendar)."""
    viewer = zoneinfo.ZoneInfo(query["tz"])
    duration = query["duration"]
    starts = []
    if mentor.accepting_bookings:
        calendar = load_calendar(mentor=mentor, start=query["start"], end=query["end"], policy=mentor.policy)
        find = engine.free_slot_seconds if iso else engine.free_slots
        starts = find(**calendar.engine_kwargs(), duration=duration, start=query["start"], end=query["end"],
                      now=timezone.now())
    rows = _slots_as_iso if iso else _slots_as_datetimes
    return {
        "mentor": {"id": mentor.pk, "timezone": mentor.timezone},
        "timezone": query["tz"],
        "duration": duration,
        "durations": mentor.session_lengths,
        "start": _utc_iso(query["start"]) if iso else query["start"],
        "end": _utc_iso(query["end"]) if iso else query["end"],
        "accepting_bookings": mentor.accepting_bookings,
        "slots": rows(starts, timedelta(minutes=duration), viewer, mentor.tzinfo),
    }


def slot_check_window(start: datetime) -> tuple[datetime, datetime]:
    """The range whose calendar slot_check needs to judge a start (caps count the whole local
    week; the calendar's margins widen this range to it)."""
    return start - timedelta(days=1), start + timedelta(days=1)


def slot_check(*, mentor: User, start: datetime, duration: int, now: datetime | None = None,
               exclude_booking_id: int | None = None, policy: BookingPolicy | None = None,
               calendar: MentorCalendar | None = None) -> None:
    """Raise BookingError unless `start` is a free slot of `duration` minutes for `mentor`.

    The booking service calls this inside its transaction, after locking the mentor's policy
    row; for a reschedule it passes the booking being moved as exclude_booking_id so that the
    booking does not collide with itself or count against its own caps. It passes the locked
    policy too, so the row is not read again. 400 for a start that is
    not bookable at all, 409 when it is bookable in principle but taken. `calendar`: the mentor's
    calendar for slot_check_window(start), when the caller has read it already (no query then).
    """
    if start.tzinfo is None:
        raise BookingError("Start must include a time zone.", field_errors={"start": ["Give the time zone, e.g. 2027-03-01T09:00:00Z."]})
    try:
        profile = mentor.mentor_profile
    except MentorProfile.DoesNotExist:
        profile = None
    if profile is None or not mentor.is_mentor:
        raise BookingError("This person is not a mentor.", code="not_found")
    if not profile.accepting_bookings:
        raise BookingError("This mentor is not taking new bookings right now.", field_errors={
            "start": ["This mentor is not taking new bookings right now."]}, code="not_accepting")
    if duration not in profile.session_lengths:
        offered = ", ".join(str(n) for n in profile.session_lengths)
        raise BookingError("Duration not offered.", code="duration_not_offered", field_errors={
            "duration": [f"This mentor offers sessions of {offered} minutes."]})
    now = now or timezone.now()
    if calendar is None:
        first, last = slot_check_window(start)
        calendar = load_calendar(mentor=mentor, start=first, end=last, exclude_booking_id=exclude_booking_id,
                                 policy=policy)
    reason = engine.diagnose_slot(**calendar.engine_kwargs(), duration=duration, start=start, now=now)
    if reason is None:
        return
    p = calendar.policy
    message = REASON_MESSAGES[reason].format(
        notice=p.min_notice_hours, horizon=p.horizon_days, granularity=p.slot_granularity_minutes,
        max_per_day=p.max_per_day, max_per_week=p.max_per_week, budget=p.weekly_budget_minutes, duration=duration)
    raise BookingError(message, code=reason,
                       field_errors={"start": [message]})


def mentors_free_slot_counts(*, mentor_ids, start: datetime, end: datetime, duration: int = 30,
                             now: datetime | None = None) -> dict[int, int]:
    """Number of free slots of `duration` minutes per mentor in [start, end), for the matching engine.

    Six queries however many mentors: users with profiles, policies, rules, overrides, bookings,
    and the busy intervals of their own calendars.
    Counts availability regardless of the lengths a mentor offers; a mentor who is not taking
    bookings (or unknown) counts 0.
    """
    ids = list(dict.fromkeys(int(i) for i in mentor_ids))
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    now = now or timezone.now()
    users = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("mentor_profile")}
    policies = {p.mentor_id: p for p in BookingPolicy.objects.filter(mentor_id__in=ids)}
    rules: dict[int, list[Rule]] = {}
    for r in AvailabilityRule.objects.filter(mentor_id__in=ids):
        rules.setdefault(r.mentor_id, []).append(_as_rule(r))
    first = start.date() - _OVERRIDE_MARGIN
    last = end.date() + _OVERRIDE_MARGIN
    overrides: dict[int, list[Override]] = {}
    for o in AvailabilityOverride.objects.filter(mentor_id__in=ids, start_date__lte=last, end_date__gte=first):
        overrides.setdefault(o.mentor_id, []).append(_as_override(o))
    bookings: dict[int, list[Busy]] = {}
    for b in Booking.objects.filter(mentor_id__in=ids, status__in=LIVE_STATUSES, end__gt=start - _BOOKING_MARGIN,
                                    start__lt=end + _BOOKING_MARGIN).only(
            "mentor_id", "start", "end", "blocked_start", "blocked_end"):
        bookings.setdefault(b.mentor_id, []).append(_as_busy(b))
    external: dict[int, list[ExternalBusy]] = {}
    for mentor_id, calendar_id, busy_start, busy_end in BusyInterval.objects.filter(
            mentor_id__in=ids, end__gt=start - _EXTERNAL_MARGIN, start__lt=end + _EXTERNAL_MARGIN).values_list(
            "mentor_id", "calendar_id", "start", "end"):
        external.setdefault(mentor_id, []).append(ExternalBusy(busy_start, busy_end, calendar_id))
    for pk, user in users.items():
        if not _accepting(user) or pk not in rules:
            continue
        policy = policies.get(pk) or BookingPolicy(mentor_id=pk)
        counts[pk] = engine.count_free_slots(
            zone=user.timezone or "UTC", rules=rules[pk], overrides=overrides.get(pk, []),
            bookings=bookings.get(pk, []), policy=engine_policy(policy), duration=duration, start=start, end=end,
            now=now, external=external.get(pk, []))
    return counts


# --- bookings as their people see them ----------------------------------------------------------
# One rule each for "visible to this user" and "my bookings", used by the pages and the API alike
# (they had drifted into two copies each, the way "bookable mentor" once had three).

# A call opens this long before the session starts (people join a little early to test audio).
JOIN_OPENS_BEFORE = timedelta(minutes=10)


def booking_can_join(*, booking: Booking, user: User, now: datetime | None = None) -> bool:
    """THE call-link rule: a participant of a confirmed session with a call link, from
    JOIN_OPENS_BEFORE before its start until its end. The session page and the home pages ask it."""
    now = now or timezone.now()
    return (booking.status == Booking.Status.CONFIRMED and booking.is_participant(user) and bool(booking.call_url)
            and booking.start - JOIN_OPENS_BEFORE <= now < booking.end)


BOOKING_ROLES = ("mentor", "mentee")
BOOKING_WHENS = ("upcoming", "past")


def bookings_visible(*, user: User) -> QuerySet[Booking]:
    """Every booking this user may look at: their own in either role; all of them for staff.
    Anyone else gets a 404 for a booking outside this set, never a 403 that confirms it exists."""
    qs = Booking.objects.select_related("mentor", "mentee", "program__organisation")
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    return qs.filter(Q(mentor=user) | Q(mentee=user))


def booking_visible_get(*, user: User, pk: int, with_events: bool = False) -> Booking | None:
    """One booking if this user may see it, else None (the caller answers 404)."""
    qs = bookings_visible(user=user)
    if with_events:
        qs = qs.prefetch_related("events")
    return qs.filter(pk=pk).first()


def bookings_mine(*, user: User, role: str = "", when: str = "", everyone: bool = False,
                  now: datetime | None = None) -> QuerySet[Booking]:
    """"My sessions": the user's bookings as mentor, as mentee (`role`) or both, upcoming (not yet
    ended, soonest first), past (latest first) or all (`when=""`, by start). `everyone` widens it to
    every booking for staff (ignored for anyone else). Both people come with each row, so a page of
    any length costs one query."""
    qs = Booking.objects.select_related("mentor", "mentee", "program__organisation")
    if everyone and user.is_staff:
        pass
    elif role == "mentor":
        qs = qs.filter(mentor=user)
    elif role == "mentee":
        qs = qs.filter(mentee=user)
    else:
        qs = qs.filter(Q(mentor=user) | Q(mentee=user))
    now = now or timezone.now()
    if when == "upcoming":
        return qs.filter(end__gt=now).order_by("start", "id")
    if when == "past":
        return qs.filter(end__lte=now).order_by("-start", "-id")
    return qs.order_by("start", "id")


def mentor_requests_waiting(*, mentor: User, now: datetime | None = None, limit: int = 50) -> list[Booking]:
    """The requests waiting for this mentor's answer, oldest first (the longest wait is answered
    first), each with `extended` (whether its answer time was extended already). One query."""
    now = now or timezone.now()
    extended = BookingEvent.objects.filter(booking_id=OuterRef("pk"), kind=BookingEvent.Kind.EXTENDED)
    return list(Booking.objects.select_related("mentee")
                .filter(mentor=mentor, status=Booking.Status.REQUESTED, expires_at__gt=now, start__gt=now)
                .annotate(extended=Exists(extended)).order_by("created_at", "id")[:limit])


def mentor_sessions_ahead(*, mentor: User, now: datetime | None = None, limit: int = 20) -> list[Booking]:
    """The mentor's confirmed sessions that have not ended, soonest first, with their mentees. One query."""
    now = now or timezone.now()
    return list(Booking.objects.select_related("mentee")
                .filter(mentor=mentor, status=Booking.Status.CONFIRMED, end__gt=now).order_by("start", "id")[:limit])


def booking_addresses_shared(*, booking: Booking) -> bool:
    """Whether the two people may see each other's email address (in invitations and feeds).

    Only once the mentor has confirmed: before that anyone signed in could request a slot,
    download the invitation, withdraw, and walk away with a mentor's private address (7 in 1.3 s).
    A session that was confirmed and later cancelled or completed keeps them: they were shared."""
    return booking.confirmed_at is not None or booking.status in (
        Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)


def booking_invite_method(*, booking: Booking) -> str | None:
    """What a participant's downloaded calendar invite says, or None when there is nothing for a
    calendar: a request is not a meeting yet, and a declined or expired one never was. A cancelled
    session's invite is a CANCEL, so a calendar that has it can drop it."""
    if booking.status in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW):
        return "REQUEST"
    if booking.status == Booking.Status.CANCELLED:
        return "CANCEL"
    return None


@dataclass(frozen=True)
class SharedMenteeProfile:
    """What a mentee chose to show the mentors they book (MenteeProfile.share_with_mentors)."""

    goals: str
    career_stage: str
    industries: list[str]
    earlier: list[Booking]  # their earlier sessions together, latest first


def mentee_shared_with(*, booking: Booking, viewer: User) -> SharedMenteeProfile | None:
    """For the booking's mentor only, and only if the mentee shares it; None otherwise."""
    if viewer.pk != booking.mentor_id:
        return None
    profile = (MenteeProfile.objects.filter(user_id=booking.mentee_id, share_with_mentors=True)
               .prefetch_related("industries").first())
    if profile is None:
        return None
    earlier = list(Booking.objects.filter(mentor_id=booking.mentor_id, mentee_id=booking.mentee_id,
                                          start__lt=booking.start,
                                          status__in=(Booking.Status.COMPLETED, Booking.Status.CONFIRMED))
                   .exclude(pk=booking.pk).only("pk", "start", "topic", "status").order_by("-start")[:5])
    return SharedMenteeProfile(goals=profile.goals, career_stage=profile.get_career_stage_display(),
                               industries=[i.name for i in profile.industries.all()], earlier=earlier)
