"""Busy intervals from an iCalendar feed: pure (bytes in, UTC intervals out; no database, no clock).

What a mentor's calendar means for their availability, and the traps each rule avoids:

* Recurrences are expanded by recurring-ical-events: RRULE, RDATE, EXDATE, and RECURRENCE-ID
  overrides (a moved occurrence blocks its new time, not its old one; an occurrence overridden
  with STATUS:CANCELLED blocks nothing). Series are expanded in their own zone, so a weekly 09:00
  Berlin meeting stays 09:00 Berlin across DST (an hour apart in UTC).
* Zones: the feed's VTIMEZONE definitions (icalendar reads them), IANA names, and the Windows
  names Outlook writes ("W. Europe Standard Time"), which icalendar maps to IANA zones when the
  feed carries no definition. Google's feeds name their zone in X-WR-TIMEZONE; x-wr-timezone
  rewrites such a feed to plain RFC 5545 first.
* Floating times (no zone) are the mentor's wall-clock times.
* All-day events (DTSTART;VALUE=DATE) block whole local days in the mentor's zone, DTEND
  exclusive (a 3-day holiday blocks three days), when the calendar's all_day_blocks is on.
* Never busy: STATUS:CANCELLED, TRANSP:TRANSPARENT (Google's "free"), Outlook's
  X-MICROSOFT-CDO-BUSYSTATUS:FREE. Tentative (STATUS:TENTATIVE or BUSYSTATUS TENTATIVE) is busy
  only when the calendar's tentative_busy is on.
* Only [start, end) in UTC is kept, merged where intervals overlap or touch: never titles,
  attendees or places.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import icalendar
import recurring_ical_events
import x_wr_timezone


class FeedError(ValueError):
    """The bytes are not an iCalendar feed we can read; the message is safe to show."""


@dataclass
class FeedBusy:
    events: int  # events in the feed (a recurring series counts once; overrides do not count)
    intervals: list[tuple[datetime, datetime]]  # merged, sorted, UTC, clipped to the window


def _aware(value, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    # A date: local midnight in the mentor's zone (DST-safe: the zone decides the offset that day).
    return datetime.combine(value, time(0)).replace(tzinfo=zone).astimezone(UTC)


def _text(component, name: str) -> str:
    value = component.get(name)
    return str(value).strip().upper() if value is not None else ""


def _is_busy(event, *, tentative_busy: bool) -> bool:
    status = _text(event, "STATUS")
    if status == "CANCELLED":
        return False
    if _text(event, "TRANSP") == "TRANSPARENT":
        return False
    busy_status = _text(event, "X-MICROSOFT-CDO-BUSYSTATUS")
    if busy_status == "FREE":
        return False
    if status == "TENTATIVE" or busy_status == "TENTATIVE":
        return tentative_busy
    return True


def _bounds(event, zone: tzinfo) -> tuple[datetime, datetime, bool] | None:
    start = event.get("DTSTART")
    if start is None:
        return None
    start = start.dt
    all_day = isinstance(start, date) and not isinstance(start, datetime)
    end = event.get("DTEND")
    if end is not None:
        end = end.dt
    elif event.get("DURATION") is not None:
        end = start + event["DURATION"].dt
    else:
        # RFC 5545: a date-only event without an end lasts the day; a timed one is an instant.
        end = start + timedelta(days=1) if all_day else start
    if isinstance(end, date) and not isinstance(end, datetime) and not all_day:
        end = datetime.combine(end, time(0))
    return _aware(start, zone), _aware(end, zone), all_day


def parse_feed(data: bytes | str) -> icalendar.Calendar:
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise FeedError("This is not an iCalendar feed (it could not be read as .ics).") from exc
    if calendar.name != "VCALENDAR":
        raise FeedError("This is not an iCalendar feed (no VCALENDAR).")
    try:
        return x_wr_timezone.to_standard(calendar)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return calendar  # an X-WR-TIMEZONE nobody knows: read the events' own zones


def busy_intervals(data: bytes | str | icalendar.Calendar, *, zone: str, start: datetime, end: datetime,
                   all_day_blocks: bool = True, tentative_busy: bool = True) -> FeedBusy:
    """Busy intervals of a feed within [start, end) (aware datetimes); `zone`: the mentor's IANA
    zone, for floating times and all-day events."""
    calendar = data if isinstance(data, icalendar.Calendar) else parse_feed(data)
    tz = zoneinfo.ZoneInfo(zone)
    events = sum(1 for c in calendar.walk("VEVENT") if c.get("RECURRENCE-ID") is None)
    # Expanded in local wall time with a day of margin either side (floating and all-day events
    # are local), then clipped in UTC.
    lo = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    hi = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    try:
        occurrences = recurring_ical_events.of(calendar, skip_bad_series=True).between(lo, hi)
    except (ValueError, TypeError, KeyError) as exc:
        raise FeedError("The feed's events could not be expanded (a broken recurrence or date).") from exc
    spans: list[tuple[datetime, datetime]] = []
    for event in occurrences:
        if not _is_busy(event, tentative_busy=tentative_busy):
            continue
        bounds = _bounds(event, tz)
        if bounds is None:
            continue
        a, b, all_day = bounds
        if all_day and not all_day_blocks:
            continue
        a, b = max(a, start), min(b, end)
        if a < b:
            spans.append((a, b))
    spans.sort()
    merged: list[list[datetime]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return FeedBusy(events=events, intervals=[(a, b) for a, b in merged])
