"""ISO 8601 text for the slot engine's starts (integer epoch seconds), without a datetime each.

The slots API answers every free start four times (UTC start and end, the viewer's and the
mentor's local start): for a month of a busy mentor that was ~1,000 `astimezone`/`isoformat`
calls, the largest share of the endpoint's CPU after the engine. Here a date's text and a time of
day's text are built once and reused, and a zone's UTC offset is looked up once per UTC day: a
day whose first and last second have the same offset has it throughout (zones change at most once
a day, the slot engine's own assumption); any other day is converted slot by slot, as before.
The text is exactly datetime.isoformat()'s (tests/test_slot_text.py holds it to that in every
zone): `2027-03-01T09:00:00Z` in UTC with a Z, `2027-03-01T10:00:00+01:00` in a zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

DAY = 86400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


class IsoText:
    """Formats many epoch seconds of one request; its caches live as long as it does."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._times: dict[int, str] = {}
        self._offsets: dict[tuple[tzinfo, int], tuple[int, str] | None] = {}

    def _day(self, day: int) -> str:
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
        return text

    def _time(self, second: int) -> str:
        text = self._times.get(second)
        if text is None:
            hours, rest = divmod(second, 3600)
            text = self._times[second] = f"T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
        return text

    def _wall(self, seconds: int) -> str:
        day, second = divmod(seconds, DAY)
        return self._day(day) + self._time(second)

    def utc(self, seconds: int) -> str:
        """`2027-03-01T09:00:00Z`."""
        return self._wall(seconds) + "Z"

    def _day_offset(self, zone: tzinfo, day: int) -> tuple[int, str] | None:
        """The zone's offset throughout UTC day `day` (seconds, text), or None if it changes that day."""
        key = (zone, day)
        if key in self._offsets:
            return self._offsets[key]
        first = datetime.fromtimestamp(day * DAY, UTC).astimezone(zone).utcoffset()
        last = datetime.fromtimestamp(day * DAY + DAY - 1, UTC).astimezone(zone).utcoffset()
        found = None
        if first == last:
            seconds = int(first.total_seconds())
            found = (seconds, _offset_text(seconds))
        self._offsets[key] = found
        return found

    def local(self, seconds: int, zone: tzinfo) -> str:
        """datetime.fromtimestamp(seconds, zone).isoformat(): `2027-03-01T10:00:00+01:00`."""
        found = self._day_offset(zone, seconds // DAY)
        if found is None:  # a change of offset that UTC day: the slow, exact way
            return datetime.fromtimestamp(seconds, UTC).astimezone(zone).isoformat()
        return self._wall(seconds + found[0]) + found[1]
