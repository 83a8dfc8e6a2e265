"""Writes for availability: weekly rules, date overrides and the booking policy.

Every write runs in one transaction, validates everything before touching a row (so a bad
request never leaves a partial write), and tells matching that this mentor's free time changed
(inside the transaction: the trigger enqueues its recompute on commit), and so does the
directory's read model of free times (sessions.services.free_times, on commit).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import mentor_availability_set
from matching import triggers
from mentorship.datetimes import OUT_OF_RANGE, date_in_range
from mentorship.text import text_errors
from sessions.errors import BookingError
from sessions.models import AvailabilityOverride, AvailabilityRule, BookingPolicy
from sessions.services.free_times import mentor_free_times_changed

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_WINDOWS_PER_DAY = 8
MAX_OVERRIDE_DAYS = 366
POLICY_FIELDS = (
    "buffer_before_minutes", "buffer_after_minutes", "min_notice_hours", "horizon_days", "max_per_day",
    "max_per_week", "weekly_budget_minutes", "requires_approval", "slot_granularity_minutes",
)


def mentor_has_availability(*, mentor: User, today: date | None = None) -> bool:
    """Some free time in the coming weeks: a weekly window (it recurs), or a dated window that is
    not over yet. Part of the profile-completeness rule (accounts.completeness): a mentor with
    neither is a draft. Overrides that block every coming week are rare enough not to count."""
    today = today or timezone.now().astimezone(mentor.tzinfo).date()
    return (AvailabilityRule.objects.filter(mentor=mentor).exists()
            or AvailabilityOverride.objects.filter(mentor=mentor, start_time__isnull=False, end_date__gte=today).exists())


def _availability_changed(mentor: User) -> None:
    # Inside the caller's transaction: the listing changes with the availability or not at all.
    triggers.mentors_changed(mentor_ids=[mentor.pk])
    mentor_availability_set(mentor_id=mentor.pk, has_availability=mentor_has_availability(mentor=mentor))
    mentor_free_times_changed(mentor_ids=[mentor.pk])


def _require_mentor(mentor: User) -> None:
    if not (mentor.is_authenticated and mentor.is_mentor):
        raise BookingError("Only mentors have availability.", code="not_a_mentor")


def _minute(t: time) -> time:
    # The engine works in whole minutes; seconds typed by an API client would only confuse it.
    return t.replace(second=0, microsecond=0)


def _hm(t: time) -> str:
    return f"{t:%H:%M}"


def _normalise_rules(rules: Iterable) -> list[tuple[int, time, time]]:
    """Accept dicts {"weekday", "start", "end"} or (weekday, start, end) tuples; validate all first."""
    parsed: list[tuple[int, time, time]] = []
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(rules):
        if isinstance(item, dict):
            weekday, start, end = item.get("weekday"), item.get("start"), item.get("end")
        else:
            weekday, start, end = item
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors.setdefault("rules", []).append(f"Window {index + 1}: the weekday must be 0 (Monday) to 6 (Sunday).")
            continue
        if not isinstance(start, time) or not isinstance(end, time):
            errors.setdefault(WEEKDAYS[weekday].lower(), []).append(f"{WEEKDAYS[weekday]}: give a start and an end time.")
            continue
        start, end = _minute(start), _minute(end)
        if start >= end:
            errors.setdefault(WEEKDAYS[weekday].lower(), []).append(
                f"{WEEKDAYS[weekday]}: {_hm(start)}-{_hm(end)} ends before it starts.")
            continue
        parsed.append((weekday, start, end))
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in parsed:
        by_day.setdefault(weekday, []).append((start, end))
    for weekday, windows in by_day.items():
        windows.sort()
        if len(windows) > MAX_WINDOWS_PER_DAY:
            errors.setdefault(WEEKDAYS[weekday].lower(), []).append(
                f"{WEEKDAYS[weekday]}: at most {MAX_WINDOWS_PER_DAY} windows a day.")
        for (a_start, a_end), (b_start, b_end) in zip(windows, windows[1:], strict=False):
            if b_start < a_end:
                errors.setdefault(WEEKDAYS[weekday].lower(), []).append(
                    f"{WEEKDAYS[weekday]}: {_hm(a_start)}-{_hm(a_end)} overlaps {_hm(b_start)}-{_hm(b_end)}.")
    if errors:
        raise BookingError("Some availability windows are not valid.", field_errors=errors, code="invalid_rules")
    return parsed


@transaction.atomic
def availability_set_weekly(*, mentor: User, rules: Iterable) -> list[AvailabilityRule]:
    """Replace all of the mentor's weekly windows at once (the editor always sends the whole week)."""
    _require_mentor(mentor)
    parsed = _normalise_rules(rules)
    # Lock the policy row: the booking service locks the same row, so a booking being checked
    # against the old rules finishes before the rules change under it.
    BookingPolicy.objects.select_for_update().get_or_create(mentor=mentor)
    AvailabilityRule.objects.filter(mentor=mentor).delete()
    created = AvailabilityRule.objects.bulk_create(
        [AvailabilityRule(mentor=mentor, weekday=w, start_time=s, end_time=e) for w, s, e in parsed])
    _availability_changed(mentor)
    return sorted(created, key=lambda r: (r.weekday, r.start_time))


@transaction.atomic
def override_create(*, mentor: User, start_date: date, end_date: date | None = None, start_time: time | None = None,
                    end_time: time | None = None, note: str = "", today: date | None = None) -> AvailabilityOverride:
    """Block dates (no times) or replace their windows with start_time-end_time (mentor's local time)."""
    _require_mentor(mentor)
    end_date = end_date or start_date
    today = today or timezone.now().astimezone(mentor.tzinfo).date()
    errors: dict[str, list[str]] = {}
    for field, value in (("start_date", start_date), ("end_date", end_date)):
        if not date_in_range(value):
            errors[field] = [OUT_OF_RANGE]
    if errors:
        raise BookingError("The override is not valid.", field_errors=errors, code="invalid_override")
    if end_date < start_date:
        errors["end_date"] = ["The last day is before the first day."]
    elif (end_date - start_date).days + 1 > MAX_OVERRIDE_DAYS:
        errors["end_date"] = [f"An override covers at most {MAX_OVERRIDE_DAYS} days."]
    if end_date < today:
        errors.setdefault("end_date", []).append("These dates are already in the past.")
    if (start_time is None) != (end_time is None):
        errors["end_time" if end_time is None else "start_time"] = [
            "Give both a start and an end time, or neither to block the whole day."]
    elif start_time is not None:
        start_time, end_time = _minute(start_time), _minute(end_time)
        if start_time >= end_time:
            errors["end_time"] = ["The end time must be after the start time."]
    if len(note) > 120:
        errors["note"] = ["At most 120 characters."]
    errors.update(text_errors(single_line={"note": note}))
    if errors:
        raise BookingError("The override is not valid.", field_errors=errors, code="invalid_override")
    override = AvailabilityOverride.objects.create(mentor=mentor, start_date=start_date, end_date=end_date,
                                                   start_time=start_time, end_time=end_time, note=note)
    _availability_changed(mentor)
    return override


@transaction.atomic
def override_delete(*, mentor: User, override_id: int) -> None:
    _require_mentor(mentor)
    deleted, _ = AvailabilityOverride.objects.filter(mentor=mentor, pk=override_id).delete()
    if not deleted:
        # Someone else's override looks exactly like a missing one: no information leaks.
        raise BookingError("No such override.", code="not_found")
    _availability_changed(mentor)


@transaction.atomic
def policy_update(*, mentor: User, **fields) -> BookingPolicy:
    """Change some booking settings; unknown fields and invalid values are refused, nothing is saved."""
    _require_mentor(mentor)
    unknown = sorted(set(fields) - set(POLICY_FIELDS))
    if unknown:
        raise BookingError("Unknown settings.", field_errors={name: ["Not a booking setting."] for name in unknown})
    policy, _ = BookingPolicy.objects.select_for_update().get_or_create(mentor=mentor)
    for name, value in fields.items():
        setattr(policy, name, value)
    try:
        policy.full_clean()
    except ValidationError as exc:
        raise BookingError("Some booking settings are not valid.", field_errors=exc.message_dict,
                           code="invalid_policy")
    policy.save()
    triggers.mentors_changed(mentor_ids=[mentor.pk])
    mentor_free_times_changed(mentor_ids=[mentor.pk])
    return policy


def availability_seed_demo(*, mentor: User, rng: random.Random) -> None:
    """Give a demo mentor a believable week: a few weekdays with a morning and/or afternoon
    window or an evening slot, a realistic policy and sometimes a holiday."""
    patterns = [
        [(time(9), time(12)), (time(14), time(17, 30))],
        [(time(8, 30), time(11))],
        [(time(13), time(16))],
        [(time(18), time(20, 30))],
        [(time(7), time(8, 30)), (time(12), time(13))],
    ]
    days = sorted(rng.sample(range(7), rng.choice([2, 3, 3, 4, 5])))
    rules = [(day, start, end) for day in days for start, end in rng.choice(patterns)]
    availability_set_weekly(mentor=mentor, rules=rules)
    policy_update(
        mentor=mentor,
        buffer_before_minutes=rng.choice([0, 0, 5, 10]),
        buffer_after_minutes=rng.choice([0, 5, 10, 15]),
        min_notice_hours=rng.choice([2, 12, 24, 48]),
        horizon_days=rng.choice([14, 30, 60]),
        max_per_day=rng.choice([None, 2, 3, 4]),
        max_per_week=rng.choice([None, 5, 8]),
        weekly_budget_minutes=rng.choice([None, 120, 180, 300]),
        requires_approval=rng.random() < 0.3,
    )
    if rng.random() < 0.4:
        today = timezone.now().astimezone(mentor.tzinfo).date()
        first = today + timedelta(days=rng.randint(7, 40))
        override_create(mentor=mentor, start_date=first, end_date=first + timedelta(days=rng.randint(0, 6)),
                        note="Holiday", today=today)
