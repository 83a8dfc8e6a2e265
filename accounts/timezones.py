"""IANA time zones: validation and the list offered in forms."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def all_timezones() -> tuple[str, ...]:
    # Only canonical-looking names (Area/City) plus UTC; legacy aliases like "EST5EDT" still validate.
    return tuple(sorted(z for z in _known_zones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))) + ["UTC"])


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # available_timezones() walks the whole tz database on every call (tens of ms); pages
    # validate a zone for every time they show, so read it once per process.
    return frozenset(zoneinfo.available_timezones())


def is_valid_timezone(name: str) -> bool:
    if not name or name != name.strip():
        return False
    return name in _known_zones()


def validate_timezone(name: str) -> None:
    if not is_valid_timezone(name):
        raise ValidationError(f"“{name}” is not a known IANA time zone (for example Europe/Berlin).", code="invalid_timezone")


def timezone_choices() -> list[tuple[str, str]]:
    return [(z, z.replace("_", " ")) for z in all_timezones()]
