"""The directory's read model of free times: computed with the slot picker's own selector and
engine, kept current on commit by the services that change it, and rolled forward by a job."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import MentorFreeTime, MentorProfile
from sessions import selectors
from sessions.models import Booking
from sessions.services import availability, bookings
from sessions.services.free_times import free_times_roll_forward, mentors_free_times_refresh
from sessions.tests.test_bookings_support import local_slot, open_every_day, set_policy

pytestmark = pytest.mark.django_db


def _profile(mentor) -> MentorProfile:
    return MentorProfile.objects.get(pk=mentor.pk)


def _first_picker_slot(mentor) -> datetime:
    now = timezone.now()
    return selectors.mentor_slots(mentor=mentor, start=now, end=now + timedelta(days=28), duration=30, now=now)[0]


def test_next_free_start_is_the_slot_pickers_first_slot(mentor):
    open_every_day(mentor, start=time(9, 0), end=time(12, 0))
    set_policy(mentor, min_notice_hours=12, slot_granularity_minutes=30)
    mentors_free_times_refresh(mentor_ids=[mentor.pk])
    profile = _profile(mentor)
    assert profile.next_free_at == _first_picker_slot(mentor)
    assert profile.free_soon and profile.free_computed_at is not None
    runs = list(MentorFreeTime.objects.filter(mentor_id=mentor.pk))
    # One run per day (09:00-12:00 Berlin, starts 09:00 .. 11:30 for 30 minutes).
    assert len(runs) >= 26
    first = runs[0]
    assert first.start == profile.next_free_at and first.first_end == first.start + timedelta(minutes=30)
    assert runs[1].last_start - runs[1].start == timedelta(hours=2, minutes=30)
    assert runs[1].end - runs[1].last_start == timedelta(minutes=30)


def test_a_booking_splits_a_run_exactly_as_the_slot_picker_sees_it(mentor, mentee, django_capture_on_commit_callbacks):
    from mentorship.celery import app

    open_every_day(mentor, start=time(9, 0), end=time(12, 0))
    set_policy(mentor, min_notice_hours=0, slot_granularity_minutes=30)
    mentors_free_times_refresh(mentor_ids=[mentor.pk])
    before = MentorFreeTime.objects.filter(mentor_id=mentor.pk).count()
    start = local_slot(mentor, days=2, hour=10)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the booking side's refresh is a task: run it here
    try:
        with django_capture_on_commit_callbacks(execute=True):
            booking = bookings.booking_create(mentee=mentee, mentor=mentor, start=start, duration=30,
                                              topic="Career", question="How do I start?")
    finally:
        app.conf.task_always_eager = saved
    assert MentorFreeTime.objects.filter(mentor_id=mentor.pk).count() == before + 1
    assert not MentorFreeTime.objects.filter(mentor_id=mentor.pk, start__lte=start, last_start__gte=start).exists()
    # Cancelling gives the time back, on commit.
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            bookings.booking_cancel(booking=booking, actor=mentee, reason="Plans changed")
    finally:
        app.conf.task_always_eager = saved
    assert MentorFreeTime.objects.filter(mentor_id=mentor.pk).count() == before
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED


def test_saving_availability_refreshes_on_commit_not_before(mentor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        availability.availability_set_weekly(mentor=mentor, rules=[(d, time(9), time(10)) for d in range(7)])
    assert _profile(mentor).next_free_at is None  # nothing until the transaction commits
    for callback in callbacks:
        callback()
    assert _profile(mentor).next_free_at == _first_picker_slot(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        availability.availability_set_weekly(mentor=mentor, rules=[])
    profile = _profile(mentor)
    assert profile.next_free_at is None and not profile.free_soon
    assert not MentorFreeTime.objects.filter(mentor_id=mentor.pk).exists()


def test_an_override_and_a_policy_change_refresh_too(mentor, django_capture_on_commit_callbacks):
    open_every_day(mentor, start=time(9, 0), end=time(12, 0))
    set_policy(mentor, min_notice_hours=0)
    mentors_free_times_refresh(mentor_ids=[mentor.pk])
    first = _profile(mentor).next_free_at
    day = first.astimezone(mentor.tzinfo).date()
    with django_capture_on_commit_callbacks(execute=True):
        override = availability.override_create(mentor=mentor, start_date=day, end_date=day)
    assert _profile(mentor).next_free_at.astimezone(mentor.tzinfo).date() > day
    with django_capture_on_commit_callbacks(execute=True):
        availability.override_delete(mentor=mentor, override_id=override.pk)
    assert _profile(mentor).next_free_at == first
    with django_capture_on_commit_callbacks(execute=True):
        availability.policy_update(mentor=mentor, min_notice_hours=24 * 10)
    assert _profile(mentor).next_free_at >= timezone.now() + timedelta(days=10)
    assert _profile(mentor).free_soon  # ten days is within the fourteen of "free soon"


def test_a_mentor_not_taking_bookings_has_no_free_time(mentor):
    open_every_day(mentor)
    MentorProfile.objects.filter(pk=mentor.pk).update(accepting_bookings=False)
    mentors_free_times_refresh(mentor_ids=[mentor.pk])
    assert _profile(mentor).next_free_at is None
    assert not MentorFreeTime.objects.exists()


def test_the_roll_forward_job_moves_a_passed_next_free_start_once(mentor, frozen_now):
    open_every_day(mentor, start=time(9, 0), end=time(10, 0))
    set_policy(mentor, min_notice_hours=0, slot_granularity_minutes=30)
    mentors_free_times_refresh(mentor_ids=[mentor.pk])
    first = _profile(mentor).next_free_at
    assert free_times_roll_forward() == 0  # nothing due yet
    frozen_now.move_to(first + timedelta(minutes=1))
    assert free_times_roll_forward() == 1
    second = _profile(mentor).next_free_at
    assert second > first + timedelta(minutes=1)
    assert free_times_roll_forward() == 0  # run twice, one effect


def test_the_roll_forward_job_flips_free_soon_as_a_far_free_time_comes_near(mentor, frozen_now):
    open_every_day(mentor, start=time(9, 0), end=time(10, 0))
    set_policy(mentor, min_notice_hours=24 * 20)
    mentors_free_times_refresh(mentor_ids=[mentor.pk])
    assert not _profile(mentor).free_soon
    frozen_now.move_to(timezone.now() + timedelta(days=7))
    MentorProfile.objects.filter(pk=mentor.pk).update(free_computed_at=timezone.now())  # not due for a refresh
    free_times_roll_forward()
    assert _profile(mentor).free_soon


def test_the_rebuild_command_fills_every_mentor(mentor):
    from tests.factories import MentorFactory

    other = MentorFactory()
    open_every_day(mentor)
    open_every_day(other)
    out = StringIO()
    call_command("free_times_rebuild", "--no-progress", stdout=out)
    assert "2 mentor(s)" in out.getvalue()
    assert MentorProfile.objects.filter(next_free_at__isnull=False).count() == 2


def test_free_times_follow_the_mentors_zone_across_a_dst_change(mentor, frozen_now):
    """09:00 Berlin is 08:00 UTC in winter and 07:00 UTC in summer: the runs move with the zone."""
    frozen_now.move_to(datetime(2027, 3, 25, 6, 0, tzinfo=UTC))
    open_every_day(mentor, start=time(9, 0), end=time(10, 0))
    set_policy(mentor, min_notice_hours=0)
    mentors_free_times_refresh(mentor_ids=[mentor.pk])
    starts = {run.start.date(): run.start.time() for run in MentorFreeTime.objects.filter(mentor_id=mentor.pk)}
    assert starts[datetime(2027, 3, 26).date()] == time(8, 0)  # CET
    assert starts[datetime(2027, 3, 29).date()] == time(7, 0)  # CEST
