"""The slot query (?start=&end=&duration=&tz=), read the same way by the slots API and the slot
picker page: both call slot_query_parse, so they accept, default and refuse the same things with
the same words. Plain Python, so pages do not import API modules to share it.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from accounts.timezones import is_valid_timezone
from mentorship.datetimes import OUT_OF_RANGE, date_in_range, datetime_in_range
from sessions.errors import BookingError

MAX_RANGE_DAYS = 90
DEFAULT_RANGE_DAYS = 14

_OUT_OF_RANGE = object()


def viewer_zone(request) -> str:
    """The zone to show slots in when the query names none: the signed-in user's, else the
    visitor's (set by the time-zone middleware from the browser), else UTC."""
    user = request.user
    if user.is_authenticated and user.timezone:
        return user.timezone
    return getattr(request, "tz_name", None) or "UTC"


def _parse_bound(value: str, zone: zoneinfo.ZoneInfo, *, is_end: bool):
    """A date means the start of that day in `zone` (for `end`: the end of that day, inclusive);
    a datetime without an offset is read in `zone`. None when unreadable, _OUT_OF_RANGE when
    outside mentorship.datetimes' bounds (checked before the day is added: 9999-12-31 + 1 day
    does not exist)."""
    value = value.strip()
    try:
        # Date first: parse_datetime would also read "2027-03-01" as midnight, losing the
        # "whole day, inclusive" meaning of a date given as the end.
        parsed_d = parse_date(value)
        parsed_dt = None if parsed_d else parse_datetime(value)
    except ValueError:
        return None
    if parsed_dt is not None:
        parsed_dt = parsed_dt if parsed_dt.tzinfo else parsed_dt.replace(tzinfo=zone)
        return parsed_dt if datetime_in_range(parsed_dt) else _OUT_OF_RANGE
    if parsed_d is not None:
        if not date_in_range(parsed_d):
            return _OUT_OF_RANGE
        day: date = parsed_d + timedelta(days=1) if is_end else parsed_d
        return datetime.combine(day, time(0)).replace(tzinfo=zone)
    return None


def slot_query_parse(*, start: str = "", end: str = "", duration=None, tz: str = "",
                     lengths: list[int] | None = None, default_tz: str = "UTC") -> dict:
    """{start, end (aware), duration, tz} for a slot query, or BookingError (400) with an error
    per field. Defaults: today in `tz`, 14 days, 30 minutes if offered (else the first length)."""
    lengths = list(settings.SESSION_LENGTHS) if lengths is None else list(lengths)
    errors: dict[str, list[str]] = {}
    if tz and not is_valid_timezone(tz):
        errors["tz"] = [f"“{tz}” is not a known IANA time zone (for example Europe/Berlin)."]
    if duration not in (None, ""):
        try:
            duration = int(duration)
        except (TypeError, ValueError):
            errors["duration"] = ["A valid integer is required."]
        else:
            if duration not in lengths:
                offered = ", ".join(str(n) for n in lengths) or "none"
                errors["duration"] = [f"This mentor offers sessions of {offered} minutes."]
    else:
        duration = None
    if errors.get("tz"):
        raise BookingError("Please correct the errors below.", field_errors=errors)
    tz_name = tz or default_tz
    zone = zoneinfo.ZoneInfo(tz_name)
    if start:
        start_at = _parse_bound(start, zone, is_end=False)
        if start_at is None:
            errors["start"] = ["Give a date (2027-03-01) or a datetime (2027-03-01T09:00:00Z)."]
        elif start_at is _OUT_OF_RANGE:
            errors["start"] = [OUT_OF_RANGE]
    else:
        start_at = datetime.combine(timezone.now().astimezone(zone).date(), time(0)).replace(tzinfo=zone)
    if end:
        end_at = _parse_bound(end, zone, is_end=True)
        if end_at is None:
            errors["end"] = ["Give a date (2027-03-14) or a datetime (2027-03-14T18:00:00Z)."]
        elif end_at is _OUT_OF_RANGE:
            errors["end"] = [OUT_OF_RANGE]
    elif "start" not in errors:
        end_at = start_at + timedelta(days=DEFAULT_RANGE_DAYS)
    if not errors:
        if end_at <= start_at:
            errors["end"] = ["The end must be after the start."]
        elif end_at - start_at > timedelta(days=MAX_RANGE_DAYS):
            errors["end"] = [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]
    if errors:
        raise BookingError("Please correct the errors below.", field_errors=errors)
    return {"start": start_at, "end": end_at, "tz": tz_name,
            "duration": duration or (30 if 30 in lengths else (lengths or [30])[0])}
