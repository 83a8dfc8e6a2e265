"""Writes for an organisation, its structure and its people: what organisation admins change and
how people join (email invitation, invite link, automatic join on a verified company domain).

Views, the API and allauth's signals all call these, so each rule is written once. Deactivating
and reactivating members is the directory sync's job (orgs.services.sync): nothing here revives a
membership that ended, so an invite link or a company address cannot undo a departure.

Like the rest of orgs' core this module imports none of our other apps; the invitation mail is
rendered and queued by orgs.mail, which composes this service with the booking outbox.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.text import slugify

from orgs.errors import OrgError
from orgs.models import (
    Department,
    Invitation,
    Level,
    Membership,
    Organisation,
    OrganisationDomain,
    Program,
    ProgramEnrollment,
    new_invite_token,
    validate_zone,
)

INVITATION_DAYS = 14
LOGO_MAX_BYTES = 2 * 1024 * 1024
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _name(value: str | None, field: str, *, max_length: int, errors: dict[str, list[str]], label: str) -> str:
    value = value or ""
    if _CONTROL.search(value):
        errors[field] = ["Use a single line of plain text."]
        return value
    value = " ".join(value.split())
    if not value:
        errors[field] = [f"Give the {label} a name."]
    elif len(value) > max_length:
        errors[field] = [f"Keep it under {max_length} characters."]
    return value


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise OrgError("Please correct the errors below.", field_errors=errors)


def token_hash(token: str) -> str:
    """Invitation tokens are stored as their SHA-256: the database never holds a working link."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- the organisation itself ----------------------------------------------------------------------

def organisation_update(*, organisation: Organisation, **changes: Any) -> Organisation:
    """Change name, logo (a file, or None to remove it), time zone or join policy."""
    unknown = set(changes) - {"name", "logo", "timezone", "join_policy"}
    if unknown:
        raise TypeError(f"organisation_update got unknown fields {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        organisation.name = _name(changes["name"], "name", max_length=120, errors=errors, label="organisation")
    if "timezone" in changes:
        try:
            validate_zone(changes["timezone"] or "")
        except ValidationError as exc:
            errors["timezone"] = list(exc.messages)
        else:
            organisation.timezone = changes["timezone"]
    if "join_policy" in changes:
        if changes["join_policy"] not in Organisation.JoinPolicy.values:
            errors["join_policy"] = [f"Choose one of: {', '.join(Organisation.JoinPolicy.values)}."]
        else:
            organisation.join_policy = changes["join_policy"]
    if "logo" in changes:
        logo = changes["logo"]
        if logo and getattr(logo, "size", 0) > LOGO_MAX_BYTES:
            errors["logo"] = ["Use an image of at most 2 MB."]
        else:
            organisation.logo = logo or None
    _refuse(errors)
    organisation.save()
    return organisation


def invite_link_rotate(*, organisation: Organisation) -> str:
    """A new shareable invite link; the previous one stops working at once."""
    organisation.invite_token = new_invite_token()
    organisation.save(update_fields=["invite_token"])
    return organisation.invite_token


def invite_link_disable(*, organisation: Organisation) -> None:
    organisation.invite_token = None
    organisation.save(update_fields=["invite_token"])


# --- domains ------------------------------------------------------------------------------------------

def domain_add(*, organisation: Organisation, domain: str) -> OrganisationDomain:
    """Add an email domain (unverified: only staff verify, and only a verified domain admits anyone)."""
    value = (domain or "").strip().lower().lstrip("@")
    if not _DOMAIN.match(value):
        raise OrgError("Please correct the errors below.",
                       field_errors={"domain": ["Enter a domain such as example.com (no @, no http)."]})
    try:
        with transaction.atomic():
            return OrganisationDomain.objects.create(organisation=organisation, domain=value)
    except IntegrityError:
        raise OrgError("That domain is already registered.", code="already_exists",
                       field_errors={"domain": ["That domain is already registered (here or by another organisation)."]})


def domain_verify(*, domain: OrganisationDomain, actor: AbstractBaseUser, now: datetime | None = None) -> OrganisationDomain:
    """Staff confirm that the organisation owns the domain (out of band, e.g. a DNS record)."""
    if not getattr(actor, "is_staff", False):
        raise OrgError("Only staff verify domains.", code="forbidden")
    if domain.verified_at is None:
        domain.verified_at = _now(now)
        domain.save(update_fields=["verified_at"])
    return domain


def domain_remove(*, domain: OrganisationDomain) -> None:
    # Existing members stay members: a domain only decides who joins automatically from now on.
    domain.delete()


# --- departments and levels ---------------------------------------------------------------------------

def department_create(*, organisation: Organisation, name: str) -> Department:
    errors: dict[str, list[str]] = {}
    name = _name(name, "name", max_length=80, errors=errors, label="department")
    _refuse(errors)
    base = slugify(name)[:70] or "department"
    slug, n = base, 1
    while Department.objects.filter(organisation=organisation, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    try:
        with transaction.atomic():
            return Department.objects.create(organisation=organisation, name=name, slug=slug)
    except IntegrityError:
        raise OrgError("That department already exists.", code="already_exists",
                       field_errors={"name": [f"“{name}” already exists."]})


def department_rename(*, department: Department, name: str) -> Department:
    """Rename (the slug stays, so links and filters keep working)."""
    errors: dict[str, list[str]] = {}
    department.name = _name(name, "name", max_length=80, errors=errors, label="department")
    _refuse(errors)
    try:
        with transaction.atomic():
            department.save(update_fields=["name"])
    except IntegrityError:
        raise OrgError("That department already exists.", code="already_exists",
                       field_errors={"name": [f"“{department.name}” already exists."]})
    return department


def _in_use_error(kind: str, name: str) -> OrgError:
    return OrgError(f"{kind} “{name}” is still in use (members, programs or session history), so it cannot be "
                    "deleted. Rename it instead, or move the people first.", code="in_use")


def department_delete(*, department: Department) -> None:
    """Delete a department nobody uses. Members, programs' eligibility and bookings' snapshots
    keep their department for reporting, so one in use is refused, never cleared."""
    programs = Program.objects.filter(Q(mentee_departments=department) | Q(mentor_departments=department))
    if Membership.objects.filter(department=department).exists() or programs.exists():
        raise _in_use_error("Department", department.name)
    try:
        with transaction.atomic():
            department.delete()
    except ProtectedError:  # a booking's snapshot (sessions) still names it
        raise _in_use_error("Department", department.name)


def level_create(*, organisation: Organisation, code: str, name: str = "") -> Level:
    """A new level at the top of the ladder (reorder with levels_reorder)."""
    errors: dict[str, list[str]] = {}
    code = _name(code, "code", max_length=16, errors=errors, label="level")
    name = "" if not (name or "").strip() else _name(name, "name", max_length=80, errors=errors, label="level")
    _refuse(errors)
    top = Level.objects.filter(organisation=organisation).order_by("-rank").values_list("rank", flat=True).first()
    try:
        with transaction.atomic():
            return Level.objects.create(organisation=organisation, code=code, name=name, rank=(top or 0) + 1)
    except IntegrityError:
        raise OrgError("That level already exists.", code="already_exists",
                       field_errors={"code": [f"“{code}” already exists."]})


def level_update(*, level: Level, code: str | None = None, name: str | None = None) -> Level:
    errors: dict[str, list[str]] = {}
    if code is not None:
        level.code = _name(code, "code", max_length=16, errors=errors, label="level")
    if name is not None:
        level.name = "" if not name.strip() else _name(name, "name", max_length=80, errors=errors, label="level")
    _refuse(errors)
    try:
        with transaction.atomic():
            level.save(update_fields=["code", "name"])
    except IntegrityError:
        raise OrgError("That level already exists.", code="already_exists",
                       field_errors={"code": [f"“{level.code}” already exists."]})
    return level


def level_delete(*, level: Level) -> None:
    programs = Program.objects.filter(Q(mentee_levels=level) | Q(mentor_levels=level))
    if Membership.objects.filter(level=level).exists() or programs.exists():
        raise _in_use_error("Level", str(level))
    try:
        with transaction.atomic():
            level.delete()
    except ProtectedError:
        raise _in_use_error("Level", str(level))


def levels_reorder(*, organisation: Organisation, level_ids: list[int]) -> list[Level]:
    """Set the ladder's order: `level_ids` lists every level of the organisation, most junior
    first. Ranks become 1..n (a level gap is a difference of ranks)."""
    with transaction.atomic():
        levels = {lv.pk: lv for lv in Level.objects.select_for_update().filter(organisation=organisation)}
        if sorted(level_ids) != sorted(levels) or len(set(level_ids)) != len(level_ids):
            raise OrgError("List every level of the organisation once, most junior first.",
                           field_errors={"levels": ["List every level of the organisation once, most junior first."]})
        # Two steps: (organisation, rank) is unique, so ranks move out of the way first.
        ordered = [levels[pk] for pk in level_ids]
        offset = max([lv.rank for lv in ordered] + [len(ordered)]) + 1
        for i, lv in enumerate(ordered):
            lv.rank = offset + i
        Level.objects.bulk_update(ordered, ["rank"])
        for i, lv in enumerate(ordered):
            lv.rank = i + 1
        Level.objects.bulk_update(ordered, ["rank"])
    return ordered


def level_move(*, level: Level, step: int) -> list[Level]:
    """Move one level up (+1, more senior) or down (-1) the ladder."""
    ids = list(Level.objects.filter(organisation_id=level.organisation_id).order_by("rank", "id")
               .values_list("pk", flat=True))
    at = ids.index(level.pk)
    to = max(0, min(len(ids) - 1, at + step))
    ids.insert(to, ids.pop(at))
    return levels_reorder(organisation=level.organisation, level_ids=ids)


# --- members --------------------------------------------------------------------------------------------

_UNSET = object()


def membership_update(*, membership: Membership, role: str | None = None, department: Any = _UNSET,
                      level: Any = _UNSET, title: str | None = None) -> Membership:
    """Change a member's role, department, level or job title (the HR fields the sync also keeps).
    Department and level must be the organisation's own; None clears them. The last active admin
    cannot be demoted (staff still manage every organisation)."""
    errors: dict[str, list[str]] = {}
    org_id = membership.organisation_id
    if department is not _UNSET:
        if department is not None and department.organisation_id != org_id:
            errors["department"] = ["Choose one of this organisation's departments."]
        else:
            membership.department = department
    if level is not _UNSET:
        if level is not None and level.organisation_id != org_id:
            errors["level"] = ["Choose one of this organisation's levels."]
        else:
            membership.level = level
    if title is not None:
        title = title.strip()
        if _CONTROL.search(title):
            errors["title"] = ["Use a single line of plain text."]
        elif len(title) > 120:
            errors["title"] = ["Keep it under 120 characters."]
        membership.title = title
    demoting = False
    if role is not None:
        if role not in Membership.Role.values:
            errors["role"] = [f"Choose one of: {', '.join(Membership.Role.values)}."]
        else:
            demoting = membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN
            membership.role = role
    _refuse(errors)
    with transaction.atomic():
        if demoting:
            # Lock the organisation's admins so two admins demoting each other cannot both pass.
            admins = list(Membership.objects.select_for_update().filter(
                organisation_id=org_id, role=Membership.Role.ADMIN, is_active=True).values_list("pk", flat=True))
            if admins == [membership.pk]:
                raise OrgError("This is the organisation's last admin; make someone else an admin first.",
                               code="last_admin", field_errors={"role": ["Make someone else an admin first."]})
        membership.save(update_fields=["role", "department", "level", "title"])
    return membership


def _join(*, organisation: Organisation, user: AbstractBaseUser, role: str, now: datetime) -> tuple[Membership, bool]:
    """The one way a person becomes a member (idempotent): (membership, created). An ended
    membership is not revived here: that is the sync's (or staff's) decision."""
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user_id=user.pk, defaults={"role": role, "joined_at": now})
    if not membership.is_active:
        raise OrgError(f"Your membership of {organisation.name} has ended; an organisation admin can restore it.",
                       code="membership_ended")
    if not created and role == Membership.Role.ADMIN and membership.role != Membership.Role.ADMIN:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    return membership, created


# --- joining: invitations --------------------------------------------------------------------------------

def invitation_create(*, organisation: Organisation, email: str, invited_by: AbstractBaseUser | None,
                      role: str = Membership.Role.MEMBER, program: Program | None = None, program_role: str = "",
                      now: datetime | None = None) -> tuple[Invitation, str]:
    """A new invitation and its token (the only time the token exists in clear: it goes into the
    mail). A pending invitation to the same address is withdrawn, so one link at a time works.
    Call inside the transaction that queues the mail (orgs.mail.invitation_send)."""
    now = _now(now)
    address = (email or "").strip()
    errors: dict[str, list[str]] = {}
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", address) or len(address) > 254:
        errors["email"] = ["Enter an email address."]
    if role not in Membership.Role.values:
        errors["role"] = [f"Choose one of: {', '.join(Membership.Role.values)}."]
    if program is not None and program.organisation_id != organisation.pk:
        errors["program"] = ["Choose one of this organisation's programs."]
    _refuse(errors)
    if Membership.objects.filter(organisation=organisation, is_active=True, user__email__iexact=address).exists():
        raise OrgError(f"{address} is already a member.", code="already_member",
                       field_errors={"email": ["Already a member of this organisation."]})
    Invitation.objects.filter(organisation=organisation, email__iexact=address, accepted_at__isnull=True,
                              revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation, email=address, role=role, program=program, program_role=program_role,
        token_hash=token_hash(token), invited_by=invited_by, created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS))
    return invitation, token


def invitation_revoke(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    if invitation.accepted_at is not None:
        raise OrgError("This invitation was already accepted.", code="invitation_used")
    if invitation.revoked_at is None:
        invitation.revoked_at = _now(now)
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_state(invitation: Invitation, *, now: datetime | None = None) -> str:
    """"pending", "accepted", "revoked" or "expired"."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= _now(now):
        return "expired"
    return "pending"


def invitation_check(*, invitation: Invitation, now: datetime | None = None) -> None:
    """Refuse an invitation that can no longer be accepted, with a code that says why."""
    state = invitation_state(invitation, now=now)
    if state == "accepted":
        raise OrgError("This invitation was already used.", code="invitation_used")
    if state == "revoked":
        raise OrgError("This invitation was withdrawn; ask the organisation for a new one.", code="invitation_revoked")
    if state == "expired":
        raise OrgError(f"This invitation expired on {invitation.expires_at:%d %B %Y}; ask the organisation for a "
                       "new one.", code="invitation_expired")


def user_has_address(*, user: AbstractBaseUser, email: str) -> bool:
    """Whether the address is the person's own (their login address or one they added)."""
    if (getattr(user, "email", "") or "").lower() == email.lower():
        return True
    return EmailAddress.objects.filter(user_id=user.pk, email__iexact=email).exists()


def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser, now: datetime | None = None) -> Membership:
    """The invited person (signed in with the invited address) becomes a member, as admin when
    invited as one; a program invitation also enrols them on its side. Accepting again is a no-op
    for the person who accepted."""
    now = _now(now)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        if invitation.accepted_at is not None and invitation.accepted_by_id == user.pk:
            return Membership.objects.get(organisation=invitation.organisation, user_id=user.pk)
        invitation_check(invitation=invitation, now=now)
        if not user_has_address(user=user, email=invitation.email):
            raise OrgError(f"This invitation was sent to {invitation.email}. Sign in with that address to accept it.",
                           code="wrong_address")
        membership, _ = _join(organisation=invitation.organisation, user=user, role=invitation.role, now=now)
        invitation.accepted_at, invitation.accepted_by = now, user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if invitation.program_id and invitation.program_role:
            ProgramEnrollment.objects.get_or_create(
                program_id=invitation.program_id, user_id=user.pk, side=invitation.program_role,
                defaults={"status": ProgramEnrollment.Status.JOINED, "joined_at": now,
                          "enrolled_by": invitation.invited_by})
    return membership


# --- joining: invite link and company domains ----------------------------------------------------------

def membership_join_by_link(*, organisation: Organisation, user: AbstractBaseUser,
                            now: datetime | None = None) -> tuple[Membership, bool]:
    """Join through the organisation's invite link (the caller found the organisation by its
    current token). (membership, created)."""
    with transaction.atomic():
        return _join(organisation=organisation, user=user, role=Membership.Role.MEMBER, now=_now(now))


def memberships_join_by_domain(*, user: AbstractBaseUser, email: str, now: datetime | None = None) -> list[Membership]:
    """Join every organisation that admits people by domain (join policy DOMAIN) and owns the
    verified domain of `email`, which the caller has checked is a verified address of the user
    (allauth's signals). Idempotent: run again, nothing changes. An ended membership stays ended."""
    domain = (email or "").rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return []
    orgs = Organisation.objects.filter(join_policy=Organisation.JoinPolicy.DOMAIN, domains__domain__iexact=domain,
                                       domains__verified_at__isnull=False)
    joined = []
    now = _now(now)
    for organisation in orgs:
        try:
            with transaction.atomic():
                membership, created = _join(organisation=organisation, user=user, role=Membership.Role.MEMBER, now=now)
        except OrgError:  # an ended membership: the sync decided, not the domain
            continue
        if created:
            joined.append(membership)
    return joined
