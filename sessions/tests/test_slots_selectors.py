"""Selectors: loading a mentor's calendar in fixed queries, slot_check reasons, counts for matching."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from accounts.models import User
from sessions.errors import BookingError
from sessions.models import AvailabilityOverride, BookingPolicy
from sessions.selectors import mentor_slots, mentors_free_slot_counts, slot_check
from tests.factories import BookingFactory, MentorFactory

NOW = datetime(2027, 3, 1, 6, tzinfo=UTC)  # Monday
MONDAY_0900_BERLIN = datetime(2027, 3, 1, 8, tzinfo=UTC)


def loaded(user):
    return User.objects.select_related("mentor_profile").get(pk=user.pk)


def test_mentor_slots_shows_berlin_mornings_in_utc(mentor, weekday_mornings):
    weekday_mornings(mentor, slot_granularity_minutes=60)
    slots = mentor_slots(mentor=loaded(mentor), start=NOW, end=NOW + timedelta(days=1), duration=60, now=NOW)
    assert slots == [datetime(2027, 3, 1, h, tzinfo=UTC) for h in (8, 9, 10)]


def test_mentor_slots_query_count_is_fixed_for_a_month_of_bookings(mentor, mentee, weekday_mornings,
                                                                   django_assert_num_queries):
    weekday_mornings(mentor)
    AvailabilityOverride.objects.create(mentor=mentor, start_date=date(2027, 3, 10), end_date=date(2027, 3, 12))
    m = loaded(mentor)
    with django_assert_num_queries(2):  # policy; rules + overrides + bookings in one UNION ALL
        before = mentor_slots(mentor=m, start=NOW, end=NOW + timedelta(days=30), duration=30, now=NOW)
    for i in range(12):
        BookingFactory(mentor=mentor, mentee=mentee, start=MONDAY_0900_BERLIN + timedelta(days=i, hours=1))
    with django_assert_num_queries(2):
        after = mentor_slots(mentor=m, start=NOW, end=NOW + timedelta(days=30), duration=30, now=NOW)
    assert len(after) < len(before)
    assert datetime(2027, 3, 11, 8, tzinfo=UTC) not in before  # blocked override


def test_cancelled_bookings_do_not_hold_time(mentor, mentee, weekday_mornings):
    weekday_mornings(mentor)
    BookingFactory(mentor=mentor, mentee=mentee, start=MONDAY_0900_BERLIN, status="cancelled")
    slots = mentor_slots(mentor=loaded(mentor), start=NOW, end=NOW + timedelta(days=1), duration=30, now=NOW)
    assert MONDAY_0900_BERLIN in slots


def test_mentor_not_accepting_bookings_has_no_slots(mentor, weekday_mornings):
    weekday_mornings(mentor)
    mentor.mentor_profile.accepting_bookings = False
    mentor.mentor_profile.save()
    assert mentor_slots(mentor=loaded(mentor), start=NOW, end=NOW + timedelta(days=7), duration=30, now=NOW) == []


def test_slot_check_accepts_a_free_slot(mentor, weekday_mornings):
    weekday_mornings(mentor)
    slot_check(mentor=mentor, start=MONDAY_0900_BERLIN, duration=30, now=NOW)  # raising is the failure


@pytest.mark.parametrize("start,duration,code,status", [
    (datetime(2027, 2, 28, 8, tzinfo=UTC), 30, "past", 400),
    (datetime(2027, 3, 1, 14, tzinfo=UTC), 30, "outside_availability", 400),
    (datetime(2027, 3, 1, 8, 10, tzinfo=UTC), 30, "not_aligned", 400),
    (datetime(2027, 3, 1, 8, tzinfo=UTC), 45, "duration_not_offered", 400),
    (datetime(2027, 9, 1, 8, tzinfo=UTC), 30, "horizon", 400),
])
def test_slot_check_refuses_with_a_reason(mentor, weekday_mornings, start, duration, code, status):
    weekday_mornings(mentor)
    with pytest.raises(BookingError) as exc:
        slot_check(mentor=mentor, start=start, duration=duration, now=NOW)
    assert (exc.value.code, exc.value.status) == (code, status)
    assert exc.value.field_errors


def test_slot_check_inside_notice(mentor, weekday_mornings):
    weekday_mornings(mentor, min_notice_hours=12)
    with pytest.raises(BookingError) as exc:
        slot_check(mentor=mentor, start=MONDAY_0900_BERLIN, duration=30, now=NOW)
    assert exc.value.code == "notice" and "12 hours" in exc.value.message


def test_slot_check_taken_is_409_and_a_reschedule_may_keep_its_own_time(mentor, mentee, weekday_mornings):
    weekday_mornings(mentor)
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=MONDAY_0900_BERLIN)
    with pytest.raises(BookingError) as exc:
        slot_check(mentor=mentor, start=MONDAY_0900_BERLIN, duration=30, now=NOW)
    assert exc.value.status == 409 and exc.value.code == "taken"
    slot_check(mentor=mentor, start=MONDAY_0900_BERLIN + timedelta(minutes=15), duration=30, now=NOW,
               exclude_booking_id=booking.pk)


def test_slot_check_caps_and_budget(mentor, mentee, weekday_mornings):
    weekday_mornings(mentor, max_per_day=1)
    BookingFactory(mentor=mentor, mentee=mentee, start=MONDAY_0900_BERLIN)
    with pytest.raises(BookingError) as exc:
        slot_check(mentor=mentor, start=MONDAY_0900_BERLIN + timedelta(hours=2), duration=30, now=NOW)
    assert exc.value.code == "day_cap"
    BookingPolicy.objects.filter(mentor=mentor).update(max_per_day=None, weekly_budget_minutes=60)
    with pytest.raises(BookingError) as exc:
        slot_check(mentor=mentor, start=MONDAY_0900_BERLIN + timedelta(days=1), duration=60, now=NOW)
    assert exc.value.code == "budget" and "60 minutes" in exc.value.message
    slot_check(mentor=mentor, start=MONDAY_0900_BERLIN + timedelta(days=1), duration=30, now=NOW)


def test_slot_check_for_someone_who_is_not_a_mentor(mentee):
    with pytest.raises(BookingError) as exc:
        slot_check(mentor=mentee, start=MONDAY_0900_BERLIN, duration=30, now=NOW)
    assert exc.value.status == 404


def test_free_slot_counts_for_many_mentors_in_fixed_queries(mentor, weekday_mornings, django_assert_num_queries):
    weekday_mornings(mentor)
    others = [weekday_mornings(MentorFactory(timezone="Asia/Kolkata")) for _ in range(3)]
    idle = MentorFactory()
    ids = [mentor.pk, idle.pk, 999_999] + [o.pk for o in others]
    # users, policies, rules, overrides, bookings, busy intervals of the mentors' own calendars.
    with django_assert_num_queries(6):
        counts = mentors_free_slot_counts(mentor_ids=ids, start=NOW, end=NOW + timedelta(days=7), now=NOW)
    assert counts[mentor.pk] == 5 * 11  # five mornings, 09:00..11:30 on the 15-minute grid
    assert counts[idle.pk] == 0 and counts[999_999] == 0
    assert all(counts[o.pk] > 0 for o in others)
    assert set(counts) == set(ids)


def test_berlin_mentor_keeps_0900_local_across_dst(mentor, weekday_mornings):
    weekday_mornings(mentor)
    start = datetime(2027, 3, 26, tzinfo=UTC)  # Friday; clocks change on Sunday 28 March
    slots = mentor_slots(mentor=loaded(mentor), start=start, end=start + timedelta(days=4), duration=60,
                         now=start - timedelta(days=1))
    firsts = sorted({s for s in slots if s.astimezone(mentor.tzinfo).time() == time(9)})
    assert firsts == [datetime(2027, 3, 26, 8, tzinfo=UTC), datetime(2027, 3, 29, 7, tzinfo=UTC)]


# --- the slots endpoint's loading: one query for the mentor, one for the calendar ---------------

def test_slots_mentor_carries_profile_and_policy_in_one_query(mentor, django_assert_num_queries):
    from sessions.selectors import slots_mentor_get

    BookingPolicy.objects.create(mentor=mentor, min_notice_hours=3, max_per_week=4, slot_granularity_minutes=30)
    with django_assert_num_queries(1):
        loaded_mentor = slots_mentor_get(mentor_id=mentor.pk, viewer=None)
    assert (loaded_mentor.pk, loaded_mentor.timezone, loaded_mentor.session_lengths) == (mentor.pk, "Europe/Berlin", [30, 60])
    assert loaded_mentor.accepting_bookings is True
    policy = loaded_mentor.policy
    assert (policy.min_notice_hours, policy.max_per_week, policy.slot_granularity_minutes, policy.max_per_day) == (3, 4, 30, None)


def test_slots_mentor_without_a_policy_row_gets_the_defaults(mentor):
    from sessions.selectors import slots_mentor_get

    mentor.mentor_profile.accepting_bookings = False
    mentor.mentor_profile.offers_15 = True
    mentor.mentor_profile.save()
    loaded_mentor = slots_mentor_get(mentor_id=mentor.pk, viewer=None)
    assert loaded_mentor.accepting_bookings is False and loaded_mentor.session_lengths == [15, 30, 60]
    assert loaded_mentor.policy.min_notice_hours == BookingPolicy().min_notice_hours
    assert not BookingPolicy.objects.exists()  # reads never create rows
    assert slots_mentor_get(mentor_id=mentor.pk + 1000, viewer=None) is None


def test_calendar_loads_rules_overrides_and_live_bookings_near_the_range(mentor, mentee, weekday_mornings):
    from sessions.selectors import load_calendar
    from sessions.slots import Busy, Override, Rule

    weekday_mornings(mentor)
    AvailabilityOverride.objects.create(mentor=mentor, start_date=date(2027, 3, 3), end_date=date(2027, 3, 3),
                                        start_time=time(14), end_time=time(15))
    AvailabilityOverride.objects.create(mentor=mentor, start_date=date(2027, 5, 3), end_date=date(2027, 5, 4))  # far
    kept = BookingFactory(mentor=mentor, mentee=mentee, start=MONDAY_0900_BERLIN, duration_minutes=60,
                          blocked_start=MONDAY_0900_BERLIN - timedelta(minutes=10))
    moved = BookingFactory(mentor=mentor, mentee=mentee, start=MONDAY_0900_BERLIN + timedelta(days=1))
    BookingFactory(mentor=mentor, mentee=mentee, start=MONDAY_0900_BERLIN + timedelta(days=2), status="cancelled")
    BookingFactory(mentor=mentor, mentee=mentee, start=MONDAY_0900_BERLIN + timedelta(days=40))  # far
    calendar = load_calendar(mentor=mentor, start=NOW, end=NOW + timedelta(days=7), exclude_booking_id=moved.pk)
    assert sorted(calendar.rules, key=lambda r: r.weekday) == [Rule(d, time(9), time(12)) for d in range(5)]
    assert calendar.overrides == [Override(date(2027, 3, 3), date(2027, 3, 3), time(14), time(15))]
    assert calendar.bookings == [Busy(kept.start, kept.end, kept.blocked_start, kept.blocked_end)]
    assert calendar.bookings[0].start.utcoffset() == timedelta(0)  # aware UTC on every database
    assert calendar.zone == "Europe/Berlin"
