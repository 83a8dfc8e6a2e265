"""IANA time zones: validation, canonical names and the list offered in forms.

The tz database keeps hundreds of old names as links to the zone that replaced them
(`Asia/Calcutta` -> `Asia/Kolkata`, `US/Eastern` -> `America/New_York`). They stay valid, so old
profiles and browsers that report them keep working, but the platform stores and offers only the
canonical name: one zone appears once in the list, and two people in Kolkata share one spelling.

Canonical means "listed in zone.tab" (one or more zones per country; it keeps country zones such as
Africa/Addis_Ababa that the main data merged into another zone) plus UTC. The links come from the
compiled `tzdata.zi` of the same database zoneinfo reads: the system's, else the tzdata package's.
"""

from __future__ import annotations

import importlib.resources
import zoneinfo
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

UTC_ALIASES = frozenset({"Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0",
                         "Etc/GMT-0", "Etc/Greenwich", "GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich", "UCT",
                         "Universal", "Zulu"})


def _tz_file(name: str) -> str:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return (importlib.resources.files("tzdata.zoneinfo") / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # available_timezones() walks the whole tz database on every call (tens of ms); pages
    # validate a zone for every time they show, so read it once per process.
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def _links() -> dict[str, str]:
    """alias -> target, from the `L target alias` lines of tzdata.zi."""
    links = {}
    for line in _tz_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


@lru_cache(maxsize=1)
def all_timezones() -> tuple[str, ...]:
    """The canonical zones offered in forms, sorted, UTC last."""
    listed = {line.split("\t")[2] for line in _tz_file("zone.tab").splitlines()
              if line and not line.startswith("#") and len(line.split("\t")) >= 3}
    zones = listed & _known_zones()
    if not zones:  # no zone.tab anywhere: fall back to Area/City names that are not links
        links = _links()
        zones = {z for z in _known_zones() if "/" in z and z not in links
                 and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))}
    return (*sorted(zones), "UTC")


@lru_cache(maxsize=1)
def _canonical_set() -> frozenset[str]:
    return frozenset(all_timezones())


def canonical_timezone(name: str) -> str:
    """The canonical spelling of a zone (aliases followed to their zone); unknown names unchanged."""
    canonical = _canonical_set()  # built once: the middleware asks this on every visitor's request
    if name in canonical or not is_valid_timezone(name):
        return name
    if name in UTC_ALIASES:
        return "UTC"
    links, seen, current = _links(), set(), name
    while current in links and current not in seen:
        seen.add(current)
        current = links[current]
        if current in canonical:
            return current
        if current in UTC_ALIASES:
            return "UTC"
    return name


@lru_cache(maxsize=2048)
def cached_zone(name: str) -> zoneinfo.ZoneInfo:
    """ZoneInfo(name), kept for the life of the process. zoneinfo's own cache holds only the 8 zones
    used last (the rest weakly): a booking between people in other zones read the tz file from disk
    again (~1 ms of a booking's CPU). The tz database has a few hundred names, so this stays small."""
    return zoneinfo.ZoneInfo(name)


def is_valid_timezone(name: str) -> bool:
    """O(1): a lookup in the zone set read once per process (token authentication and the time-zone
    middleware ask it on every request; listing the tz database costs milliseconds each time)."""
    if not name or name != name.strip():
        return False
    return name in _known_zones()


def validate_timezone(name: str) -> None:
    if not is_valid_timezone(name):
        raise ValidationError(f"“{name}” is not a known IANA time zone (for example Europe/Berlin).", code="invalid_timezone")


def _label(zone: str) -> str:
    return zone.partition("/")[2].replace("_", " ") or zone


def timezone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Canonical zones grouped by region ("Europe": [("Europe/Berlin", "Berlin"), ...]), for <optgroup>s."""
    groups: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
    for zone in all_timezones():
        region = zone.partition("/")[0] if "/" in zone else "UTC"
        groups.setdefault(region, []).append((zone, _label(zone)))
    return list(groups.items())




class TimezoneChoiceField(forms.ChoiceField):
    """A <select> of canonical zones grouped by region that also accepts an alias and answers
    its canonical name, so "Asia/Calcutta" from an old bookmark or browser becomes "Asia/Kolkata".
    A stored alias is shown as its canonical zone, which is then what the next save writes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", timezone_choices)
        kwargs.setdefault("widget", TimezoneSelect())
        super().__init__(**kwargs)

    def to_python(self, value):
        return canonical_timezone(super().to_python(value).strip())

    def prepare_value(self, value):
        return canonical_timezone(value) if isinstance(value, str) else value


class TimezoneSelect(forms.Select):
    """The grouped select plus a filter box that a small script shows (the select alone works
    without JavaScript)."""

    template_name = "django/forms/widgets/timezone_select.html"
