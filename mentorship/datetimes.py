"""The span of dates and times the platform accepts from outside (query strings, forms, JSON).

Python's datetime stops at year 1 and year 9999, so "9999-12-31" plus a session length, a day of
margin or a zone offset is an OverflowError (a 500) deep inside the slot engine or the booking
service. No mentoring session or slot search means anything far from today, so every edge that
parses a date or a time refuses anything outside these bounds, with a 400 that names the field,
before any arithmetic runs. Comparing aware datetimes never overflows, so the check itself is safe.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)  # exclusive
OUT_OF_RANGE = "Give a date between 2000 and 2099."


def datetime_in_range(value: datetime) -> bool:
    """True for an aware datetime inside the bounds (a naive one is judged as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return EARLIEST <= value < LATEST


def date_in_range(value: date) -> bool:
    return EARLIEST.date() <= value < LATEST.date()


def validate_datetime_in_range(value) -> None:
    """The bounds as a Django validator, for form and serializer fields that parse a moment."""
    if isinstance(value, datetime) and not datetime_in_range(value):
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")
