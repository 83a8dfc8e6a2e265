"""Program services: admins manage programs, members join and leave under one eligibility rule."""

from __future__ import annotations

from datetime import date

import pytest

from orgs.errors import OrgError
from orgs.models import Program, ProgramEnrollment
from orgs.selectors_programs import program_eligibility_for, programs_shared
from orgs.services.programs import (
    ProgramData,
    enrollment_add,
    enrollment_join,
    enrollment_leave,
    program_close,
    program_create,
    program_open,
    program_update,
)
from orgs.tests.programs_support import member, program_world
from tests.factories import MenteeFactory, MentorFactory, UserFactory, org_with_ladder

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return program_world()


def _data(**changes) -> ProgramData:
    return ProgramData(name="Bridges", purpose="Meet other teams", starts_on=date(2026, 11, 1),
                       ends_on=date(2027, 1, 31), session_lengths=(15, 30)).with_changes(**changes)


def _refused(call) -> OrgError:
    with pytest.raises(OrgError) as caught:
        call()
    return caught.value


def test_an_admin_creates_a_draft_with_every_setting(world):
    program = program_create(organisation=world.org, actor=world.admin, data=_data(
        mentee_department_ids=(world.depts["Engineering"].pk,), mentor_level_ids=(world.levels["IC3"].pk,),
        mentee_quota_per_month=2, mentor_capacity=90, mentor_capacity_unit="minutes", department_rule="require_other",
        min_level_gap=1, require_shared_language=True, allows_flash_questions=True))
    program.refresh_from_db()
    assert (program.status, program.slug, program.session_lengths) == ("draft", "bridges", [15, 30])
    assert list(program.mentee_departments.all()) == [world.depts["Engineering"]]
    assert list(program.mentor_levels.all()) == [world.levels["IC3"]]
    assert (program.mentee_quota_per_month, program.mentor_capacity, program.mentor_capacity_unit) == (2, 90, "minutes")
    assert program.created_by == world.admin and program.allows_flash_questions


def test_slugs_stay_unique_and_never_take_the_create_page_address(world):
    assert program_create(organisation=world.org, actor=world.admin, data=_data(name="Cross team")).slug == "cross-team-2"
    assert program_create(organisation=world.org, actor=world.admin, data=_data(name="New")).slug == "new-program"


@pytest.mark.parametrize("changes, field", [
    ({"name": " "}, "name"), ({"name": "x" * 121}, "name"), ({"ends_on": date(2026, 10, 1)}, "ends_on"),
    ({"session_lengths": ()}, "session_lengths"), ({"session_lengths": (20,)}, "session_lengths"),
    ({"mentee_quota_per_month": 0}, "mentee_quota_per_month"), ({"mentor_capacity": 5000}, "mentor_capacity"),
    ({"min_level_gap": -1}, "min_level_gap"), ({"department_rule": "whatever"}, "department_rule"),
    ({"starts_on": None}, "starts_on"),
])
def test_invalid_programs_are_refused_field_by_field(world, changes, field):
    error = _refused(lambda: program_create(organisation=world.org, actor=world.admin, data=_data(**changes)))
    assert (error.code, error.status) == ("invalid_program", 400)
    assert field in error.field_errors
    assert not Program.objects.filter(name="Bridges").exists()


def test_departments_of_another_organisation_are_refused(world):
    _, other_depts, _ = org_with_ladder(name="Other")
    error = _refused(lambda: program_create(organisation=world.org, actor=world.admin,
                                            data=_data(mentor_department_ids=(other_depts["Finance"].pk,))))
    assert "mentor_department_ids" in error.field_errors


@pytest.mark.parametrize("who", ["member", "mentee", "other_admin"])
def test_only_the_organisations_admins_manage_programs(world, who):
    other_org, _, _ = org_with_ladder(name="Other")
    actor = {"member": world.member, "mentee": world.mentee}.get(who) or UserFactory()
    if who == "other_admin":
        member(other_org, actor, role="admin")
    for call in (lambda: program_create(organisation=world.org, actor=actor, data=_data()),
                 lambda: program_update(program=world.program, actor=actor, data=_data()),
                 lambda: program_close(program=world.program, actor=actor)):
        error = _refused(call)
        assert (error.code, error.status) == ("not_program_admin", 403)


def test_staff_manage_every_organisations_programs(world, staff):
    program_update(program=world.program, actor=staff, data=ProgramData.of(world.program).with_changes(name="Renamed"))
    world.program.refresh_from_db()
    assert world.program.name == "Renamed" and world.program.slug == "cross-team"


def test_open_and_close(world):
    program = program_create(organisation=world.org, actor=world.admin, data=_data())
    program_open(program=program, actor=world.admin)
    assert Program.objects.get(pk=program.pk).status == "open"
    assert _refused(lambda: program_open(program=program, actor=world.admin)).code == "program_state"
    program_close(program=program, actor=world.admin)
    assert Program.objects.get(pk=program.pk).status == "closed"
    assert _refused(lambda: program_close(program=program, actor=world.admin)).code == "program_state"


def test_a_program_whose_last_day_passed_cannot_be_opened(world):
    program = program_create(organisation=world.org, actor=world.admin,
                             data=_data(starts_on=date(2026, 1, 1), ends_on=date(2026, 10, 31)))
    assert "ends_on" in _refused(lambda: program_open(program=program, actor=world.admin)).field_errors


# --- joining -----------------------------------------------------------------------------------------

def test_a_member_joins_and_leaves_a_side(world):
    enrollment_join(program=world.program, user=world.member, side="mentee")
    assert program_eligibility_for(program=world.program, user=world.member)["mentee"].joined
    enrollment_leave(program=world.program, user=world.member, side="mentee")
    assert ProgramEnrollment.objects.get(user=world.member).status == "left"
    enrollment_join(program=world.program, user=world.member, side="mentee")  # rejoin
    assert ProgramEnrollment.objects.get(user=world.member).status == "joined"


def test_joining_twice_is_refused(world):
    error = _refused(lambda: enrollment_join(program=world.program, user=world.mentee, side="mentee"))
    assert (error.code, error.status) == ("already_enrolled", 409)


def test_leaving_a_side_never_joined_is_refused(world):
    assert _refused(lambda: enrollment_leave(program=world.program, user=world.member, side="mentor")).code == \
        "program_state"


def test_eligibility_by_department_says_why_not(world):
    world.program.mentee_departments.set([world.depts["Engineering"], world.depts["Finance"]])
    verdict = program_eligibility_for(program=world.program, user=world.member)["mentee"]
    assert not verdict.can_join
    assert verdict.reason == "As a mentee, this program is open to Engineering and Finance; your department is Sales."
    error = _refused(lambda: enrollment_join(program=world.program, user=world.member, side="mentee"))
    assert (error.code, error.message) == ("not_eligible", verdict.reason)


def test_eligibility_by_level(world):
    world.program.mentor_levels.set([world.levels["IC4"]])
    person = MentorFactory()
    member(world.org, person, dept=world.depts["Sales"], level=world.levels["IC2"])
    verdict = program_eligibility_for(program=world.program, user=person)["mentor"]
    assert verdict.reason == "As a mentor, this program is open to levels IC4; your level is IC2."


def test_the_mentor_side_needs_a_mentor(world):
    verdict = program_eligibility_for(program=world.program, user=world.member)["mentor"]
    assert not verdict.can_join and "first become a mentor" in verdict.reason


def test_invitation_only_sides_take_the_invited_only(world):
    Program.objects.filter(pk=world.program.pk).update(mentee_invitation_only=True)
    world.program.refresh_from_db()
    verdict = program_eligibility_for(program=world.program, user=world.member)["mentee"]
    assert not verdict.can_join and "by invitation only" in verdict.reason
    enrollment_add(program=world.program, actor=world.admin, user=world.member, side="mentee", invite=True)
    assert ProgramEnrollment.objects.get(user=world.member).status == "invited"
    verdict = program_eligibility_for(program=world.program, user=world.member)["mentee"]
    assert verdict.can_join and verdict.invited
    enrollment_join(program=world.program, user=world.member, side="mentee")


@pytest.mark.parametrize("status, reason", [("draft", "not open yet"), ("closed", "ended")])
def test_nobody_joins_a_draft_or_closed_program(world, status, reason):
    Program.objects.filter(pk=world.program.pk).update(status=status)
    world.program.refresh_from_db()
    verdict = program_eligibility_for(program=world.program, user=world.member)["mentee"]
    assert not verdict.can_join and reason in verdict.reason and verdict.code == "program_not_open"


def test_people_outside_the_organisation_cannot_join(world):
    verdict = program_eligibility_for(program=world.program, user=MenteeFactory())["mentee"]
    assert not verdict.can_join and "active members" in verdict.reason


def test_an_admin_enrols_a_member_at_once_whatever_their_department(world):
    world.program.mentee_departments.set([world.depts["Engineering"]])
    enrollment = enrollment_add(program=world.program, actor=world.admin, user=world.member, side="mentee")
    assert (enrollment.status, enrollment.enrolled_by) == ("joined", world.admin)
    error = _refused(lambda: enrollment_add(program=world.program, actor=world.admin, user=world.member,
                                            side="mentee"))
    assert error.code == "already_enrolled"


def test_only_active_members_are_enrolled(world):
    error = _refused(lambda: enrollment_add(program=world.program, actor=world.admin, user=MenteeFactory(),
                                            side="mentee"))
    assert "email" in error.field_errors


def test_programs_shared_needs_both_sides_joined_in_an_open_program(world):
    assert list(programs_shared(mentee=world.mentee, mentor=world.mentor)) == [world.program]
    assert list(programs_shared(mentee=world.mentor, mentor=world.mentee)) == []
    Program.objects.filter(pk=world.program.pk).update(status="closed")
    assert list(programs_shared(mentee=world.mentee, mentor=world.mentor)) == []
