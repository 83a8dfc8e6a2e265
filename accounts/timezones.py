"""IANA time zones: validation and the list offered in forms."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def all_timezones() -> tuple[str, ...]:
    # Only canonical-looking names (Area/City) plus UTC; legacy aliases like "EST5EDT" still validate.
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))) + ["UTC"])


def is_valid_timezone(name: str) -> bool:
    if not name or name != name.strip():
        return False
    return name in zoneinfo.available_timezones()


def validate_timezone(name: str) -> None:
    if not is_valid_timezone(name):
        raise ValidationError(f"“{name}” is not a known IANA time zone (for example Europe/Berlin).", code="invalid_timezone")


def timezone_choices() -> list[tuple[str, str]]:
    return [(z, z.replace("_", " ")) for z in all_timezones()]
