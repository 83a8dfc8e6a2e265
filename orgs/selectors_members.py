"""Reads for the organisation pages and API: the member's home, the admin's lists, joining.

Who may see an organisation is orgs.selectors.organisation_visible_get (active members and staff;
everyone else a 404); who may manage one is orgs.selectors.is_org_admin. This module only shapes
what those people see.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from orgs.models import Department, Invitation, Level, Membership, Organisation, OrganisationDomain
from orgs.services.members import token_hash

# The navigation's "My company" entry is on every page a member opens: read from the cache, not
# the database. The membership services forget a person's entry when their memberships change;
# writes that go around them (directory sync's bulk updates) show within this long.
NAV_SECONDS = 300


def _nav_key(user_id: int) -> str:
    return f"orgs:nav:v1:{user_id}"


def nav_organisations(*, user) -> list[dict]:
    """[{"slug", "name", "is_admin"}] of the user's active memberships, for the navigation."""
    if not getattr(user, "is_authenticated", False):
        return []
    key = _nav_key(user.pk)
    entries = cache.get(key)
    if entries is None:
        entries = [{"slug": slug, "name": name, "is_admin": role == Membership.Role.ADMIN}
                   for slug, name, role in Membership.objects.filter(user_id=user.pk, is_active=True)
                   .order_by("organisation__name", "organisation_id")
                   .values_list("organisation__slug", "organisation__name", "role")]
        cache.set(key, entries, NAV_SECONDS)
    return entries


def nav_organisations_forget(*, user_ids) -> None:
    """After commit: the next page a person opens reads their organisations afresh."""
    keys = [_nav_key(pk) for pk in user_ids]
    transaction.on_commit(lambda: cache.delete_many(keys))


def my_memberships(*, user) -> QuerySet[Membership]:
    """The user's active memberships with their organisations (GET /api/v1/orgs/)."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (Membership.objects.filter(user_id=user.pk, is_active=True)
            .select_related("organisation", "department", "level").order_by("organisation__name", "organisation_id"))


def organisation_home(*, organisation: Organisation) -> dict:
    """What the member's home page counts: members, departments, levels."""
    return Organisation.objects.filter(pk=organisation.pk).aggregate(
        members=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
        departments=Count("departments", distinct=True),
        levels=Count("levels", distinct=True),
    )


def domains_of(*, organisation: Organisation) -> QuerySet[OrganisationDomain]:
    return OrganisationDomain.objects.filter(organisation=organisation).order_by("domain")


def departments_of(*, organisation: Organisation) -> QuerySet[Department]:
    """Departments with how many active members each has (an admin sees what a delete would hit)."""
    return _with_member_counts(Department, organisation, "department").order_by("name", "id")


def levels_of(*, organisation: Organisation) -> QuerySet[Level]:
    """The ladder, most junior first, with active member counts."""
    return _with_member_counts(Level, organisation, "level").order_by("rank", "id")


def _with_member_counts(model, organisation: Organisation, field: str) -> QuerySet:
    # Membership's department and level have no reverse relation (related_name="+"): a subquery.
    counts = (Membership.objects.filter(**{field: OuterRef("pk")}, is_active=True)
              .order_by().values(field).annotate(n=Count("pk")).values("n"))
    return model.objects.filter(organisation=organisation).annotate(
        member_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


def members_list(*, organisation: Organisation, query: str = "", department: Department | None = None,
                 level: Level | None = None, active: bool | None = True) -> QuerySet[Membership]:
    """The admin's member list: search by name, email, job title or employee id; filter by
    department, level and active flag (None: everyone). Two queries a page (count, rows)."""
    qs = Membership.objects.filter(organisation=organisation).select_related("user", "department", "level")
    if active is not None:
        qs = qs.filter(is_active=active)
    if department is not None:
        qs = qs.filter(department=department)
    if level is not None:
        qs = qs.filter(level=level)
    for word in (query or "").split()[:6]:
        qs = qs.filter(Q(user__name__icontains=word) | Q(user__email__icontains=word) | Q(title__icontains=word)
                       | Q(employee_id__iexact=word))
    return qs.order_by("user__name", "user__email", "id")


def membership_of(*, organisation: Organisation, membership_id: int) -> Membership | None:
    return (Membership.objects.filter(organisation=organisation, pk=membership_id)
            .select_related("user", "department", "level").first())


def invitations_of(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation).select_related("invited_by", "accepted_by")


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a mailed link names (looked up by the token's hash), or None."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(token_hash=token_hash(token)).select_related("organisation").first()


def organisation_by_invite_token(*, token: str) -> Organisation | None:
    if not token or len(token) > 100:
        return None
    return Organisation.objects.filter(invite_token=token).first()
