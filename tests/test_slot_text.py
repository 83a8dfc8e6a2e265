"""sessions.slot_text writes exactly what datetime.isoformat() writes, in every zone: UTC with a Z,
local times with their offset, on days with a DST change (converted slot by slot there), around
odd offsets (+05:45, +10:30 that moves by half an hour, -03:30) and historic ones with seconds."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from sessions.slot_text import IsoText

ZONES = sorted(zoneinfo.available_timezones())
# 1850 to 2100: local mean times with seconds in their offsets, decades of DST rules, the future.
INSTANTS = st.integers(min_value=-3_786_825_600, max_value=4_102_444_800)
AWKWARD = ["Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns", "Africa/Casablanca", "Pacific/Chatham",
           "America/Havana", "Europe/Berlin", "America/New_York", "Pacific/Apia", "Europe/Amsterdam"]


def _expected_local(seconds: int, zone) -> str:
    return datetime.fromtimestamp(seconds, UTC).astimezone(zone).isoformat()


@settings(max_examples=400, deadline=None)
@given(zone=st.sampled_from(ZONES), seconds=st.lists(INSTANTS, min_size=1, max_size=20))
def test_local_and_utc_text_is_isoformat_in_any_zone(zone, seconds):
    tz = zoneinfo.ZoneInfo(zone)
    text = IsoText()  # one formatter for all of them, as for one request: its caches must not leak
    for s in seconds:
        assert text.local(s, tz) == _expected_local(s, tz)
        assert text.utc(s) == datetime.fromtimestamp(s, UTC).isoformat().replace("+00:00", "Z")


def test_every_quarter_hour_around_each_change_of_offset_in_awkward_zones():
    for name in AWKWARD:
        tz = zoneinfo.ZoneInfo(name)
        text = IsoText()
        # 2020-2027 in quarter hours for the zones' recent changes, sampled every 15 minutes
        # across the weeks around them and every few hours elsewhere.
        for s in range(1_577_836_800, 1_830_297_600, 3 * 3600 + 900):
            assert text.local(s, tz) == _expected_local(s, tz), (name, s)
        for change in _changes(tz, 1_577_836_800, 1_830_297_600):
            for s in range(change - 2 * 86400, change + 2 * 86400, 900):
                assert text.local(s, tz) == _expected_local(s, tz), (name, s)


def _changes(tz, first: int, last: int) -> list[int]:
    """Instants (to the hour) at which the zone's offset changes between first and last."""
    out, previous = [], None
    for s in range(first, last, 3600):
        offset = datetime.fromtimestamp(s, UTC).astimezone(tz).utcoffset()
        if previous is not None and offset != previous:
            out.append(s)
        previous = offset
    return out
