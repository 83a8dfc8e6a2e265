"""Buffers as the booking path checks them (diagnose_slot), pinned to the minute.

Mutation testing found that moving either buffer by a sign, a unit or one second per minute went
unnoticed: only free_slots was tested with buffers, and the booking service asks diagnose_slot.
The clock is an argument of the engine; the pinned `now` below is the only "now" it sees.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from sessions.slots import TAKEN, Busy, Policy, Rule, diagnose_slot, free_slots

NOW = datetime(2026, 11, 10, 12, tzinfo=UTC)
MONDAY = (2026, 11, 16)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(*MONDAY, hour, minute, tzinfo=UTC)


# Someone already holds Monday 10:00-10:30; the mentor keeps 30 minutes clear on either side.
BOOKED = Busy(start=_at(10), end=_at(10, 30), blocked_start=_at(10), blocked_end=_at(10, 30))
POLICY = Policy(buffer_before=30, buffer_after=30, granularity=15)


def _diagnose(start: datetime):
    return diagnose_slot(zone="UTC", rules=[Rule(0, time(8), time(12))], overrides=[], bookings=[BOOKED],
                         policy=POLICY, duration=30, start=start, now=NOW)


@pytest.mark.parametrize(("start", "reason"), [
    (_at(9, 0), None),     # ends 09:30, its after-buffer reaches exactly 10:00: touching is fine
    (_at(9, 15), TAKEN),   # its after-buffer runs into the booked session
    (_at(10, 45), TAKEN),  # its before-buffer starts 10:15, inside the booked session
    (_at(11, 0), None),    # its before-buffer starts exactly at 10:30, when the booked one ends
])
def test_booking_path_keeps_each_buffer_exactly_clear_of_a_booked_session(start, reason):
    assert _diagnose(start) == reason


def test_booking_path_and_slot_list_agree_on_buffers():
    listed = free_slots(zone="UTC", rules=[Rule(0, time(8), time(12))], overrides=[], bookings=[BOOKED],
                        policy=POLICY, duration=30, start=_at(0), end=_at(23), now=NOW)

    assert listed == [s for s in listed if _diagnose(s) is None]
    assert _at(9) in listed and _at(11) in listed
    assert _at(9, 15) not in listed and _at(10, 45) not in listed
