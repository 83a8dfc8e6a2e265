"""A small program with a hand-computed history (March 2027, Europe/Berlin, across the DST change),
and a helper that adds program bookings with their department and level snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from orgs.models import Membership
from ratings.models import Rating
from sessions.models import Booking
from tests.factories import (
    BookingFactory,
    EnrollmentFactory,
    MembershipFactory,
    ProgramFactory,
    SkillFactory,
    UserFactory,
    org_with_ladder,
)

MARCH = (date(2027, 3, 1), date(2027, 3, 31))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def program_booking(*, program, mentee, mentor, start: datetime, status: str = "completed", created_at=None,
                    mentee_department=None, mentee_level=None, mentor_department=None, mentor_level=None,
                    **extra) -> Booking:
    booking = BookingFactory(mentee=mentee, mentor=mentor, start=start, status=status, program=program,
                             mentee_department=mentee_department, mentee_level=mentee_level,
                             mentor_department=mentor_department, mentor_level=mentor_level, **extra)
    # auto_now_add ignores what the factory passes; by default booked three days ahead
    Booking.objects.filter(pk=booking.pk).update(created_at=created_at or start - timedelta(days=3))
    return booking


def member(org, *, email: str, department=None, level=None, role: str = Membership.Role.MEMBER, name: str = ""):
    user = UserFactory(email=email, name=name or f"{email.split('@')[0].title()} Example")
    MembershipFactory(organisation=org, user=user, department=department, level=level, role=role)
    return user


@dataclass
class March:
    org: object
    program: object
    depts: dict
    ladder: dict
    people: dict = field(default_factory=dict)
    bookings: dict = field(default_factory=dict)


def march_program() -> March:
    """Mentees A (Engineering IC1), B (Finance IC2), C (Sales IC1), D (joined, never booked);
    mentors X (Finance IC3), Y (Engineering IC2). Expected figures are in test_selectors.py."""
    org, depts, ladder = org_with_ladder(name="Acme")
    program = ProgramFactory(organisation=org, name="Cross-team", slug="cross-team",
                             starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    eng, fin, sales = depts["Engineering"], depts["Finance"], depts["Sales"]
    p = {
        "A": member(org, email="a@acme.test", name="Alice Andersen", department=eng, level=ladder["IC1"]),
        "B": member(org, email="b@acme.test", name="Bruno Berg", department=fin, level=ladder["IC2"]),
        "C": member(org, email="c@acme.test", name="Chen Cruz", department=sales, level=ladder["IC1"]),
        "D": member(org, email="d@acme.test", name="Dana Dahl", department=sales, level=ladder["IC1"]),
        "X": member(org, email="x@acme.test", name="Xavier Xu", department=fin, level=ladder["IC3"]),
        "Y": member(org, email="y@acme.test", name="Yusuf Yilmaz", department=eng, level=ladder["IC2"]),
    }
    EnrollmentFactory(program=program, user=p["A"], side="mentee", joined_at=utc(2027, 2, 20))
    EnrollmentFactory(program=program, user=p["B"], side="mentee", joined_at=utc(2027, 3, 5))
    EnrollmentFactory(program=program, user=p["C"], side="mentee", joined_at=utc(2027, 3, 2, 12))
    EnrollmentFactory(program=program, user=p["D"], side="mentee", invited_at=utc(2027, 3, 3),
                      joined_at=utc(2027, 3, 6))
    for mentor in ("X", "Y"):
        EnrollmentFactory(program=program, user=p[mentor], side="mentor", joined_at=utc(2027, 1, 1))

    def snap(mentee, mentor):
        m1 = Membership.objects.get(organisation=org, user=p[mentee])
        m2 = Membership.objects.get(organisation=org, user=p[mentor])
        return {"mentee": p[mentee], "mentor": p[mentor], "mentee_department": m1.department,
                "mentee_level": m1.level, "mentor_department": m2.department, "mentor_level": m2.level}

    b = {
        # 00:30 in Berlin on 1 March: inside the period although it is still February in UTC.
        "b1": program_booking(program=program, start=utc(2027, 2, 28, 23, 30), topic="Frontend",
                              question="How do I structure a large JS codebase?", **snap("A", "X")),
        "before": program_booking(program=program, start=utc(2027, 2, 28, 22, 30), **snap("A", "X")),
        "b2": program_booking(program=program, start=utc(2027, 3, 10, 10), topic="Python testing", **snap("A", "Y")),
        "b3": program_booking(program=program, start=utc(2027, 3, 15, 10), status="cancelled", cancelled_late=True,
                              created_at=utc(2027, 3, 12), **snap("B", "X")),
        # Sunday 28 March 23:30 CEST (the night clocks went forward): still the week of 22 March.
        "b4": program_booking(program=program, start=utc(2027, 3, 28, 21, 30), **snap("B", "X")),
        # Monday 29 March 00:30 CEST, an hour later in UTC terms: the week of 29 March.
        "b5": program_booking(program=program, start=utc(2027, 3, 28, 22, 30), status="no_show",
                              question="Can you help me with python packaging?", **snap("C", "Y")),
        "b6": program_booking(program=program, start=utc(2027, 3, 5, 10), status="declined",
                              created_at=utc(2027, 3, 4, 13), **snap("C", "X")),
        # 23:30 CEST on 31 March: the period's last half hour.
        "b7": program_booking(program=program, start=utc(2027, 3, 31, 21, 30), status="confirmed", **snap("A", "Y")),
        # 00:30 CEST on 1 April: outside.
        "after": program_booking(program=program, start=utc(2027, 3, 31, 22, 30), **snap("B", "Y")),
    }
    Booking.objects.filter(mentee=p["A"]).update(created_at=utc(2027, 2, 1))
    Booking.objects.filter(pk=b["b2"].pk).update(created_at=utc(2027, 3, 1))
    for key, stars, expectation, comment in (("b1", 5, "exceeded", ""), ("b2", 4, "met", ""),
                                             ("b4", 2, "below", "SECRET COMMENT about Xavier")):
        booking = b[key]
        Rating.objects.create(booking=booking, rater=booking.mentee, ratee=booking.mentor, direction="mentee_to_mentor",
                              stars=stars, expectation=expectation, comment=comment, created_at=booking.end)
    Rating.objects.create(booking=b["b4"], rater=p["X"], ratee=p["B"], direction="mentor_to_mentee",
                          private_feedback="PRIVATE FEEDBACK on B", created_at=b["b4"].end + timedelta(hours=1))
    SkillFactory(name="Python", synonyms="py")
    SkillFactory(name="JavaScript", synonyms="JS, ECMAScript")
    return March(org=org, program=program, depts=depts, ladder=ladder, people=p, bookings=b)
