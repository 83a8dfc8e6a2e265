"""Fixtures for ratings tests: completed sessions between the shared personas."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import BookingFactory, UserFactory


def established_user(**kwargs):
    """A year-old account with a verified email address: its reports count toward hiding a review."""
    kwargs.setdefault("date_joined", timezone.now() - timedelta(days=365))
    return UserFactory(**kwargs)


def completed_booking_for(*, mentor, mentee, days_ago: int = 1, status: str = "completed", hour: int = 10):
    """A 30-minute session `days_ago` days back (in the future when negative), written directly."""
    start = (timezone.now() - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)
    end = start + timedelta(minutes=30)
    return BookingFactory(mentor=mentor, mentee=mentee, status=status, start=start, end=end, blocked_start=start,
                          blocked_end=end, completed_at=end if status == "completed" else None)


@pytest.fixture
def make_booking(mentor, mentee):
    def make(**kwargs):
        kwargs.setdefault("mentor", mentor)
        kwargs.setdefault("mentee", mentee)
        return completed_booking_for(**kwargs)

    return make


@pytest.fixture
def completed_booking(make_booking):
    return make_booking()


@pytest.fixture
def review(completed_booking, mentee):
    """A published 4-star review by the mentee of the mentor."""
    from ratings.services import rating_create

    return rating_create(booking_id=completed_booking.pk, rater=mentee, stars=4, comment="Clear, practical advice.",
                         expectation="met")


@pytest.fixture
def matching_calls(monkeypatch):
    """Record the mentor ids the ratings services tell matching about."""
    calls: list[list[int]] = []
    monkeypatch.setattr("ratings.services.triggers.mentors_changed",
                        lambda *, mentor_ids: calls.append(sorted(mentor_ids)))
    return calls
