"""Program services: the one place a program is created, edited, opened or closed, and where people
join, leave, are enrolled or invited.

Validation lives here (forms and serializers only parse): each refusal is an OrgError with a code
from mentorship.errors and the fields at fault. Who may do what: organisation admins (and staff)
manage programs; a member joins or leaves a side when orgs.selectors_programs.program_eligibility
says so, the same answer the program page and the API show.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from orgs.errors import OrgError
from orgs.models import Department, Level, Membership, Organisation, Program, ProgramEnrollment
from orgs.selectors import is_org_admin
from orgs.selectors_programs import SIDES, org_today, program_eligibility

NAME_MAX = 120
PURPOSE_MAX = 3000
RESERVED_SLUGS = {"new"}


@dataclass(frozen=True)
class ProgramData:
    """Everything an admin sets on a program, as parsed by a form or a serializer (not yet checked)."""

    name: str = ""
    purpose: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    session_lengths: tuple[int, ...] = (30,)
    mentee_department_ids: tuple[int, ...] = ()
    mentee_level_ids: tuple[int, ...] = ()
    mentee_invitation_only: bool = False
    mentor_department_ids: tuple[int, ...] = ()
    mentor_level_ids: tuple[int, ...] = ()
    mentor_invitation_only: bool = False
    mentee_quota_per_month: int | None = None
    mentor_capacity: int | None = None
    mentor_capacity_unit: str = Program.CapacityUnit.SESSIONS
    department_rule: str = Program.DepartmentRule.PREFER_OTHER
    min_level_gap: int | None = None
    require_shared_language: bool = False
    allows_flash_questions: bool = False

    @classmethod
    def of(cls, program: Program) -> ProgramData:
        """The program as it is, for an edit that changes only some fields."""
        return cls(
            name=program.name, purpose=program.purpose, starts_on=program.starts_on, ends_on=program.ends_on,
            session_lengths=tuple(program.session_lengths),
            mentee_department_ids=tuple(d.pk for d in program.mentee_departments.all()),
            mentee_level_ids=tuple(lv.pk for lv in program.mentee_levels.all()),
            mentee_invitation_only=program.mentee_invitation_only,
            mentor_department_ids=tuple(d.pk for d in program.mentor_departments.all()),
            mentor_level_ids=tuple(lv.pk for lv in program.mentor_levels.all()),
            mentor_invitation_only=program.mentor_invitation_only,
            mentee_quota_per_month=program.mentee_quota_per_month, mentor_capacity=program.mentor_capacity,
            mentor_capacity_unit=program.mentor_capacity_unit, department_rule=program.department_rule,
            min_level_gap=program.min_level_gap, require_shared_language=program.require_shared_language,
            allows_flash_questions=program.allows_flash_questions,
        )

    def with_changes(self, **changes) -> ProgramData:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if k in known})


def _require_admin(*, actor, organisation: Organisation) -> None:
    if not is_org_admin(user=actor, organisation=organisation):
        raise OrgError("Only the organisation's admins can manage its programs.", code="not_program_admin")


def _check(organisation: Organisation, data: ProgramData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = ["Give the program a name."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Keep the name under {NAME_MAX} characters."]
    elif any(ord(ch) < 32 for ch in name):
        errors["name"] = ["The name must be on one line."]
    if len(data.purpose or "") > PURPOSE_MAX:
        errors["purpose"] = [f"Keep the purpose under {PURPOSE_MAX} characters."]
    if data.starts_on is None:
        errors["starts_on"] = ["Give the first day of the program."]
    if data.ends_on is None:
        errors["ends_on"] = ["Give the last day of the program."]
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = ["The program cannot end before it starts."]
    lengths = set(data.session_lengths or ())
    if not lengths:
        errors["session_lengths"] = ["Allow at least one session length."]
    elif lengths - set(settings.SESSION_LENGTHS):
        errors["session_lengths"] = [f"Choose among {', '.join(str(n) for n in settings.SESSION_LENGTHS)} minutes."]
    for key, model in (("mentee_department_ids", Department), ("mentor_department_ids", Department),
                       ("mentee_level_ids", Level), ("mentor_level_ids", Level)):
        ids = set(getattr(data, key))
        if ids and model.objects.filter(organisation=organisation, pk__in=ids).count() != len(ids):
            errors[key] = ["Choose among this organisation's own departments and levels."]
    if data.mentee_quota_per_month is not None and not 1 <= data.mentee_quota_per_month <= 100:
        errors["mentee_quota_per_month"] = ["Between 1 and 100 sessions a month, or empty for no limit."]
    if data.mentor_capacity is not None and not 1 <= data.mentor_capacity <= 2400:
        errors["mentor_capacity"] = ["Between 1 and 2400, or empty for no limit."]
    if data.mentor_capacity_unit not in Program.CapacityUnit.values:
        errors["mentor_capacity_unit"] = ["Count the capacity in sessions or in minutes."]
    if data.department_rule not in Program.DepartmentRule.values:
        errors["department_rule"] = ["Choose any, prefer other or require other."]
    if data.min_level_gap is not None and not 0 <= data.min_level_gap <= 20:
        errors["min_level_gap"] = ["Between 0 and 20 levels, or empty for no rule."]
    return errors


def _unique_slug(organisation: Organisation, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "program"
    if base in RESERVED_SLUGS:  # /orgs/<slug>/programs/new/ is the create page
        base = f"{base}-program"
    taken = set(Program.objects.filter(organisation=organisation, slug__startswith=base)
                .exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(program: Program, data: ProgramData) -> None:
    program.name = data.name.strip()
    program.purpose = (data.purpose or "").strip()
    program.starts_on, program.ends_on = data.starts_on, data.ends_on
    program.set_session_lengths(set(data.session_lengths))
    program.mentee_invitation_only = data.mentee_invitation_only
    program.mentor_invitation_only = data.mentor_invitation_only
    program.mentee_quota_per_month = data.mentee_quota_per_month
    program.mentor_capacity = data.mentor_capacity
    program.mentor_capacity_unit = data.mentor_capacity_unit
    program.department_rule = data.department_rule
    program.min_level_gap = data.min_level_gap
    program.require_shared_language = data.require_shared_language
    program.allows_flash_questions = data.allows_flash_questions


def _set_lists(program: Program, data: ProgramData) -> None:
    program.mentee_departments.set(data.mentee_department_ids)
    program.mentee_levels.set(data.mentee_level_ids)
    program.mentor_departments.set(data.mentor_department_ids)
    program.mentor_levels.set(data.mentor_level_ids)


def program_create(*, organisation: Organisation, actor, data: ProgramData) -> Program:
    """A new program, as a draft: nobody but the admins sees it until it is opened."""
    _require_admin(actor=actor, organisation=organisation)
    if errors := _check(organisation, data):
        raise OrgError("Please correct the program.", code="invalid_program", field_errors=errors)
    with transaction.atomic():
        program = Program(organisation=organisation, created_by=actor, status=Program.Status.DRAFT)
        _apply(program, data)
        program.slug = _unique_slug(organisation, program.name)
        program.save()
        _set_lists(program, data)
    return program


def program_update(*, program: Program, actor, data: ProgramData) -> Program:
    """Edit a program. Its address (slug) stays, so links already shared keep working."""
    _require_admin(actor=actor, organisation=program.organisation)
    if errors := _check(program.organisation, data):
        raise OrgError("Please correct the program.", code="invalid_program", field_errors=errors)
    with transaction.atomic():
        _apply(program, data)
        program.save()
        _set_lists(program, data)
    return program


def program_open(*, program: Program, actor, now: datetime | None = None) -> Program:
    """Open a draft (or reopen a closed program that has not ended): members see it and may join."""
    _require_admin(actor=actor, organisation=program.organisation)
    if program.status == Program.Status.OPEN:
        raise OrgError("This program is already open.", code="program_state")
    if program.ends_on < org_today(program.organisation, now):
        raise OrgError("This program's last day has passed; move its end date before opening it.",
                       code="invalid_program", field_errors={"ends_on": ["The last day has passed."]})
    Program.objects.filter(pk=program.pk).update(status=Program.Status.OPEN, updated_at=timezone.now())
    program.status = Program.Status.OPEN
    return program


def program_close(*, program: Program, actor) -> Program:
    """Close a program: no new bookings count against it; its history and insights stay."""
    _require_admin(actor=actor, organisation=program.organisation)
    if program.status != Program.Status.OPEN:
        raise OrgError("Only an open program can be closed.", code="program_state")
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED, updated_at=timezone.now())
    program.status = Program.Status.CLOSED
    return program


# --- taking part ---------------------------------------------------------------------------------

def _check_side(side: str) -> None:
    if side not in SIDES:
        raise OrgError("Choose the mentee or the mentor side.", code="invalid",
                       field_errors={"side": ["Use side=mentee or side=mentor."]})


def _membership(program: Program, user) -> Membership | None:
    return (Membership.objects.filter(organisation_id=program.organisation_id, user_id=user.pk)
            .select_related("department", "level").first())


def enrollment_join(*, program: Program, user, side: str, now: datetime | None = None) -> ProgramEnrollment:
    """The member joins one side, when program_eligibility allows it (the page's and API's answer)."""
    now = now or timezone.now()
    _check_side(side)
    with transaction.atomic():
        enrollment = (ProgramEnrollment.objects.select_for_update()
                      .filter(program=program, user_id=user.pk, side=side).first())
        verdict = program_eligibility(program=program, user=user, side=side, membership=_membership(program, user),
                                      enrollment=enrollment, today=org_today(program.organisation, now))
        if not verdict.can_join:
            message = verdict.reason or "You already take part on that side."
            errors = {"side": [message]}
            if verdict.code == "already_enrolled":
                raise OrgError(message, code="already_enrolled", field_errors=errors)
            if verdict.code == "program_not_open":
                raise OrgError(message, code="program_not_open", field_errors=errors)
            raise OrgError(message, code="not_eligible", field_errors=errors)
        if enrollment is None:
            try:
                with transaction.atomic():
                    return ProgramEnrollment.objects.create(program=program, user=user, side=side, joined_at=now,
                                                            status=ProgramEnrollment.Status.JOINED)
            except IntegrityError:  # a double click: the other request's row is there
                raise OrgError("You already take part on that side.", code="already_enrolled")
        enrollment.status = ProgramEnrollment.Status.JOINED
        enrollment.joined_at, enrollment.left_at = now, None
        enrollment.save(update_fields=["status", "joined_at", "left_at"])
        return enrollment


def enrollment_leave(*, program: Program, user, side: str, now: datetime | None = None) -> ProgramEnrollment:
    """Leave one side. Sessions already booked stay (the other person is not surprised); new ones
    in the program need joining again."""
    now = now or timezone.now()
    _check_side(side)
    with transaction.atomic():
        enrollment = (ProgramEnrollment.objects.select_for_update()
                      .filter(program=program, user_id=user.pk, side=side).first())
        if enrollment is None or enrollment.status != ProgramEnrollment.Status.JOINED:
            raise OrgError("You do not take part on that side.", code="program_state")
        enrollment.status, enrollment.left_at = ProgramEnrollment.Status.LEFT, now
        enrollment.save(update_fields=["status", "left_at"])
        return enrollment


def enrollment_add(*, program: Program, actor, user, side: str, invite: bool = False,
                   now: datetime | None = None) -> ProgramEnrollment:
    """An admin enrols a member on a side (joined at once) or invites them (status invited: they
    join when they choose to, even on an invitation-only side). Only active members of the
    organisation can be added; their department and level do not matter (the admins chose them)."""
    now = now or timezone.now()
    _require_admin(actor=actor, organisation=program.organisation)
    _check_side(side)
    if program.status == Program.Status.CLOSED:
        raise OrgError("This program is closed.", code="program_not_open")
    if not Membership.objects.filter(organisation_id=program.organisation_id, user_id=user.pk,
                                     is_active=True).exists():
        raise OrgError("Only active members of the organisation can take part.", code="invalid",
                       field_errors={"email": ["Not an active member of this organisation."]})
    if side == ProgramEnrollment.Side.MENTOR and not getattr(user, "is_mentor", False):
        raise OrgError("This person is not a mentor yet; they need a mentor profile first.", code="invalid",
                       field_errors={"side": ["Not a mentor yet."]})
    status = ProgramEnrollment.Status.INVITED if invite else ProgramEnrollment.Status.JOINED
    with transaction.atomic():
        enrollment = (ProgramEnrollment.objects.select_for_update()
                      .filter(program=program, user_id=user.pk, side=side).first())
        if enrollment is not None and (enrollment.status == ProgramEnrollment.Status.JOINED
                                       or (invite and enrollment.status == ProgramEnrollment.Status.INVITED)):
            raise OrgError(f"{user} already takes part on that side.", code="already_enrolled",
                           field_errors={"email": ["Already on that side."]})
        enrollment = enrollment or ProgramEnrollment(program=program, user=user, side=side)
        enrollment.status, enrollment.enrolled_by = status, actor
        if invite:
            enrollment.invited_at = now
        else:
            enrollment.joined_at, enrollment.left_at = now, None
        enrollment.save()
        return enrollment
