"""Show times in the viewer's zone, always with the zone named.

    {% load tz_display %}
    {{ booking.start|in_zone:request.tz_name }}        -> "Mon 2 Mar 2027, 09:00 CET (Europe/Berlin)"
    {{ booking.start|in_zone_time:viewer.timezone }}   -> "09:00 CET"
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import template

from accounts.timezones import cached_zone, is_valid_timezone

register = template.Library()


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    return cached_zone(name if name and is_valid_timezone(name) else "UTC")


def format_in_zone(value: datetime, zone_name: str | None, *, with_date: bool = True) -> str:
    if not isinstance(value, datetime):
        return ""
    local = value.astimezone(_zone(zone_name))
    abbrev = local.tzname() or ""
    time_part = f"{local:%H:%M} {abbrev}".strip()
    if not with_date:
        return time_part
    date_part = f"{local:%a} {local.day} {local:%b %Y}, {time_part}"
    # The zone is named once: "12:00 UTC", not "12:00 UTC (UTC)"; "12:00 CET (Europe/Berlin)".
    return date_part if abbrev == local.tzinfo.key else f"{date_part} ({local.tzinfo.key})"


@register.filter
def in_zone(value, zone_name=None):
    return format_in_zone(value, zone_name)


@register.filter
def in_zone_time(value, zone_name=None):
    return format_in_zone(value, zone_name, with_date=False)
