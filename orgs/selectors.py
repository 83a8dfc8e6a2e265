"""Reads about organisations that the other apps ask (who is a colleague of whom, who manages what).

These are the one place each rule is written: the directory, slots, booking, matching, feeds and
insights ask here whether two people share an organisation and whether someone manages one.
"""

from __future__ import annotations

from django.db.models import QuerySet

from orgs.models import Membership, Organisation, Program, ProgramEnrollment


def active_memberships(*, user) -> QuerySet[Membership]:
    """The user's memberships that count today (active), with organisation, department and level."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (Membership.objects.filter(user_id=user.pk, is_active=True)
            .select_related("organisation", "department", "level"))


def active_org_ids(*, user) -> frozenset[int]:
    """Ids of the organisations the user is an active member of (empty for anonymous visitors).

    Memoised on the user object for the request: a page asks several times (directory, cards, nav).
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_active_org_ids", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user_id=user.pk, is_active=True)
                           .values_list("organisation_id", flat=True))
        user._active_org_ids = cached
    return cached


def share_organisation(*, a_id: int, b_id: int) -> bool:
    """Whether two people are both active members of at least one organisation."""
    return Membership.objects.filter(
        user_id=a_id, is_active=True,
        organisation__memberships__user_id=b_id, organisation__memberships__is_active=True,
    ).exists()


def colleague_ids(*, user_id: int) -> QuerySet:
    """Ids of everyone with an active membership in an organisation where `user_id` has an active
    membership (the user included): a lazy subquery, so a directory page filters by it inside its
    own SQL instead of paying a query for it. The same rule as share_organisation, for many people."""
    mine = Membership.objects.filter(user_id=user_id, is_active=True).values("organisation_id")
    return Membership.objects.filter(is_active=True, organisation_id__in=mine).values("user_id")


def member_ids(*, organisation_id: int) -> QuerySet:
    """Ids of the organisation's active members, as a lazy subquery."""
    return Membership.objects.filter(organisation_id=organisation_id, is_active=True).values("user_id")


def colleague_pairs(*, user_ids) -> dict[int, set[int]]:
    """{user id: ids of everyone sharing an active organisation with them (themselves included)}
    for many people in one query: colleague_ids for batch jobs."""
    pairs: dict[int, set[int]] = {}
    rows = (Membership.objects.filter(is_active=True, user_id__in=list(user_ids),
                                      organisation__memberships__is_active=True)
            .values_list("user_id", "organisation__memberships__user_id"))
    for user_id, other_id in rows:
        pairs.setdefault(user_id, set()).add(other_id)
    return pairs


def membership_get(*, user, organisation: Organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user_id=user.pk, organisation=organisation).first()


def is_org_admin(*, user, organisation: Organisation) -> bool:
    """Organisation admins (program managers) of this organisation; staff manage every one."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user_id=user.pk, organisation=organisation, is_active=True,
                                     role=Membership.Role.ADMIN).exists()


def organisation_visible_get(*, slug: str, user) -> Organisation | None:
    """An organisation its active members (and staff) may see; None (a 404) for anyone else."""
    org = Organisation.objects.filter(slug=slug).first()
    if org is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_staff or org.pk in active_org_ids(user=user):
        return org
    return None


def organisation_for_admin(*, slug: str, user) -> tuple[Organisation | None, bool]:
    """(organisation, may manage it): None for anyone who may not see it (a 404), False for a
    member who is not an admin (a 403: they know it exists)."""
    organisation = organisation_visible_get(slug=slug, user=user)
    if organisation is None:
        return None, False
    return organisation, is_org_admin(user=user, organisation=organisation)


def organisation_managed_get(*, slug: str, user) -> Organisation | None:
    """An organisation this user manages (its active admins, and staff); None (a 404) for everyone
    else, members included: the directory sync and the insights are for managers only."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not is_org_admin(user=user, organisation=organisation):
        return None
    return organisation


def enrollment_get(*, program: Program, user, side: str) -> ProgramEnrollment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ProgramEnrollment.objects.filter(program=program, user_id=user.pk, side=side).first()
