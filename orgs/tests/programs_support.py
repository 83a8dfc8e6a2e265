"""A small company with a running program, shared by the program tests of orgs, sessions and
matching (plain functions; collected by pytest but holds no tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Language
from orgs.models import Membership, Organisation, Program, ProgramEnrollment
from sessions.tests.test_bookings_support import open_every_day, set_policy
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    MenteeFactory,
    MentorFactory,
    ProgramFactory,
    UserFactory,
    org_with_ladder,
)


@dataclass
class World:
    org: Organisation
    depts: dict
    levels: dict
    program: Program
    admin: object
    mentee: object
    mentor: object  # Finance, IC3: another department, two levels above the mentee
    same_dept_mentor: object  # Engineering, IC4
    member: object  # Sales, IC2, in the organisation but in no program
    memberships: dict = field(default_factory=dict)


def member(org, user, *, dept=None, level=None, role=Membership.Role.MEMBER) -> Membership:
    return MembershipFactory(organisation=org, user=user, department=dept, level=level, role=role)


def enrol(program, user, side, status=ProgramEnrollment.Status.JOINED) -> ProgramEnrollment:
    return EnrollmentFactory(program=program, user=user, side=side, status=status)


def bookable(mentor, **policy):
    open_every_day(mentor)
    set_policy(mentor, min_notice_hours=0, horizon_days=180, **policy)
    return mentor


def program_world(*, name: str = "Acme", **program_fields) -> World:
    """Acme (Europe/Berlin): Engineering, Finance, Sales; IC1..IC4. An open program "Cross-team"
    (30-minute sessions) with the mentee (Engineering, IC1) and two mentors joined."""
    org, depts, levels = org_with_ladder(name=name)
    slug = name.lower()
    admin = UserFactory(email=f"admin@{slug}.example", name="Ada Orgadmin")
    mentee = MenteeFactory(email=f"mentee@{slug}.example", name="Mia Mentee", timezone="Europe/Berlin")
    mentor = bookable(MentorFactory(email=f"finance@{slug}.example", name="Fred Finance", timezone="Europe/Berlin"))
    same = bookable(MentorFactory(email=f"eng@{slug}.example", name="Erin Engineer", timezone="Europe/Berlin"))
    person = MenteeFactory(email=f"sales@{slug}.example", name="Sid Sales", timezone="Europe/Berlin")
    memberships = {
        "admin": member(org, admin, dept=depts["Sales"], level=levels["IC4"], role=Membership.Role.ADMIN),
        "mentee": member(org, mentee, dept=depts["Engineering"], level=levels["IC1"]),
        "mentor": member(org, mentor, dept=depts["Finance"], level=levels["IC3"]),
        "same": member(org, same, dept=depts["Engineering"], level=levels["IC4"]),
        "member": member(org, person, dept=depts["Sales"], level=levels["IC2"]),
    }
    program = ProgramFactory(organisation=org, name="Cross-team", slug="cross-team", **program_fields)
    enrol(program, mentee, "mentee")
    enrol(program, mentor, "mentor")
    enrol(program, same, "mentor")
    return World(org=org, depts=depts, levels=levels, program=program, admin=admin, mentee=mentee, mentor=mentor,
                 same_dept_mentor=same, member=person, memberships=memberships)


def speaks(user, *codes: str) -> None:
    profile = getattr(user, "mentor_profile", None) if user.is_mentor else None
    profile = profile or user.mentee_profile
    profile.languages.set(Language.objects.filter(code__in=codes))
