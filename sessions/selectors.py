"""Reads for availability and slots: load one mentor's calendar in a fixed number of queries and ask
the pure slot engine (sessions/slots.py) about it.

Loading a mentor costs four queries whatever the range: policy, rules, overrides covering the
range, live bookings near the range. Bookings are loaded for whole local ISO weeks around the
range (plus a day of margin for zone offsets) because caps and the weekly budget count bookings
outside the requested range too.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import MentorProfile, User
from sessions import slots as engine
from sessions.errors import BookingError
from sessions.models import LIVE_STATUSES, AvailabilityOverride, AvailabilityRule, Booking, BookingPolicy
from sessions.slots import Busy, Override, Policy, Rule

# Any date range the engine looks at is widened by this much to find bookings whose local ISO
# week touches it (7 days for the week, 1 day for the largest UTC offset, plus buffers).
_BOOKING_MARGIN = timedelta(days=9)
_OVERRIDE_MARGIN = timedelta(days=2)

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

    def engine_kwargs(self) -> dict:
        return dict(zone=self.zone, rules=self.rules, overrides=self.overrides, bookings=self.bookings,
                    policy=engine_policy(self.policy))


def _as_rule(r) -> Rule:
    return Rule(r.weekday, r.start_time, r.end_time)


def _as_override(o) -> Override:
    return Override(o.start_date, o.end_date, o.start_time, o.end_time)


def _as_busy(b) -> Busy:
    return Busy(b.start, b.end, b.blocked_start, b.blocked_end)


def _local_dates(zone, start: datetime, end: datetime):
    return (start.astimezone(zone).date() - _OVERRIDE_MARGIN, end.astimezone(zone).date() + _OVERRIDE_MARGIN)


def load_calendar(*, mentor: User, start: datetime, end: datetime, exclude_booking_id: int | None = None,
                  policy: BookingPolicy | None = None) -> MentorCalendar:
    """Four queries: policy, rules, overrides touching the range, live bookings near the range.
    Three when the caller passes the policy it already holds (the booking services lock it)."""
    zone = mentor.tzinfo
    first, last = _local_dates(zone, start, end)
    policy = policy or policy_for(mentor=mentor)
    rules = [_as_rule(r) for r in AvailabilityRule.objects.filter(mentor=mentor)]
    overrides = [_as_override(o) for o in AvailabilityOverride.objects.filter(
        mentor=mentor, start_date__lte=last, end_date__gte=first)]
    bookings = Booking.objects.filter(mentor=mentor, status__in=LIVE_STATUSES,
                                      end__gt=start - _BOOKING_MARGIN, start__lt=end + _BOOKING_MARGIN)
    if exclude_booking_id is not None:
        bookings = bookings.exclude(pk=exclude_booking_id)
    busy = [_as_busy(b) for b in bookings.only("start", "end", "blocked_start", "blocked_end")]
    return MentorCalendar(zone=mentor.timezone or "UTC", policy=policy, rules=rules, overrides=overrides, bookings=busy)


def _accepting(mentor: User) -> bool:
    try:
        profile = mentor.mentor_profile
    except MentorProfile.DoesNotExist:
        return False
    return bool(mentor.is_mentor and mentor.is_active and profile.accepting_bookings)


def mentor_slots(*, mentor: User, start: datetime, end: datetime, duration: int, now: datetime | None = None) -> list[datetime]:
    """Free UTC starts of `duration` minutes in [start, end). Pass a mentor loaded with
    select_related("mentor_profile") to keep the count at four queries."""
    if not _accepting(mentor):
        return []
    now = now or timezone.now()
    calendar = load_calendar(mentor=mentor, start=start, end=end)
    return engine.free_slots(**calendar.engine_kwargs(), duration=duration, start=start, end=end, now=now)


def mentor_slots_payload(*, mentor: User, query: dict) -> dict:
    """The free slots of a mentor for a parsed slot query (sessions.slot_query), each start in
    UTC, in the viewer's zone and in the mentor's: shared by the slots API and the picker page."""
    viewer = zoneinfo.ZoneInfo(query["tz"])
    mentor_zone = mentor.tzinfo
    duration = query["duration"]
    starts = mentor_slots(mentor=mentor, start=query["start"], end=query["end"], duration=duration)
    length = timedelta(minutes=duration)
    slots = [{
        "start": s, "end": s + length,
        "local_start": s.astimezone(viewer),
        "mentor_local_start": s.astimezone(mentor_zone),
    } for s in starts]
    return {
        "mentor": {"id": mentor.pk, "timezone": mentor.timezone},
        "timezone": query["tz"],
        "duration": duration,
        "durations": mentor.mentor_profile.session_lengths,
        "start": query["start"], "end": query["end"],
        "accepting_bookings": mentor.mentor_profile.accepting_bookings,
        "slots": slots,
    }


def slot_check(*, mentor: User, start: datetime, duration: int, now: datetime | None = None,
               exclude_booking_id: int | None = None, policy: BookingPolicy | None = None) -> None:
    """Raise BookingError unless `start` is a free slot of `duration` minutes for `mentor`.

    The booking service calls this inside its transaction, after locking the mentor's policy
    row; for a reschedule it passes the booking being moved as exclude_booking_id so that the
    booking does not collide with itself or count against its own caps. It passes the locked
    policy too, so the row is not read again. 400 for a start that is
    not bookable at all, 409 when it is bookable in principle but taken.
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
    calendar = load_calendar(mentor=mentor, start=start - timedelta(days=1), end=start + timedelta(days=1),
                             exclude_booking_id=exclude_booking_id, policy=policy)
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

    Five queries however many mentors: users with profiles, policies, rules, overrides, bookings.
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
    for pk, user in users.items():
        if not _accepting(user) or pk not in rules:
            continue
        policy = policies.get(pk) or BookingPolicy(mentor_id=pk)
        counts[pk] = engine.count_free_slots(
            zone=user.timezone or "UTC", rules=rules[pk], overrides=overrides.get(pk, []),
            bookings=bookings.get(pk, []), policy=engine_policy(policy), duration=duration, start=start, end=end,
            now=now)
    return counts


# --- bookings as their people see them ----------------------------------------------------------
# One rule each for "visible to this user" and "my bookings", used by the pages and the API alike
# (they had drifted into two copies each, the way "bookable mentor" once had three).

BOOKING_ROLES = ("mentor", "mentee")
BOOKING_WHENS = ("upcoming", "past")


def bookings_visible(*, user: User) -> QuerySet[Booking]:
    """Every booking this user may look at: their own in either role; all of them for staff.
    Anyone else gets a 404 for a booking outside this set, never a 403 that confirms it exists."""
    qs = Booking.objects.select_related("mentor", "mentee")
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
    qs = Booking.objects.select_related("mentor", "mentee")
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
