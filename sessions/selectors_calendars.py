"""Reads for a mentor's own calendars, and the mentor's "why is this time not offered?".

calendars_of: the mentor's calendars with their next busy interval, in one query whatever their
number. slot_explain: one start judged by the slot engine's explain_slot (the same engine and
the same inputs as the slots the mentees see), worded for the mentor.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import MentorProfile, User
from sessions import slots as engine
from sessions.models import BusyInterval, ExternalCalendar
from sessions.selectors import load_calendar


def calendars_of(*, mentor: User, now: datetime | None = None) -> QuerySet[ExternalCalendar]:
    """The mentor's calendars, each with next_busy_start / next_busy_end (None when nothing is
    coming up): one query."""
    now = now or timezone.now()
    upcoming = BusyInterval.objects.filter(calendar=OuterRef("pk"), end__gt=now).order_by("start")
    return (ExternalCalendar.objects.filter(mentor=mentor)
            .annotate(next_busy_start=Subquery(upcoming.values("start")[:1]),
                      next_busy_end=Subquery(upcoming.values("end")[:1]))
            .order_by("name", "id"))


def calendar_of(*, mentor: User, calendar_id: int, now: datetime | None = None) -> ExternalCalendar | None:
    """One of the mentor's calendars, or None for anyone else's (the caller answers 404)."""
    return calendars_of(mentor=mentor, now=now).filter(pk=calendar_id).first()


def next_busy_text(calendar: ExternalCalendar, zone: str) -> str:
    """ "Tue 3 Nov 09:00–10:00 CET (Europe/Berlin)" in the mentor's zone (the zone named), across
    days "Wed 18 Nov 00:00 – Sat 21 Nov 00:00 CET (Europe/Berlin)", or "none coming up"."""
    start = getattr(calendar, "next_busy_start", None)
    end = getattr(calendar, "next_busy_end", None)
    if start is None or end is None:
        return "none coming up"
    tz = zoneinfo.ZoneInfo(zone or "UTC")
    a, b = start.astimezone(tz), end.astimezone(tz)
    named = "" if b.tzname() == tz.key else f" ({tz.key})"
    if a.date() == b.date():
        return f"{a:%a} {a.day} {a:%b} {a:%H:%M}–{b:%H:%M} {b.tzname()}{named}"
    return f"{a:%a} {a.day} {a:%b} {a:%H:%M} – {b:%a} {b.day} {b:%b} {b:%H:%M} {b.tzname()}{named}"


def calendar_summary(calendar: ExternalCalendar, zone: str) -> str:
    """What the mentor sees after adding or refreshing: "212 events, next busy: …"."""
    events = f"{calendar.event_count} event{'s' if calendar.event_count != 1 else ''}"
    return f"{events}, next busy: {next_busy_text(calendar, zone)}"


@dataclass(frozen=True)
class SlotExplanation:
    offered: bool
    code: str
    message: str


def _words(reason: engine.Explanation, *, policy, duration: int, names: dict[int, str]) -> str:
    code = reason.code
    if code == engine.PAST:
        return "That time has already passed."
    if code == engine.NOTICE:
        return f"It is inside your minimum notice of {policy.min_notice_hours} hours."
    if code == engine.HORIZON:
        return f"It is more than {policy.horizon_days} days ahead, beyond your booking horizon."
    if code == engine.OUTSIDE:
        return f"It is outside your hours: the whole {duration}-minute session must fit inside your availability."
    if code == engine.NOT_ALIGNED:
        return (f"Sessions start on your {policy.slot_granularity_minutes}-minute grid, counted from the start "
                "of your window; that time is between two starts.")
    if code == engine.DAY_CAP:
        return f"Your daily cap of {policy.max_per_day} session{'s' if policy.max_per_day != 1 else ''} is reached that day."
    if code == engine.WEEK_CAP:
        return f"Your weekly cap of {policy.max_per_week} session{'s' if policy.max_per_week != 1 else ''} is reached that week."
    if code == engine.BUDGET:
        return (f"Your weekly budget of {policy.weekly_budget_minutes} minutes leaves no room for another "
                f"{duration} minutes that week.")
    if code == engine.BOOKED:
        return "It is already booked: you have a session at that time."
    if code == engine.BUFFER:
        return (f"It falls in the buffer around a session ({policy.buffer_before_minutes} minutes before, "
                f"{policy.buffer_after_minutes} after).")
    if code == engine.CALENDAR_BUSY:
        name = names.get(reason.calendar_id, "one of your calendars")
        if reason.via_buffer:
            return (f"An event in your calendar “{name}” falls in your buffer ({policy.buffer_before_minutes} "
                    f"minutes before, {policy.buffer_after_minutes} after).")
        return f"You are busy in your calendar “{name}” at that time."
    return "That time is not offered."


def slot_explain(*, mentor: User, start: datetime, duration: int, now: datetime | None = None) -> SlotExplanation:
    """Why `start` is (not) offered to mentees for a `duration`-minute session: three queries
    (the profile, the policy with the calendar, the calendars' names when one is to blame)."""
    now = now or timezone.now()
    profile = MentorProfile.objects.filter(user=mentor).first()
    if profile is None or not profile.accepting_bookings:
        return SlotExplanation(False, "not_accepting", "You are not taking bookings right now, so no time is offered.")
    if duration not in profile.session_lengths:
        return SlotExplanation(False, "duration_not_offered", f"You do not offer {duration}-minute sessions.")
    calendar = load_calendar(mentor=mentor, start=start - timedelta(days=1), end=start + timedelta(days=1))
    reason = engine.explain_slot(**calendar.engine_kwargs(), duration=duration, start=start, now=now)
    if reason is None:
        return SlotExplanation(True, "offered", "This time is offered to mentees.")
    names = {}
    if reason.code == engine.CALENDAR_BUSY:
        names = dict(ExternalCalendar.objects.filter(mentor=mentor).values_list("pk", "name"))
    return SlotExplanation(False, reason.code, _words(reason, policy=calendar.policy, duration=duration, names=names))
