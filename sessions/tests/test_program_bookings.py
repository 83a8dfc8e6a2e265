"""Booking inside a company program: who may, when, for how long, how many, and what is recorded."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from orgs.models import Membership, Program, ProgramEnrollment
from orgs.tests.programs_support import enrol, program_world, speaks
from sessions.errors import BookingError
from sessions.models import AvailabilityRule, Booking
from sessions.services.bookings import booking_cancel, booking_reschedule
from sessions.tests.test_bookings_support import book, local_slot, open_every_day
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pair_cap(settings):
    # The marketplace's own cap (two sessions a week with one mentor) is not what these test.
    settings.BOOKING_MAX_SESSIONS_PER_MENTOR_WEEK = 50


@pytest.fixture
def world():
    return program_world()


def _around_the_clock(mentor):
    AvailabilityRule.objects.filter(mentor=mentor).delete()
    open_every_day(mentor, start=time(0, 0), end=time(23, 59))


def _refused(call) -> BookingError:
    with pytest.raises(BookingError) as caught:
        call()
    return caught.value


def test_a_program_booking_records_the_program_and_both_sides_department_and_level(world):
    booking = book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program)
    assert booking.program == world.program
    assert (booking.mentee_department, booking.mentee_level) == (world.depts["Engineering"], world.levels["IC1"])
    assert (booking.mentor_department, booking.mentor_level) == (world.depts["Finance"], world.levels["IC3"])


def test_a_later_move_of_department_does_not_rewrite_the_snapshot(world):
    booking = book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program)
    Membership.objects.filter(user=world.mentee).update(department=world.depts["Sales"], level=world.levels["IC2"])
    booking.refresh_from_db()
    assert booking.mentee_department == world.depts["Engineering"]


def test_a_marketplace_booking_has_no_program_and_no_snapshot(world):
    booking = book(world.mentee, world.mentor, local_slot(world.mentor, days=2))
    assert booking.program is None and booking.mentee_department is None and booking.mentor_level is None


def test_the_mentee_must_have_joined_as_a_mentee(world):
    ProgramEnrollment.objects.filter(user=world.mentee).update(status="left")
    error = _refused(lambda: book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program))
    assert (error.code, error.status) == ("not_in_program", 403)
    assert "Join Cross-team as a mentee" in error.message
    assert not Booking.objects.exists()


def test_the_mentor_must_mentor_in_the_program(world):
    ProgramEnrollment.objects.filter(user=world.mentor).update(status="invited")
    error = _refused(lambda: book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program))
    assert error.code == "not_in_program" and "does not mentor in Cross-team" in error.message


def test_a_mentee_who_joined_as_a_mentor_only_is_not_in_the_program_as_a_mentee(world):
    ProgramEnrollment.objects.filter(user=world.mentee).delete()
    enrol(world.program, world.mentee, "mentor")
    error = _refused(lambda: book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program))
    assert error.code == "not_in_program"


def test_a_deactivated_member_cannot_book_inside_the_program(world):
    Membership.objects.filter(user=world.mentor).update(is_active=False)
    error = _refused(lambda: book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program))
    assert error.code == "not_in_program"


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_only_an_open_program_takes_bookings(world, status):
    Program.objects.filter(pk=world.program.pk).update(status=status)
    error = _refused(lambda: book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program))
    assert (error.code, error.status) == ("program_not_open", 409)


def test_the_start_must_fall_inside_the_program_dates_in_the_org_zone(world):
    # The program ends on a Berlin date: 23:30 Berlin on the last day is in, 00:30 the day after is out.
    last = date(2026, 11, 20)
    Program.objects.filter(pk=world.program.pk).update(ends_on=last)
    _around_the_clock(world.mentor)
    inside = local_slot(world.mentor, on=last, hour=23, minute=0)
    book(world.mentee, world.mentor, inside, program=world.program)
    outside = local_slot(world.mentor, on=last + timedelta(days=1), hour=0, minute=30)
    error = _refused(lambda: book(world.mentee, world.mentor, outside, program=world.program))
    assert (error.code, error.status) == ("outside_program_dates", 400)
    assert "start" in error.field_errors


def test_the_length_must_be_one_the_program_allows(world):
    error = _refused(lambda: book(world.mentee, world.mentor, local_slot(world.mentor, days=2), duration=60,
                                  program=world.program))
    assert (error.code, error.status) == ("length_not_allowed", 400)
    assert error.field_errors == {"duration": ["Cross-team allows sessions of 30 minutes."]}


def test_require_other_department_refuses_a_colleague_of_the_same_department(world):
    Program.objects.filter(pk=world.program.pk).update(department_rule="require_other")
    world.program.refresh_from_db()
    error = _refused(lambda: book(world.mentee, world.same_dept_mentor, local_slot(world.mentor, days=2),
                                  program=world.program))
    assert (error.code, error.status) == ("program_rule", 400)
    assert "both in Engineering" in error.message
    book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program)


def test_prefer_other_department_is_no_filter(world):
    book(world.mentee, world.same_dept_mentor, local_slot(world.mentor, days=2), program=world.program)


def test_the_minimum_level_gap_is_counted_in_ranks(world):
    Program.objects.filter(pk=world.program.pk).update(min_level_gap=3)
    error = _refused(lambda: book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program))
    assert error.code == "program_rule" and "at least three levels above" in error.message
    book(world.mentee, world.same_dept_mentor, local_slot(world.mentor, days=2), program=world.program)  # IC4 - IC1


def test_a_shared_language_when_the_program_requires_one(world):
    Program.objects.filter(pk=world.program.pk).update(require_shared_language=True)
    speaks(world.mentee, "es")
    speaks(world.mentor, "de")
    error = _refused(lambda: book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program))
    assert error.code == "program_rule" and "language" in error.message
    speaks(world.mentor, "de", "es")
    book(world.mentee, world.mentor, local_slot(world.mentor, days=2), program=world.program)


# --- quota and capacity ----------------------------------------------------------------------------

def _days_in_november(world, *days, hour=10):
    return [local_slot(world.mentor, on=date(2026, 11, d), hour=hour) for d in days]


def test_the_mentee_quota_counts_live_completed_and_no_show_sessions_of_the_month(world):
    Program.objects.filter(pk=world.program.pk).update(mentee_quota_per_month=3)
    first, second, third, fourth = _days_in_november(world, 3, 10, 17, 24)
    book(world.mentee, world.mentor, first, program=world.program)
    done = book(world.mentee, world.same_dept_mentor, second, program=world.program)
    Booking.objects.filter(pk=done.pk).update(status="no_show")
    book(world.mentee, world.mentor, third, program=world.program)
    error = _refused(lambda: book(world.mentee, world.same_dept_mentor, fourth, program=world.program))
    assert (error.code, error.status) == ("quota_exceeded", 409)
    assert "3 of the 3 sessions Cross-team gives you in November 2026" in error.message


def test_cancelled_sessions_give_the_quota_back(world):
    Program.objects.filter(pk=world.program.pk).update(mentee_quota_per_month=1)
    first, second = _days_in_november(world, 3, 10)
    booking = book(world.mentee, world.mentor, first, program=world.program)
    booking_cancel(booking=booking, actor=world.mentee, reason="Clash with a release")
    book(world.mentee, world.mentor, second, program=world.program)


def test_the_quota_month_is_the_organisations_calendar_month(world):
    # 30 November 23:30 in Berlin is 22:30 UTC, still November; 1 December 00:30 Berlin is
    # 23:30 UTC on 30 November, yet December for the program.
    _around_the_clock(world.mentor)
    Program.objects.filter(pk=world.program.pk).update(mentee_quota_per_month=1)
    book(world.mentee, world.mentor, local_slot(world.mentor, on=date(2026, 11, 30), hour=23), program=world.program)
    december = local_slot(world.mentor, on=date(2026, 12, 1), hour=0, minute=30)
    assert december.day == 30  # UTC
    book(world.mentee, world.mentor, december, program=world.program)


def test_the_quota_is_per_program(world):
    Program.objects.filter(pk=world.program.pk).update(mentee_quota_per_month=1)
    other = ProgramFactory(organisation=world.org, name="Other")
    enrol(other, world.mentee, "mentee")
    enrol(other, world.mentor, "mentor")
    first, second = _days_in_november(world, 3, 10)
    book(world.mentee, world.mentor, first, program=world.program)
    book(world.mentee, world.mentor, second, program=other)
    book(world.mentee, world.mentor, second + timedelta(hours=1))  # marketplace: no quota


def test_the_mentor_capacity_in_sessions_per_org_week(world):
    Program.objects.filter(pk=world.program.pk).update(mentor_capacity=2)
    enrol(world.program, world.member, "mentee")
    monday, tuesday, wednesday = _days_in_november(world, 9, 10, 11)
    book(world.mentee, world.mentor, monday, program=world.program)
    book(world.member, world.mentor, tuesday, program=world.program)
    error = _refused(lambda: book(world.mentee, world.mentor, wednesday, program=world.program))
    assert (error.code, error.status) == ("capacity_reached", 409)
    assert "all 2 sessions Cross-team asks of them that week" in error.message
    # The next week (Monday 16 November in Berlin) is free again.
    book(world.mentee, world.mentor, _days_in_november(world, 16)[0], program=world.program)


def test_the_mentor_capacity_in_minutes(world):
    Program.objects.filter(pk=world.program.pk).update(mentor_capacity=45, mentor_capacity_unit="minutes")
    monday, tuesday = _days_in_november(world, 9, 10)
    book(world.mentee, world.mentor, monday, program=world.program)
    error = _refused(lambda: book(world.mentee, world.mentor, tuesday, program=world.program))
    assert error.code == "capacity_reached" and "15 of 45 minutes left" in error.message


def test_a_reschedule_keeps_the_quota(world):
    Program.objects.filter(pk=world.program.pk).update(mentee_quota_per_month=1)
    november = book(world.mentee, world.mentor, _days_in_november(world, 10)[0], program=world.program)
    december = book(world.mentee, world.mentor, local_slot(world.mentor, on=date(2026, 12, 8)), program=world.program)
    error = _refused(lambda: booking_reschedule(booking=december, actor=world.mentee,
                                                new_start=_days_in_november(world, 24)[0]))
    assert error.code == "quota_exceeded"
    # Moving within its own month does not count it twice.
    booking_reschedule(booking=november, actor=world.mentee, new_start=_days_in_november(world, 12)[0])


def test_a_reschedule_keeps_the_program_dates(world):
    Program.objects.filter(pk=world.program.pk).update(ends_on=date(2026, 11, 30))
    booking = book(world.mentee, world.mentor, _days_in_november(world, 10)[0], program=world.program)
    error = _refused(lambda: booking_reschedule(booking=booking, actor=world.mentee,
                                                new_start=local_slot(world.mentor, on=date(2026, 12, 2))))
    assert error.code == "outside_program_dates"


def test_no_program_adds_no_statement(world):
    # The marketplace path is untouched: the program check runs only for program bookings.
    from sessions.services import bookings

    called = []
    original = bookings.program_check_and_lock
    bookings.program_check_and_lock = lambda **kw: called.append(kw) or original(**kw)
    try:
        book(world.mentee, world.mentor, local_slot(world.mentor, days=2))
    finally:
        bookings.program_check_and_lock = original
    assert called == []
