"""The feed parser alone (sessions.calendar_feeds): fixture feeds written like Google's secret iCal
address and Outlook's published calendar, expanded for a mentor in New York (so the feeds' own
zones, floating times and all-day days each show which zone they were read in)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sessions.calendar_feeds import FeedError, busy_intervals

FIXTURES = Path(__file__).parent / "fixtures"
WINDOW = dict(start=datetime(2026, 10, 1, tzinfo=UTC), end=datetime(2026, 11, 30, tzinfo=UTC))


def feed(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def spans(name, **options):
    return busy_intervals(feed(name), zone="America/New_York", **WINDOW, **options).intervals


def test_google_weekly_series_keeps_its_berlin_wall_time_across_the_dst_change():
    got = spans("google_work.ics")
    # 09:00 Berlin is 07:00 UTC in summer time and 08:00 UTC after 25 October.
    assert (utc(2026, 10, 21, 7), utc(2026, 10, 21, 7, 30)) in got
    assert (utc(2026, 10, 26, 8), utc(2026, 10, 26, 8, 30)) in got
    assert (utc(2026, 10, 26, 7), utc(2026, 10, 26, 7, 30)) not in got


def test_google_exdate_rdate_moved_and_cancelled_occurrences():
    got = spans("google_work.ics")
    starts = {a for a, _ in got}
    assert utc(2026, 11, 4, 8) not in starts  # EXDATE
    assert (utc(2026, 11, 6, 8), utc(2026, 11, 6, 8, 30)) in got  # RDATE
    assert (utc(2026, 11, 9, 13), utc(2026, 11, 9, 13, 30)) in got  # moved to 14:00 Berlin
    assert utc(2026, 11, 9, 8) not in starts  # ... so its old time is free
    assert utc(2026, 11, 11, 8) not in starts  # one occurrence cancelled
    assert utc(2026, 11, 16, 8) in starts  # the series goes on


def test_all_day_and_multi_day_events_block_whole_days_in_the_mentors_zone():
    got = spans("google_work.ics")
    assert (utc(2026, 11, 12, 5), utc(2026, 11, 13, 5)) in got  # midnight to midnight, New York
    assert (utc(2026, 11, 18, 5), utc(2026, 11, 21, 5)) in got  # three days, DTEND exclusive


def test_all_day_events_can_be_told_not_to_block():
    got = spans("google_work.ics", all_day_blocks=False)
    assert not [1 for a, b in got if b - a >= (utc(2026, 1, 2) - utc(2026, 1, 1))]
    assert utc(2026, 11, 16, 8) in {a for a, _ in got}


def test_free_and_cancelled_events_never_block_tentative_ones_by_choice():
    busy = spans("google_work.ics")
    starts = {a for a, _ in busy}
    assert utc(2026, 11, 3, 9) not in starts  # TRANSP:TRANSPARENT
    assert utc(2026, 11, 13, 10) not in starts  # STATUS:CANCELLED
    assert utc(2026, 11, 5, 14) in starts  # tentative counts by default
    assert utc(2026, 11, 5, 14) not in {a for a, _ in spans("google_work.ics", tentative_busy=False)}


def test_utc_times_stay_utc():
    assert (utc(2026, 11, 10, 16), utc(2026, 11, 10, 17)) in spans("google_work.ics")


def test_outlook_windows_zone_names_exdate_and_moved_occurrence():
    got = spans("outlook_published.ics")
    # 13:00 "W. Europe Standard Time" (Berlin) before and after the change.
    assert (utc(2026, 10, 20, 11), utc(2026, 10, 20, 12)) in got
    assert (utc(2026, 10, 27, 12), utc(2026, 10, 27, 13)) in got
    starts = {a for a, _ in got}
    assert utc(2026, 11, 10, 12) not in starts  # EXDATE
    assert (utc(2026, 11, 17, 14, 30), utc(2026, 11, 17, 15, 30)) in got  # moved to 15:30
    assert utc(2026, 11, 17, 12) not in starts


def test_outlook_busy_status_free_tentative_and_out_of_office():
    got = spans("outlook_published.ics")
    starts = {a for a, _ in got}
    assert utc(2026, 11, 4, 11) not in starts  # BUSYSTATUS:FREE
    assert utc(2026, 11, 5, 8) in starts  # TENTATIVE, counted
    assert utc(2026, 11, 5, 8) not in {a for a, _ in spans("outlook_published.ics", tentative_busy=False)}
    assert (utc(2026, 11, 23, 5), utc(2026, 11, 25, 5)) in got  # two days out of office


def test_floating_times_are_the_mentors_wall_clock():
    # 08:00 floating, read in New York (UTC-5 in November).
    assert (utc(2026, 11, 6, 13), utc(2026, 11, 6, 14)) in spans("outlook_published.ics")
    berlin = busy_intervals(feed("outlook_published.ics"), zone="Europe/Berlin", **WINDOW).intervals
    assert (utc(2026, 11, 6, 7), utc(2026, 11, 6, 8)) in berlin


def test_windows_zone_name_without_a_definition_is_mapped_to_its_iana_zone():
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
           b"DTSTART;TZID=Pacific Standard Time:20261104T090000\r\n"
           b"DTEND;TZID=Pacific Standard Time:20261104T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    got = busy_intervals(ics, zone="Europe/Berlin", **WINDOW).intervals
    assert got == [(utc(2026, 11, 4, 17), utc(2026, 11, 4, 18))]


def test_spring_forward_series_in_new_york():
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:y\r\n"
           b"DTSTART;TZID=America/New_York:20270308T090000\r\n"
           b"DTEND;TZID=America/New_York:20270308T100000\r\nRRULE:FREQ=DAILY;COUNT=14\r\n"
           b"EXDATE;TZID=America/New_York:20270316T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    got = busy_intervals(ics, zone="UTC", start=utc(2027, 3, 1), end=utc(2027, 4, 1)).intervals
    starts = [a for a, _ in got]
    assert utc(2027, 3, 13, 14) in starts and utc(2027, 3, 15, 13) in starts  # EST then EDT
    assert utc(2027, 3, 16, 13) not in starts and len(starts) == 13


def test_intervals_are_clipped_to_the_window_and_merged():
    got = busy_intervals(feed("google_work.ics"), zone="America/New_York",
                         start=utc(2026, 11, 19), end=utc(2026, 11, 20)).intervals
    assert got == [(utc(2026, 11, 19), utc(2026, 11, 20))]


def test_the_summary_counts_events_not_occurrences():
    assert busy_intervals(feed("google_work.ics"), zone="UTC", **WINDOW).events == 7
    assert busy_intervals(feed("outlook_published.ics"), zone="UTC", **WINDOW).events == 5


@pytest.mark.parametrize("data", [b"<html>Sign in</html>", b"", b"BEGIN:VCARD\r\nEND:VCARD\r\n"])
def test_anything_else_is_refused_with_words(data):
    with pytest.raises(FeedError):
        busy_intervals(data, zone="UTC", **WINDOW)
