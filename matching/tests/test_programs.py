"""Recommendations inside a program: the program's rules filter and boost, and the reasons name them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import services
from matching.programs import program_recommendations
from orgs.models import Program, ProgramEnrollment
from orgs.tests.programs_support import bookable, enrol, member, program_world, speaks
from tests.factories import BookingFactory, MentorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return program_world()


def _ids(matches):
    return [m.mentor.pk for m in matches]


def _set(world, **fields):
    Program.objects.filter(pk=world.program.pk).update(**fields)
    world.program.refresh_from_db()


def test_prefer_other_puts_a_department_the_mentee_has_not_met_first_and_says_so(world):
    matches = program_recommendations(program=world.program, mentee=world.mentee)
    assert _ids(matches) == [world.mentor.pk, world.same_dept_mentor.pk]
    assert matches[0].reasons[:2] == ["Finance, a department you have not met yet", "Two levels above you"]
    assert matches[1].reasons[0] == "Three levels above you"
    assert [m.rank for m in matches] == [1, 2]


def test_a_department_met_in_a_completed_program_session_is_no_longer_new(world):
    BookingFactory(mentee=world.mentee, mentor=world.mentor, program=world.program, status="completed",
                   mentor_department=world.depts["Finance"], start=timezone.now() - timedelta(days=3))
    matches = program_recommendations(program=world.program, mentee=world.mentee)
    assert matches[0].reasons[0] == "Finance, another department than yours"


def test_a_cancelled_session_does_not_count_as_met(world):
    BookingFactory(mentee=world.mentee, mentor=world.mentor, program=world.program, status="cancelled",
                   mentor_department=world.depts["Finance"], start=timezone.now() - timedelta(days=3))
    matches = program_recommendations(program=world.program, mentee=world.mentee)
    assert matches[0].reasons[0] == "Finance, a department you have not met yet"


def test_require_other_department_filters_out_the_same_department(world):
    _set(world, department_rule="require_other")
    assert _ids(program_recommendations(program=world.program, mentee=world.mentee)) == [world.mentor.pk]


def test_any_department_gives_no_boost_and_no_department_preference(world):
    _set(world, department_rule="any")
    matches = program_recommendations(program=world.program, mentee=world.mentee)
    # Equal standing: the order falls back to the name (Erin before Fred).
    assert _ids(matches) == [world.same_dept_mentor.pk, world.mentor.pk]


def test_minimum_level_gap_filters(world):
    _set(world, min_level_gap=3)
    matches = program_recommendations(program=world.program, mentee=world.mentee)
    assert _ids(matches) == [world.same_dept_mentor.pk]
    assert "Three levels above you" in matches[0].reasons


def test_shared_language_filters_when_required_and_is_named(world):
    _set(world, require_shared_language=True)
    speaks(world.mentee, "es", "en")
    speaks(world.mentor, "es")
    speaks(world.same_dept_mentor, "de")
    matches = program_recommendations(program=world.program, mentee=world.mentee)
    assert _ids(matches) == [world.mentor.pk]
    assert "Speaks Spanish, like you" in matches[0].reasons


def test_a_shared_language_other_than_english_is_a_reason_even_when_not_required(world):
    speaks(world.mentee, "es", "en")
    speaks(world.mentor, "es", "en")
    reasons = program_recommendations(program=world.program, mentee=world.mentee)[0].reasons
    assert "Speaks Spanish, like you" in reasons


def test_only_joined_bookable_colleagues_are_recommended(world):
    ProgramEnrollment.objects.filter(user=world.same_dept_mentor).update(status="left")
    stranger = bookable(MentorFactory(email="outside@example.com"))
    enrol(world.program, stranger, "mentor")  # joined, but not a member of the organisation
    assert _ids(program_recommendations(program=world.program, mentee=world.mentee)) == [world.mentor.pk]


def test_a_mentee_outside_the_organisation_gets_nothing(world):
    from tests.factories import MenteeFactory

    assert program_recommendations(program=world.program, mentee=MenteeFactory()) == []


def test_the_engine_orders_mentors_of_equal_standing_by_their_fit(world):
    """Two Finance mentors at the same level: the one whose profile fits the goals comes first,
    with the engine's own reasons after the rule's."""
    _set(world, department_rule="any")
    coach = bookable(MentorFactory(email="coach@acme.example", name="Aaron Coach",
                                   profile__headline="Public speaking coach",
                                   profile__bio="I help engineers present with confidence at all-hands and conferences."))
    member(world.org, coach, dept=world.depts["Finance"], level=world.levels["IC3"])
    enrol(world.program, coach, "mentor")
    profile = world.mentee.mentee_profile
    profile.goals = "I freeze when I present to large audiences; I want to speak with confidence at conferences."
    profile.save()
    services.mentor_features_refresh()
    matches = program_recommendations(program=world.program, mentee=world.mentee)
    assert matches[0].mentor == coach
    assert len(matches[0].reasons) > 1


def test_query_count_does_not_grow_with_the_mentors(world, django_assert_num_queries):
    def run():
        return program_recommendations(program=world.program, mentee=world.mentee)

    # Membership, mentors, their memberships, languages, departments met, stored features.
    with django_assert_num_queries(6) as few:
        assert len(run()) == 2
    for n in range(4):
        extra = bookable(MentorFactory(email=f"extra{n}@acme.example"))
        member(world.org, extra, dept=world.depts["Sales"], level=world.levels["IC4"])
        enrol(world.program, extra, "mentor")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(run()) == 6
