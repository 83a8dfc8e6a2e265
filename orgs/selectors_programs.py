"""Reads about programs: who sees which, who may join which side and why not, who takes part.

`program_eligibility` is the one rule for joining: the program page shows its answer (with the
reason in plain words), the API returns it, and orgs.services.programs.enrollment_join refuses with
it. `programs_shared` is the one rule for "a booking between these two may count against this
program", used by the booking page's choice and the booking service's check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from orgs.models import Membership, Organisation, Program, ProgramEnrollment
from orgs.selectors import active_org_ids, is_org_admin, organisation_for_admin

SIDES = (ProgramEnrollment.Side.MENTEE, ProgramEnrollment.Side.MENTOR)
_ELIGIBILITY_PREFETCH = ("mentee_departments", "mentee_levels", "mentor_departments", "mentor_levels")


def org_today(organisation: Organisation, now: datetime | None = None) -> date:
    """Today's date in the organisation's zone: programs start and end on its calendar."""
    return (now or timezone.now()).astimezone(organisation.tzinfo).date()


def programs_visible(*, organisation: Organisation, user, admin: bool | None = None) -> QuerySet[Program]:
    """The organisation's programs this person may see: admins (and staff) every one, drafts
    included; members the open and closed ones; anyone else none. Newest first."""
    if not getattr(user, "is_authenticated", False):
        return Program.objects.none()
    if admin is None:
        admin = is_org_admin(user=user, organisation=organisation)
    qs = Program.objects.filter(organisation=organisation)
    if admin:
        return qs
    if organisation.pk not in active_org_ids(user=user):
        return Program.objects.none()
    return qs.exclude(status=Program.Status.DRAFT)


def program_visible_get(*, organisation: Organisation, slug: str, user, admin: bool | None = None) -> Program | None:
    """One program by slug if this person may see it (programs_visible), with its eligibility lists."""
    return (programs_visible(organisation=organisation, user=user, admin=admin)
            .select_related("organisation").prefetch_related(*_ELIGIBILITY_PREFETCH).filter(slug=slug).first())


@dataclass(frozen=True)
class Eligibility:
    """Whether one person may join one side of a program, and what the page should say."""

    side: str
    status: str  # the person's enrollment on this side: "joined", "invited", "left" or ""
    can_join: bool
    reason: str  # why not, in plain words ("" when they may join or already joined)
    code: str = ""  # the error code a refused join raises

    @property
    def joined(self) -> bool:
        return self.status == ProgramEnrollment.Status.JOINED

    @property
    def invited(self) -> bool:
        return self.status == ProgramEnrollment.Status.INVITED

    @property
    def can_leave(self) -> bool:
        return self.joined


def _names(items) -> str:
    names = [str(i) for i in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def program_eligibility(*, program: Program, user, side: str, membership: Membership | None,
                        enrollment: ProgramEnrollment | None, today: date | None = None) -> Eligibility:
    """Whether `user` may join `side` of `program` (membership: theirs in the program's organisation,
    with department and level; enrollment: theirs on that side, if any)."""
    status = enrollment.status if enrollment is not None else ""
    side_label = "mentee" if side == ProgramEnrollment.Side.MENTEE else "mentor"

    def no(reason: str, code: str = "not_eligible") -> Eligibility:
        return Eligibility(side=side, status=status, can_join=False, reason=reason, code=code)

    if status == ProgramEnrollment.Status.JOINED:
        return Eligibility(side=side, status=status, can_join=False, reason="", code="already_enrolled")
    if membership is None or not membership.is_active:
        return no("Only active members of the organisation can join its programs.")
    today = today or org_today(program.organisation)
    if program.status == Program.Status.DRAFT:
        return no("This program is not open yet.", "program_not_open")
    if program.status == Program.Status.CLOSED or program.ends_on < today:
        return no(f"This program ended on {program.ends_on:%d %B %Y}.", "program_not_open")
    if side == ProgramEnrollment.Side.MENTOR and not getattr(user, "is_mentor", False):
        return no("To mentor in this program, first become a mentor (My account, mentor profile).")
    invitation_only = program.mentee_invitation_only if side == "mentee" else program.mentor_invitation_only
    if invitation_only:
        # Whoever the admins invited (or who took part before and left) may join; nobody else.
        if enrollment is None:
            return no("Mentors join this program by invitation only; ask your organisation's admins."
                      if side == "mentor" else
                      "Mentees join this program by invitation only; ask your organisation's admins.")
        return Eligibility(side=side, status=status, can_join=True, reason="")
    departments = list((program.mentee_departments if side == "mentee" else program.mentor_departments).all())
    levels = list((program.mentee_levels if side == "mentee" else program.mentor_levels).all())
    if departments and membership.department_id not in {d.pk for d in departments}:
        yours = f"your department is {membership.department}" if membership.department_id else \
            "no department is on record for you"
        return no(f"As a {side_label}, this program is open to {_names(departments)}; {yours}.")
    if levels and membership.level_id not in {lv.pk for lv in levels}:
        yours = f"your level is {membership.level}" if membership.level_id else "no level is on record for you"
        return no(f"As a {side_label}, this program is open to levels {_names(levels)}; {yours}.")
    return Eligibility(side=side, status=status, can_join=True, reason="")


def program_eligibility_for(*, program: Program, user, now: datetime | None = None) -> dict[str, Eligibility]:
    """{side: Eligibility} for one person and both sides (two queries: membership, enrollments;
    the program's lists come prefetched by program_visible_get)."""
    membership = None
    enrollments: dict[str, ProgramEnrollment] = {}
    if getattr(user, "is_authenticated", False):
        membership = (Membership.objects.filter(user_id=user.pk, organisation_id=program.organisation_id)
                      .select_related("department", "level").first())
        enrollments = {e.side: e for e in ProgramEnrollment.objects.filter(program=program, user_id=user.pk)}
    today = org_today(program.organisation, now)
    return {side: program_eligibility(program=program, user=user, side=side, membership=membership,
                                      enrollment=enrollments.get(side), today=today) for side in SIDES}


def program_is_running(*, program: Program, on: date) -> bool:
    return program.status == Program.Status.OPEN and program.starts_on <= on <= program.ends_on


def program_mentors(*, program: Program) -> QuerySet[ProgramEnrollment]:
    """The program's joined mentors, each with the user, in name order."""
    return (ProgramEnrollment.objects.filter(program=program, side=ProgramEnrollment.Side.MENTOR,
                                             status=ProgramEnrollment.Status.JOINED, user__is_active=True)
            .select_related("user").order_by("user__name", "user_id"))


def program_enrollments(*, program: Program) -> QuerySet[ProgramEnrollment]:
    """Everyone taking part or invited, for the admins' people page."""
    return (ProgramEnrollment.objects.filter(program=program).select_related("user", "enrolled_by")
            .order_by("side", "status", "user__name", "user_id"))


def memberships_by_user(*, organisation_id: int, user_ids) -> dict[int, Membership]:
    """Active memberships of these people in the organisation, with department and level (one query)."""
    return {m.user_id: m for m in Membership.objects.filter(organisation_id=organisation_id, user_id__in=list(user_ids),
                                                            is_active=True).select_related("department", "level")}


def programs_shared(*, mentee, mentor) -> QuerySet[Program]:
    """Open programs where `mentee` joined as a mentee and `mentor` as a mentor, both still active
    members of its organisation: the programs a booking between them may count against."""
    joined = ProgramEnrollment.Status.JOINED
    return (Program.objects.filter(status=Program.Status.OPEN)
            .filter(Q(enrollments__user_id=mentee.pk, enrollments__side="mentee", enrollments__status=joined))
            .filter(Q(enrollments__user_id=mentor.pk, enrollments__side="mentor", enrollments__status=joined))
            .filter(organisation__memberships__user_id=mentee.pk, organisation__memberships__is_active=True)
            .filter(organisation__memberships__user_id=mentor.pk, organisation__memberships__is_active=True)
            .select_related("organisation").distinct().order_by("name", "id"))


def program_for_booking_get(*, program_id: int, user) -> Program | None:
    """A program named by id in a booking request, if the person booking may know it exists (an
    active member of its organisation, or staff); None is a 404."""
    if not getattr(user, "is_authenticated", False):
        return None
    program = Program.objects.select_related("organisation").filter(pk=program_id).first()
    if program is None or program.status == Program.Status.DRAFT:
        return None
    if user.is_staff or program.organisation_id in active_org_ids(user=user):
        return program
    return None


def my_programs(*, user, organisation: Organisation) -> dict[int, list[str]]:
    """{program id: [sides joined]} for one person in one organisation (one query)."""
    out: dict[int, list[str]] = {}
    if not getattr(user, "is_authenticated", False):
        return out
    for program_id, side in ProgramEnrollment.objects.filter(
            user_id=user.pk, status=ProgramEnrollment.Status.JOINED,
            program__organisation=organisation).values_list("program_id", "side"):
        out.setdefault(program_id, []).append(side)
    return out


def member_by_email(*, organisation: Organisation, email: str):
    """The user behind an active membership with this address (case-insensitive), or None."""
    membership = (Membership.objects.filter(organisation=organisation, is_active=True, user__email__iexact=email.strip())
                  .select_related("user").first())
    return membership.user if membership else None


def program_limits_in_words(program: Program) -> list[str]:
    """Dates, lengths, quota and capacity as sentences for the program page."""
    lengths = program.session_lengths
    out = [f"Runs from {program.starts_on:%d %B %Y} to {program.ends_on:%d %B %Y}.",
           "Sessions of " + (", ".join(str(n) for n in lengths[:-1]) + " or " if len(lengths) > 1 else "")
           + f"{lengths[-1]} minutes."]
    if program.mentee_quota_per_month:
        n = program.mentee_quota_per_month
        out.append(f"Each mentee books up to {n} session{'s' if n != 1 else ''} a month in the program.")
    if program.mentor_capacity:
        n, unit = program.mentor_capacity, program.mentor_capacity_unit
        what = f"{n} session{'s' if n != 1 else ''}" if unit == Program.CapacityUnit.SESSIONS else f"{n} minutes"
        out.append(f"Each mentor gives up to {what} a week to the program, on top of their own limits.")
    if program.allows_flash_questions:
        out.append("Mentees may post one flash question a week to the program's mentors.")
    return out


def program_for_viewer(*, org_slug: str, program_slug: str, user) -> tuple[Organisation, Program, bool] | None:
    """(organisation, program, whether the user manages it) for a page or endpoint, or None (a 404)
    when the organisation or the program is not visible to this user."""
    org, admin = organisation_for_admin(slug=org_slug, user=user)
    if org is None:
        return None
    program = program_visible_get(organisation=org, slug=program_slug, user=user, admin=admin)
    return None if program is None else (org, program, admin)
