"""Helpers shared by the booking tests (plain functions, no fixtures: sessions/tests/conftest.py
belongs to the availability work). Collected by pytest but holds no tests."""

from __future__ import annotations

import threading
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from sessions.errors import BookingError
from sessions.models import AvailabilityRule, BookingPolicy


def open_every_day(mentor, start: time = time(8, 0), end: time = time(20, 0)) -> None:
    """Weekly rules for every weekday in the mentor's own zone, so real slot checks pass."""
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(mentor=mentor, weekday=day, start_time=start, end_time=end) for day in range(7)
    )


def set_policy(mentor, **fields) -> BookingPolicy:
    policy, _ = BookingPolicy.objects.get_or_create(mentor=mentor)
    for key, value in fields.items():
        setattr(policy, key, value)
    policy.save()
    return policy


def local_slot(mentor, *, days: int = 3, hour: int = 10, minute: int = 0, on: date | None = None) -> datetime:
    """An aware UTC datetime for hour:minute on a local date of the mentor (default: in `days` days)."""
    zone = zoneinfo.ZoneInfo(mentor.timezone)
    day = on or (timezone.now().astimezone(zone).date() + timedelta(days=days))
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def book(mentee, mentor, start, *, duration: int = 30, now=None, **kwargs):
    from sessions.services.bookings import booking_create

    values = {"topic": "Staff interview", "question": "How do I show staff-level impact in an interview?"}
    values.update(kwargs)
    return booking_create(mentee=mentee, mentor=mentor, start=start, duration=duration, now=now, **values)


def run_concurrently(work, n: int) -> list:
    """Run work(i) for i in range(n) on n threads released together by a barrier, each closing its
    own database connection: [("ok", result) | ("error", BookingError) | ("crash", exception)]."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def runner(i):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", work(i))
        except BookingError as exc:
            results[i] = ("error", exc)
        except Exception as exc:  # noqa: BLE001 - the test reports anything unexpected
            results[i] = ("crash", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results
