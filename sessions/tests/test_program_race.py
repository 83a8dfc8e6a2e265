"""No race exceeds a program's quota or capacity (PostgreSQL, real threads).

N threads book N distinct free slots at once; without the enrollment locks each would count the
others as absent and all N would pass. With them, exactly the quota (or capacity) wins and every
other thread gets a 409 with the program's code, never a 500.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from orgs.models import Program
from orgs.tests.programs_support import enrol, program_world
from sessions.models import Booking
from sessions.tests.test_bookings_support import book, local_slot, run_concurrently
from tests.factories import MembershipFactory, MenteeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def _no_pair_cap(settings):
    settings.BOOKING_MAX_SESSIONS_PER_MENTOR_WEEK = 50
    settings.BOOKING_MAX_OPEN_REQUESTS = 50


def _slots(world, n):
    """n distinct 30-minute slots in one Berlin week of November, alternating two mentors."""
    return [local_slot(world.mentor, on=date(2026, 11, 9) + timedelta(days=i % 5), hour=9 + i // 5) for i in range(n)]


def test_one_mentee_racing_for_many_slots_gets_exactly_the_quota():
    world = program_world()
    quota = 3
    Program.objects.filter(pk=world.program.pk).update(mentee_quota_per_month=quota)
    mentors = [world.mentor, world.same_dept_mentor]
    starts = _slots(world, THREADS)

    results = run_concurrently(
        lambda i: book(world.mentee, mentors[i % 2], starts[i] + timedelta(minutes=30 * (i % 2)),
                       program=world.program).pk, THREADS)

    crashes = [r for r in results if r is None or r[0] == "crash"]
    assert not crashes, crashes
    assert sum(1 for r in results if r[0] == "ok") == quota
    losses = [r[1] for r in results if r[0] == "error"]
    assert {(e.code, e.status) for e in losses} == {("quota_exceeded", 409)}
    assert Booking.objects.filter(mentee=world.mentee, program=world.program).count() == quota


def test_many_mentees_racing_for_one_mentor_get_exactly_the_capacity():
    world = program_world()
    capacity = 2
    Program.objects.filter(pk=world.program.pk).update(mentor_capacity=capacity)
    mentees = []
    for _ in range(THREADS):
        person = MenteeFactory()
        MembershipFactory(organisation=world.org, user=person, department=world.depts["Sales"],
                          level=world.levels["IC1"])
        enrol(world.program, person, "mentee")
        mentees.append(person)
    starts = _slots(world, THREADS)

    results = run_concurrently(lambda i: book(mentees[i], world.mentor, starts[i], program=world.program).pk, THREADS)

    crashes = [r for r in results if r is None or r[0] == "crash"]
    assert not crashes, crashes
    assert sum(1 for r in results if r[0] == "ok") == capacity
    losses = [r[1] for r in results if r[0] == "error"]
    assert {(e.code, e.status) for e in losses} == {("capacity_reached", 409)}
    assert Booking.objects.filter(mentor=world.mentor, program=world.program).count() == capacity
