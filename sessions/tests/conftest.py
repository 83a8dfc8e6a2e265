"""Fixtures for availability and slot tests (the booking tests keep theirs in their own files)."""

from __future__ import annotations

from datetime import time

import pytest

from sessions.models import AvailabilityRule, BookingPolicy


@pytest.fixture
def weekday_mornings():
    """Give a mentor Monday-Friday 09:00-12:00 in their own zone and a permissive policy."""

    def make(mentor, **policy):
        AvailabilityRule.objects.bulk_create(
            [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(9), end_time=time(12)) for d in range(5)])
        BookingPolicy.objects.update_or_create(
            mentor=mentor, defaults={"min_notice_hours": 0, "horizon_days": 120, **policy})
        return mentor

    return make
