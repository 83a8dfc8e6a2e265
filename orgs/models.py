"""Companies running internal micro-mentorship programs.

An Organisation owns its verified email domains, its departments and its seniority ladder
(ordered Levels). People belong to it through a Membership, which carries what the company's HR
system knows about them (department, level, title, location, manager, employee id) and whether they
are still employed (`is_active`). A Program is a time-boxed internal scheme with its own rules:
who may take part on each side, session lengths, a monthly quota per mentee, a weekly capacity per
mentor and the matching rules. ProgramEnrollment records who takes part, on which side.

This app sits below accounts (DESIGN.md): it names the user model through the setting only and
never imports another app of ours. Bookings reference Program and snapshot Department and Level
(sessions.models.Booking); insights read these tables.
"""

from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower


def validate_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Not an IANA time zone, e.g. Europe/Berlin.", code="invalid_timezone") from exc


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


class Organisation(models.Model):
    """A company. Lifecycle: created by staff (admin) -> admins add domains, departments, levels
    and members (by hand, invitation, invite link, domain sign-up or directory sync) -> programs run.

    `join_policy` says how people get in: by invitation only, or also automatically when they sign
    up or verify an address on one of the organisation's verified domains. `invite_token` is the
    shareable invite link (rotating it revokes the old link; null: no link).
    """

    class JoinPolicy(models.TextChoices):
        INVITATION = "invitation", "By invitation or invite link only"
        DOMAIN = "domain", "Also anyone who signs up with a verified address on our domains"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    logo = models.ImageField(upload_to="orgs/logos/", blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_zone],
                                help_text="IANA time zone the programs' weeks and months are counted in")
    join_policy = models.CharField(max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.INVITATION)
    invite_token = models.CharField(max_length=64, unique=True, null=True, blank=True, default=None)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone or "UTC")


class OrganisationDomain(models.Model):
    """An email domain of the organisation (lower case, no "@"). Only a verified domain admits
    people automatically; staff verify it (verified_at). A domain belongs to one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="org_domain_unique"),
            models.CheckConstraint(condition=~models.Q(domain__contains="@"), name="org_domain_no_at"),
        ]

    def __str__(self) -> str:
        return self.domain


class Department(models.Model):
    """A department of one organisation. Referenced by memberships, program eligibility and the
    booking snapshot, so it is never deleted once used (PROTECT); it can be renamed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="department_slug_unique"),
            models.UniqueConstraint(Lower("name"), "organisation", name="department_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    """One rung of the organisation's seniority ladder. `rank` orders the ladder (higher is more
    senior); level gaps (mentor above mentee) are differences of ranks. `code` is what HR files
    carry (e.g. "IC3")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=80, blank=True)
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(Lower("code"), "organisation", name="level_code_unique"),
            models.UniqueConstraint(fields=["organisation", "rank"], name="level_rank_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Membership(models.Model):
    """A person inside an organisation, as its HR system describes them.

    Lifecycle: created (invitation accepted, invite link, domain sign-up, admin or directory sync)
    -> updated by sync or admins -> deactivated (`is_active=False`, `deactivated_at`) when the person
    leaves: their history stays for reporting; reactivated if they come back. `role` ADMIN makes
    them a program manager of this organisation.
    """

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        ADMIN = "admin", "Organisation admin"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True)
    manager = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    employee_id = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField()
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_once"),
            models.UniqueConstraint(fields=["organisation", "employee_id"], condition=~models.Q(employee_id=""),
                                    name="membership_employee_id_unique"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("id")), name="membership_not_own_manager"),
        ]
        indexes = [models.Index(fields=["user", "organisation"], condition=models.Q(is_active=True),
                                name="membership_active_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organisation_id}"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    """An email invitation to join an organisation (and optionally a program straight away).

    Lifecycle: created by an admin (mail sent through the booking outbox) -> accepted (the person
    signs in or signs up with that address and follows the link: a Membership) or expired/revoked.
    Only the token's SHA-256 is stored; the link in the mail carries the token.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=8, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    program = models.ForeignKey("Program", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations")
    program_role = models.CharField(max_length=8, blank=True)  # ProgramEnrollment.Side value, or ""
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(Lower("email"), "organisation", name="invitation_email")]

    def __str__(self) -> str:
        return f"{self.email} -> {self.organisation_id}"


class Program(models.Model):
    """An internal mentoring program of one organisation.

    Lifecycle: draft (admins edit it, nobody sees it) -> open (members join or are enrolled,
    bookings count against its quota and capacity between starts_on and ends_on) -> closed (no new
    bookings; history and insights stay). Eligibility per side: departments and levels (empty
    means any) and/or invitation only. Quotas: `mentee_quota_per_month` sessions per calendar month
    (in the organisation's zone) per mentee; mentor capacity per week as sessions or minutes, on top
    of the mentor's own weekly budget. Matching rules are applied when ranking mentors for a mentee
    of the program and named in the reasons shown.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class CapacityUnit(models.TextChoices):
        SESSIONS = "sessions", "sessions per week"
        MINUTES = "minutes", "minutes per week"

    class DepartmentRule(models.TextChoices):
        ANY = "any", "Any department"
        PREFER_OTHER = "prefer_other", "Prefer a different department"
        REQUIRE_OTHER = "require_other", "Require a different department"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80)
    purpose = models.TextField(max_length=3000, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField()
    ends_on = models.DateField()
    mentee_departments = models.ManyToManyField(Department, blank=True, related_name="+")
    mentee_levels = models.ManyToManyField(Level, blank=True, related_name="+")
    mentee_invitation_only = models.BooleanField(default=False)
    mentor_departments = models.ManyToManyField(Department, blank=True, related_name="+")
    mentor_levels = models.ManyToManyField(Level, blank=True, related_name="+")
    mentor_invitation_only = models.BooleanField(default=False)
    allows_15 = models.BooleanField(default=True)
    allows_30 = models.BooleanField(default=True)
    allows_45 = models.BooleanField(default=False)
    allows_60 = models.BooleanField(default=False)
    mentee_quota_per_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Sessions a mentee may book per month in this program (empty: no limit)")
    mentor_capacity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(2400)],
        help_text="Sessions or minutes a mentor gives per week in this program (empty: no limit)")
    mentor_capacity_unit = models.CharField(max_length=8, choices=CapacityUnit.choices,
                                            default=CapacityUnit.SESSIONS)
    department_rule = models.CharField(max_length=16, choices=DepartmentRule.choices,
                                       default=DepartmentRule.PREFER_OTHER)
    min_level_gap = models.SmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text="Mentor at least this many levels above the mentee (empty: no rule)")
    require_shared_language = models.BooleanField(default=False)
    allows_flash_questions = models.BooleanField(
        "allow flash questions", default=False,
        help_text='A mentee may post one open question ("who can help me with X this week?") to the mentors')
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="program_slug_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="program_dates_ordered"),
            models.CheckConstraint(
                condition=models.Q(allows_15=True) | models.Q(allows_30=True) | models.Q(allows_45=True)
                | models.Q(allows_60=True),
                name="program_allows_some_length",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def session_lengths(self) -> list[int]:
        return [n for n in settings.SESSION_LENGTHS if getattr(self, f"allows_{n}")]

    def set_session_lengths(self, lengths) -> None:
        for n in settings.SESSION_LENGTHS:
            setattr(self, f"allows_{n}", n in lengths)


class ProgramEnrollment(models.Model):
    """A member taking part in a program on one side (a person may be on both sides).

    Lifecycle: invited (by an admin, when the side is by invitation) -> joined (the member joined,
    or the admin enrolled them) -> left (they left or were removed; their bookings stay). The mentee
    row is the lock that serialises a mentee's bookings against the monthly quota; the mentor row
    serialises the weekly capacity (sessions.services.bookings locks both, mentor first).
    """

    class Side(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        JOINED = "joined", "Joined"
        LEFT = "left", "Left"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_enrollments")
    side = models.CharField(max_length=8, choices=Side.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.JOINED)
    invited_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["program_id", "side", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user", "side"], name="enrollment_once_per_side"),
        ]
        indexes = [models.Index(fields=["user", "status"], name="enrollment_user_status")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.side} in {self.program_id} ({self.status})"
