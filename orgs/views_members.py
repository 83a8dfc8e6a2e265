"""Organisation pages for members and admins, and the two joining links.

Thin: load with the permission rule (orgs.selectors.organisation_for_admin: anyone who may
not see the organisation gets 404; a member who is not an admin gets 403 on admin pages), parse
with a form, call a service, render. Domain errors land on the form that caused them.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.selectors import organisation_mentors
from mentorship.errors import form_add_domain_error
from orgs import token_guard
from orgs.errors import OrgError
from orgs.forms_members import (
    DepartmentForm,
    DomainForm,
    InvitationForm,
    LevelForm,
    MemberFilterForm,
    MembershipForm,
    OrganisationForm,
)
from orgs.mail import invitation_send
from orgs.models import Department, Invitation, Level, OrganisationDomain
from orgs.selectors import membership_get, organisation_for_admin
from orgs.selectors_members import (
    departments_of,
    domains_of,
    invitation_by_token,
    invitations_of,
    levels_of,
    members_list,
    membership_of,
    nav_organisations_forget,
    organisation_by_invite_token,
    organisation_home,
)
from orgs.selectors_programs import programs_visible
from orgs.services import members as services
from orgs.signals import PENDING_INVITATION_KEY

MEMBERS_PAGE_SIZE = 25


# --- loading ---------------------------------------------------------------------------------------

def _visible(request, slug: str):
    organisation, is_admin = organisation_for_admin(slug=slug, user=request.user)
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation, is_admin


def org_admin_view(view):
    """Signed in, allowed to see the organisation (else 404) and to manage it (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, slug: str, **kwargs):
        organisation, is_admin = _visible(request, slug)
        if not is_admin:
            raise PermissionDenied("Only the organisation's admins can do that.")
        return view(request, organisation, **kwargs)

    return wrapped


HOME_PROGRAMS = 10


# --- the member's home -------------------------------------------------------------------------------

@login_required
def home(request, slug: str):
    organisation, is_admin = _visible(request, slug)
    membership = membership_get(user=request.user, organisation=organisation)
    mentors, mentor_total = organisation_mentors(organisation_id=organisation.pk, viewer=request.user)
    return render(request, "orgs/members/home.html", {
        "organisation": organisation, "membership": membership, "is_admin": is_admin,
        "mentors": mentors, "mentor_total": mentor_total, "counts": organisation_home(organisation=organisation),
        "programs": list(programs_visible(organisation=organisation, user=request.user, admin=is_admin)[:HOME_PROGRAMS]),
    })


# --- admin: the organisation, its invite link and its domains ---------------------------------------

def _settings_page(request, organisation, *, form=None, domain_form=None, status=200):
    form = form or OrganisationForm(initial={"name": organisation.name, "timezone": organisation.timezone,
                                             "join_policy": organisation.join_policy})
    invite_url = (request.build_absolute_uri(reverse("orgs:join", args=[organisation.invite_token]))
                  if organisation.invite_token else "")
    return render(request, "orgs/members/admin_settings.html", {
        "organisation": organisation, "form": form, "domain_form": domain_form or DomainForm(),
        "domains": list(domains_of(organisation=organisation)), "invite_url": invite_url,
    }, status=status)


@org_admin_view
def admin_settings(request, organisation):
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.organisation_update(organisation=organisation, **form.changes())
            except OrgError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, "The organisation's settings are saved.")
                return redirect("orgs:admin_settings", organisation.slug)
        return _settings_page(request, organisation, form=form, status=400)
    return _settings_page(request, organisation)


@org_admin_view
@require_POST
def invite_link(request, organisation):
    if request.POST.get("action") == "disable":
        services.invite_link_disable(organisation=organisation)
        messages.success(request, "The invite link is switched off; the old link no longer works.")
    else:
        services.invite_link_rotate(organisation=organisation)
        messages.success(request, "A new invite link is ready; any earlier link stopped working.")
    return redirect(reverse("orgs:admin_settings", args=[organisation.slug]) + "#invite-link")


@org_admin_view
@require_POST
def domain_add(request, organisation):
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            services.domain_add(organisation=organisation, domain=form.cleaned_data["domain"])
        except OrgError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, "Domain added. Staff verify it before it admits anyone.")
            return redirect(reverse("orgs:admin_settings", args=[organisation.slug]) + "#domains")
    return _settings_page(request, organisation, domain_form=form, status=400)


@org_admin_view
@require_POST
def domain_verify(request, organisation, domain_id: int):
    domain = get_object_or_404(OrganisationDomain, organisation=organisation, pk=domain_id)
    if not request.user.is_staff:
        raise PermissionDenied("Only staff verify domains.")
    services.domain_verify(domain=domain, actor=request.user)
    messages.success(request, f"{domain.domain} is verified.")
    return redirect(reverse("orgs:admin_settings", args=[organisation.slug]) + "#domains")


@org_admin_view
@require_POST
def domain_remove(request, organisation, domain_id: int):
    domain = get_object_or_404(OrganisationDomain, organisation=organisation, pk=domain_id)
    services.domain_remove(domain=domain)
    messages.success(request, f"{domain.domain} is removed; members who joined with it stay members.")
    return redirect(reverse("orgs:admin_settings", args=[organisation.slug]) + "#domains")


# --- admin: departments and levels --------------------------------------------------------------------

def _structure_page(request, organisation, *, department_form=None, level_form=None, status=200):
    return render(request, "orgs/members/admin_structure.html", {
        "organisation": organisation,
        "departments": list(departments_of(organisation=organisation)),
        "levels": list(levels_of(organisation=organisation)),
        "department_form": department_form or DepartmentForm(prefix="department"),
        "level_form": level_form or LevelForm(prefix="level"),
    }, status=status)


def _back_to_structure(organisation, anchor: str):
    return redirect(reverse("orgs:admin_structure", args=[organisation.slug]) + anchor)


@org_admin_view
def admin_structure(request, organisation):
    return _structure_page(request, organisation)


@org_admin_view
@require_POST
def department_add(request, organisation):
    form = DepartmentForm(request.POST, prefix="department")
    if form.is_valid():
        try:
            services.department_create(organisation=organisation, name=form.cleaned_data["name"])
        except OrgError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, "Department added.")
            return _back_to_structure(organisation, "#departments")
    return _structure_page(request, organisation, department_form=form, status=400)


@org_admin_view
@require_POST
def department_rename(request, organisation, department_id: int):
    department = get_object_or_404(Department, organisation=organisation, pk=department_id)
    form = DepartmentForm(request.POST, prefix=f"department-{department.pk}")
    if form.is_valid():
        try:
            services.department_rename(department=department, name=form.cleaned_data["name"])
        except OrgError as exc:
            messages.error(request, exc.field_errors.get("name", [exc.message])[0])
        else:
            messages.success(request, "Department renamed.")
    else:
        messages.error(request, "Give the department a name (up to 80 characters).")
    return _back_to_structure(organisation, "#departments")


@org_admin_view
@require_POST
def department_delete(request, organisation, department_id: int):
    department = get_object_or_404(Department, organisation=organisation, pk=department_id)
    try:
        services.department_delete(department=department)
    except OrgError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Department “{department.name}” deleted.")
    return _back_to_structure(organisation, "#departments")


@org_admin_view
@require_POST
def level_add(request, organisation):
    form = LevelForm(request.POST, prefix="level")
    if form.is_valid():
        try:
            services.level_create(organisation=organisation, **form.cleaned_data)
        except OrgError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, "Level added at the top of the ladder; move it to its place.")
            return _back_to_structure(organisation, "#levels")
    return _structure_page(request, organisation, level_form=form, status=400)


@org_admin_view
@require_POST
def level_edit(request, organisation, level_id: int):
    level = get_object_or_404(Level, organisation=organisation, pk=level_id)
    form = LevelForm(request.POST, prefix=f"level-{level.pk}")
    if form.is_valid():
        try:
            services.level_update(level=level, **form.cleaned_data)
        except OrgError as exc:
            messages.error(request, next(iter(exc.field_errors.values()), [exc.message])[0])
        else:
            messages.success(request, "Level saved.")
    else:
        messages.error(request, "Give the level a code (up to 16 characters).")
    return _back_to_structure(organisation, "#levels")


@org_admin_view
@require_POST
def level_move(request, organisation, level_id: int):
    level = get_object_or_404(Level, organisation=organisation, pk=level_id)
    services.level_move(level=level, step=1 if request.POST.get("direction") == "up" else -1)
    return _back_to_structure(organisation, f"#level-{level.pk}")


@org_admin_view
@require_POST
def level_delete(request, organisation, level_id: int):
    level = get_object_or_404(Level, organisation=organisation, pk=level_id)
    try:
        services.level_delete(level=level)
    except OrgError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Level “{level}” deleted.")
    return _back_to_structure(organisation, "#levels")


# --- admin: members ------------------------------------------------------------------------------------

@org_admin_view
def admin_members(request, organisation):
    form = MemberFilterForm(request.GET or None, organisation=organisation)
    filters = form.filters() if form.is_bound else {"query": "", "department": None, "level": None, "active": True}
    page = Paginator(members_list(organisation=organisation, **filters), MEMBERS_PAGE_SIZE).get_page(
        request.GET.get("page"))
    page.object_list = list(page.object_list)
    filtered = bool(filters["query"] or filters["department"] or filters["level"] or filters["active"] is not True)
    return render(request, "orgs/members/admin_members.html", {
        "organisation": organisation, "form": form, "page": page, "members": page.object_list, "filtered": filtered,
    })


@org_admin_view
def admin_member(request, organisation, membership_id: int):
    membership = membership_of(organisation=organisation, membership_id=membership_id)
    if membership is None:
        raise Http404("No such member.")
    status = 200
    if request.method == "POST":
        form = MembershipForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                services.membership_update(membership=membership, **form.cleaned_data)
            except OrgError as exc:
                form_add_domain_error(form, exc)
            else:
                nav_organisations_forget(user_ids=[membership.user_id])
                messages.success(request, f"{membership.user.display_name}'s membership is saved.")
                return redirect("orgs:admin_members", organisation.slug)
        status = 400
    else:
        form = MembershipForm(organisation=organisation, initial={
            "role": membership.role, "department": membership.department, "level": membership.level,
            "title": membership.title})
    return render(request, "orgs/members/admin_member.html",
                  {"organisation": organisation, "membership": membership, "form": form}, status=status)


# --- admin: invitations -----------------------------------------------------------------------------

@org_admin_view
def admin_invitations(request, organisation):
    status = 200
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation_send(organisation=organisation, invited_by=request.user, **form.cleaned_data)
            except OrgError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("orgs:admin_invitations", organisation.slug)
        status = 400
    else:
        form = InvitationForm()
    invitations = list(invitations_of(organisation=organisation)[:50])
    for invitation in invitations:
        invitation.state = services.invitation_state(invitation)
    return render(request, "orgs/members/admin_invitations.html",
                  {"organisation": organisation, "form": form, "invitations": invitations}, status=status)


@org_admin_view
@require_POST
def invitation_revoke(request, organisation, invitation_id: int):
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation)
    except OrgError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn; its link no longer works.")
    return redirect("orgs:admin_invitations", organisation.slug)


# --- joining ------------------------------------------------------------------------------------------

def _too_many(request) -> HttpResponse:
    return render(request, "orgs/members/join_limited.html", status=429)


def invitation(request, token: str):
    """The mailed link: who invites, then sign up / sign in with that address, or accept."""
    if token_guard.too_many_wrong_tokens(request):
        return _too_many(request)
    found = invitation_by_token(token=token)
    if found is None:
        token_guard.wrong_token(request)
        raise Http404("No such invitation.")
    organisation = found.organisation
    user = request.user
    if user.is_authenticated and found.accepted_by_id == user.pk:
        return redirect("orgs:home", organisation.slug)
    state = services.invitation_state(found)
    context = {"invitation": found, "organisation": organisation, "state": state, "token": token}
    if state != "pending":
        return render(request, "orgs/members/invitation_closed.html", context, status=410)
    if not user.is_authenticated:
        # The link came to this mailbox: signing up with the address needs no second verification
        # mail (allauth's verified-email stash), and the sign-up accepts the invitation (orgs.signals).
        get_adapter(request).stash_verified_email(request, found.email)
        request.session[PENDING_INVITATION_KEY] = token
        return render(request, "orgs/members/invitation.html", context)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=found, user=user)
        except OrgError as exc:
            context["error"] = exc.message
            return render(request, "orgs/members/invitation.html", context, status=exc.status)
        nav_organisations_forget(user_ids=[user.pk])
        messages.success(request, f"Welcome to {organisation.name}.")
        return redirect("orgs:home", organisation.slug)
    context["address_matches"] = services.user_has_address(user=user, email=found.email)
    return render(request, "orgs/members/invitation.html", context)


def join(request, token: str):
    """The organisation's shareable invite link."""
    if token_guard.too_many_wrong_tokens(request):
        return _too_many(request)
    organisation = organisation_by_invite_token(token=token)
    if organisation is None:
        token_guard.wrong_token(request)
        raise Http404("No such invite link.")
    user = request.user
    membership = membership_get(user=user, organisation=organisation)
    if membership is not None and membership.is_active:
        return redirect("orgs:home", organisation.slug)
    context = {"organisation": organisation, "token": token, "ended": membership is not None}
    if request.method == "POST" and user.is_authenticated:
        try:
            services.membership_join_by_link(organisation=organisation, user=user)
        except OrgError as exc:
            context["error"] = exc.message
            return render(request, "orgs/members/join.html", context, status=exc.status)
        nav_organisations_forget(user_ids=[user.pk])
        messages.success(request, f"Welcome to {organisation.name}.")
        return redirect("orgs:home", organisation.slug)
    return render(request, "orgs/members/join.html", context)

