"""Double booking under real concurrency, on PostgreSQL: many threads, one winner.

Each thread opens its own connection, waits at a barrier so the requests really overlap, and
closes its connection at the end. The losers must get a 409 BookingError (never a 500, never a
second row), and a self-join over the table must find no two live bookings that overlap.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from rest_framework.test import APIClient

from sessions.models import Booking
from sessions.tests.test_bookings_support import book, iso, local_slot, open_every_day, run_concurrently
from tests.factories import MenteeFactory, MentorFactory

# serialized_rollback: the seeded languages (a data migration) survive the flush between tests.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 24


def _overlapping_live_pairs(column: str, start: str, end: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM booking_booking a JOIN booking_booking b
              ON a.{column} = b.{column} AND a.id < b.id
             WHERE a.status IN ('requested', 'confirmed') AND b.status IN ('requested', 'confirmed')
               AND a.{start} < b.{end} AND b.{start} < a.{end}
            """
        )
        return cursor.fetchone()[0]


def test_many_mentees_racing_for_overlapping_slots_of_one_mentor():
    mentor = MentorFactory(timezone="Europe/Berlin")
    open_every_day(mentor)
    mentees = [MenteeFactory() for _ in range(THREADS)]
    base = local_slot(mentor, days=4)
    # 60-minute sessions starting 0, 15 or 30 minutes apart: every pair overlaps.
    starts = [base + timedelta(minutes=15 * (i % 3)) for i in range(THREADS)]

    results = run_concurrently(lambda i: book(mentees[i], mentor, starts[i], duration=60).pk, THREADS)

    crashes = [r for r in results if r is None or r[0] == "crash"]
    assert not crashes, crashes
    wins = [r for r in results if r[0] == "ok"]
    losses = [r[1] for r in results if r[0] == "error"]
    assert len(wins) == 1
    assert len(losses) == THREADS - 1
    assert all(exc.status == 409 for exc in losses), {(e.status, e.message) for e in losses}
    assert Booking.objects.filter(mentor=mentor).count() == 1
    assert _overlapping_live_pairs("mentor_id", "blocked_start", "blocked_end") == 0


def test_one_mentee_racing_to_book_many_mentors_at_the_same_time():
    mentee = MenteeFactory()
    mentors = [MentorFactory(timezone="Europe/Berlin") for _ in range(THREADS)]
    for mentor in mentors:
        open_every_day(mentor)
    start = local_slot(mentors[0], days=4)

    # Different mentors lock different policy rows, so only the mentee exclusion constraint
    # can stop this one: it must turn into a 409, not an IntegrityError.
    results = run_concurrently(lambda i: book(mentee, mentors[i], start).pk, THREADS)

    crashes = [r for r in results if r is None or r[0] == "crash"]
    assert not crashes, crashes
    assert sum(1 for r in results if r[0] == "ok") == 1
    losses = [r[1] for r in results if r[0] == "error"]
    assert len(losses) == THREADS - 1 and all(e.status == 409 for e in losses)
    assert Booking.objects.filter(mentee=mentee).count() == 1
    assert _overlapping_live_pairs("mentee_id", "start", "end") == 0


def test_racing_through_the_api_gives_one_201_and_409_bodies():
    mentor = MentorFactory(timezone="Europe/Berlin")
    open_every_day(mentor)
    mentees = [MenteeFactory() for _ in range(THREADS)]
    start = iso(local_slot(mentor, days=5))
    payload = {"mentor": mentor.pk, "start": start, "duration": 30, "topic": "Race",
               "question": "Will exactly one of us get this slot?"}

    def post(i):
        client = APIClient()
        client.force_authenticate(mentees[i])
        response = client.post("/api/v1/bookings/", payload, format="json")
        return response.status_code, response.json()

    results = run_concurrently(post, THREADS)
    assert all(r is not None and r[0] == "ok" for r in results), results
    statuses = sorted(r[1][0] for r in results)
    assert statuses == [201] + [409] * (THREADS - 1)
    for status, body in (r[1] for r in results):
        if status == 409:
            assert body["detail"] and body["code"] in ("slot_taken", "taken")
            assert isinstance(body["next_slots"], list)
    assert Booking.objects.filter(mentor=mentor).count() == 1
    assert _overlapping_live_pairs("mentor_id", "blocked_start", "blocked_end") == 0


def test_two_reschedules_racing_into_the_same_free_slot():
    mentor = MentorFactory(timezone="Europe/Berlin")
    open_every_day(mentor)
    base = local_slot(mentor, days=4)
    a = book(MenteeFactory(), mentor, base)
    b = book(MenteeFactory(), mentor, base + timedelta(hours=1))
    target = base + timedelta(hours=4)
    from sessions.services.bookings import booking_reschedule

    pair = [a, b]
    results = run_concurrently(
        lambda i: booking_reschedule(booking=pair[i], actor=pair[i].mentee, new_start=target).pk, 2)
    assert sorted(r[0] for r in results) == ["error", "ok"]
    assert [r[1].status for r in results if r[0] == "error"] == [409]
    assert Booking.objects.filter(start=target).count() == 1
    assert _overlapping_live_pairs("mentor_id", "blocked_start", "blocked_end") == 0
