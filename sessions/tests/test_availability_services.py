"""Availability services: whole-week replace, overlap refusal without partial writes, overrides, policy."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

import pytest

from matching import triggers
from sessions.errors import BookingError
from sessions.models import AvailabilityOverride, AvailabilityRule, BookingPolicy
from sessions.services.availability import (
    availability_seed_demo,
    availability_set_weekly,
    override_create,
    override_delete,
    policy_update,
)


@pytest.fixture
def changed(monkeypatch):
    """Record the mentors matching is told about (the real trigger is a no-op seam)."""
    calls = []
    monkeypatch.setattr(triggers, "mentors_changed", lambda *, mentor_ids: calls.append(list(mentor_ids)))
    return calls


def rules_of(mentor):
    return [(r.weekday, f"{r.start_time:%H:%M}", f"{r.end_time:%H:%M}")
            for r in AvailabilityRule.objects.filter(mentor=mentor).order_by("weekday", "start_time")]


def test_set_weekly_replaces_everything_and_tells_matching(mentor, changed):
    availability_set_weekly(mentor=mentor, rules=[(0, time(9), time(12)), (0, time(14), time(17, 30))])
    availability_set_weekly(mentor=mentor, rules=[{"weekday": 2, "start": time(8), "end": time(9, 30, 45)}])
    assert rules_of(mentor) == [(2, "08:00", "09:30")]
    assert changed == [[mentor.pk], [mentor.pk]]


def test_overlapping_windows_are_refused_and_nothing_changes(mentor, changed):
    availability_set_weekly(mentor=mentor, rules=[(1, time(9), time(10))])
    with pytest.raises(BookingError) as exc:
        availability_set_weekly(mentor=mentor, rules=[(0, time(9), time(12)), (0, time(11), time(13)),
                                                      (3, time(15), time(14))])
    assert exc.value.status == 400
    assert "overlaps" in exc.value.field_errors["monday"][0]
    assert "ends before it starts" in exc.value.field_errors["thursday"][0]
    assert rules_of(mentor) == [(1, "09:00", "10:00")]
    assert len(changed) == 1


def test_touching_windows_are_fine(mentor):
    availability_set_weekly(mentor=mentor, rules=[(0, time(9), time(10)), (0, time(10), time(11))])
    assert len(rules_of(mentor)) == 2


def test_only_mentors_have_availability(mentee):
    with pytest.raises(BookingError) as exc:
        availability_set_weekly(mentor=mentee, rules=[])
    assert (exc.value.status, exc.value.code) == (404, "not_a_mentor")


def test_override_blocks_or_replaces_and_validates(mentor, changed):
    today = date(2027, 3, 1)
    holiday = override_create(mentor=mentor, start_date=date(2027, 3, 10), end_date=date(2027, 3, 12), today=today)
    assert holiday.is_blocked
    special = override_create(mentor=mentor, start_date=date(2027, 3, 13), start_time=time(10), end_time=time(11),
                              today=today)
    assert special.end_date == date(2027, 3, 13) and not special.is_blocked
    with pytest.raises(BookingError) as exc:
        override_create(mentor=mentor, start_date=date(2027, 3, 5), end_date=date(2027, 3, 4), start_time=time(10),
                        today=today)
    assert set(exc.value.field_errors) == {"end_date", "end_time"}
    with pytest.raises(BookingError) as exc:
        override_create(mentor=mentor, start_date=date(2027, 2, 1), today=today)
    assert "past" in exc.value.field_errors["end_date"][0]
    with pytest.raises(BookingError):
        override_create(mentor=mentor, start_date=today, end_date=today + timedelta(days=400), today=today)
    assert AvailabilityOverride.objects.filter(mentor=mentor).count() == 2
    assert len(changed) == 2


def test_override_delete_only_own(mentor, changed):
    from tests.factories import MentorFactory

    other = MentorFactory()
    theirs = AvailabilityOverride.objects.create(mentor=other, start_date=date(2030, 1, 1), end_date=date(2030, 1, 1))
    with pytest.raises(BookingError) as exc:
        override_delete(mentor=mentor, override_id=theirs.pk)
    assert exc.value.status == 404
    assert AvailabilityOverride.objects.filter(pk=theirs.pk).exists()
    mine = AvailabilityOverride.objects.create(mentor=mentor, start_date=date(2030, 1, 1), end_date=date(2030, 1, 1))
    override_delete(mentor=mentor, override_id=mine.pk)
    assert not AvailabilityOverride.objects.filter(pk=mine.pk).exists()
    assert changed == [[mentor.pk]]


def test_policy_update_validates_every_field_before_saving(mentor, changed):
    policy = policy_update(mentor=mentor, buffer_after_minutes=10, weekly_budget_minutes=120)
    assert (policy.buffer_after_minutes, policy.weekly_budget_minutes) == (10, 120)
    with pytest.raises(BookingError) as exc:
        policy_update(mentor=mentor, buffer_after_minutes=5, slot_granularity_minutes=7, horizon_days=0)
    assert set(exc.value.field_errors) == {"slot_granularity_minutes", "horizon_days"}
    with pytest.raises(BookingError) as exc:
        policy_update(mentor=mentor, colour="blue")
    assert "colour" in exc.value.field_errors
    assert BookingPolicy.objects.get(mentor=mentor).buffer_after_minutes == 10
    assert len(changed) == 1


def test_seed_demo_gives_realistic_valid_availability(mentor):
    availability_seed_demo(mentor=mentor, rng=random.Random(7))
    rules = rules_of(mentor)
    assert 2 <= len({r[0] for r in rules}) <= 5
    assert all(r[1] < r[2] for r in rules)
    assert BookingPolicy.objects.filter(mentor=mentor).exists()


def test_matching_gets_a_recompute_request_only_when_the_write_commits(mentor):
    from matching.models import RecomputeRequest

    with pytest.raises(BookingError):
        availability_set_weekly(mentor=mentor, rules=[(0, time(9), time(12)), (0, time(10), time(11))])
    assert not RecomputeRequest.objects.filter(kind="mentor", subject_id=mentor.pk).exists()
    availability_set_weekly(mentor=mentor, rules=[(0, time(9), time(12))])
    assert RecomputeRequest.objects.filter(kind="mentor", subject_id=mentor.pk).count() == 1
