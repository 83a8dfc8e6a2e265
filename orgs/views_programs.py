"""Program pages: the organisation's programs, one program (rules, join and leave, its mentors and
the mentee's recommendations), and the admins' create, edit, open/close and people pages.

Thin: parse, load with the visibility check (anyone outside the organisation gets a 404, and so
does a member for a draft), call the service, render. Admin pages answer 403 to members.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from matching.programs import program_recommendations
from mentorship.errors import form_add_domain_error
from orgs.errors import OrgError
from orgs.forms_programs import EnrolForm, ProgramForm, SideForm
from orgs.models import Organisation, Program, ProgramEnrollment
from orgs.rules import rules_in_words
from orgs.selectors import organisation_for_admin
from orgs.selectors_programs import (
    member_by_email,
    memberships_by_user,
    my_programs,
    program_eligibility_for,
    program_enrollments,
    program_for_viewer,
    program_limits_in_words,
    program_mentors,
    programs_visible,
)
from orgs.services import programs as services

RECOMMENDATIONS_SHOWN = 10
PEOPLE_PAGE_SIZE = 50


def _org(request, slug: str) -> tuple[Organisation, bool]:
    org, admin = organisation_for_admin(slug=slug, user=request.user)
    if org is None:
        raise Http404("No such organisation.")
    return org, admin


def load_program(request, slug: str, program: str) -> tuple[Organisation, Program, bool]:
    """The program of a URL for this user, with its organisation and whether they manage it; 404 otherwise."""
    found = program_for_viewer(org_slug=slug, program_slug=program, user=request.user)
    if found is None:
        raise Http404("No such program.")
    return found


def _require_admin(admin: bool) -> None:
    if not admin:
        raise PermissionDenied("Only the organisation's admins can manage its programs.")


@login_required
def program_list(request, slug: str):
    org, admin = _org(request, slug)
    programs = list(programs_visible(organisation=org, user=request.user, admin=admin))
    mine = my_programs(user=request.user, organisation=org)
    for program in programs:
        program.my_sides = mine.get(program.pk, [])
    return render(request, "orgs/programs/list.html", {"org": org, "programs": programs, "is_admin": admin})


@login_required
def program_detail(request, slug: str, program: str):
    org, prog, admin = load_program(request, slug, program)
    eligibility = program_eligibility_for(program=prog, user=request.user)
    mentors = list(program_mentors(program=prog))
    members = memberships_by_user(organisation_id=org.pk, user_ids=[e.user_id for e in mentors])
    mentor_rows = [(e.user, members.get(e.user_id)) for e in mentors if e.user_id in members]
    is_mentee = eligibility["mentee"].joined
    recommendations = (program_recommendations(program=prog, mentee=request.user, limit=RECOMMENDATIONS_SHOWN)
                       if is_mentee and prog.status == Program.Status.OPEN else [])
    return render(request, "orgs/programs/detail.html", {
        "org": org, "program": prog, "is_admin": admin, "eligibility": eligibility,
        "sides": [eligibility["mentee"], eligibility["mentor"]], "is_mentee": is_mentee,
        "is_mentor": eligibility["mentor"].joined, "rules": rules_in_words(prog),
        "limits": program_limits_in_words(prog), "mentor_rows": mentor_rows, "recommendations": recommendations,
        "first_length": prog.session_lengths[0],
    })


def _form_page(request, org: Organisation, program: Program | None):
    if request.method == "POST":
        form = ProgramForm(request.POST, organisation=org)
        if form.is_valid():
            try:
                if program is None:
                    program = services.program_create(organisation=org, actor=request.user, data=form.to_data())
                    messages.success(request, "Program created as a draft. Open it when it is ready for members.")
                else:
                    program = services.program_update(program=program, actor=request.user, data=form.to_data())
                    messages.success(request, "Program saved.")
            except OrgError as exc:
                form_add_domain_error(form, exc)
            else:
                return redirect("orgs:program_detail", slug=org.slug, program=program.slug)
        status = 400
    else:
        form = ProgramForm(initial=ProgramForm.initial_of(program), organisation=org)
        status = 200
    return render(request, "orgs/programs/form.html", {"org": org, "program": program, "form": form}, status=status)


@login_required
def program_create(request, slug: str):
    org, admin = _org(request, slug)
    _require_admin(admin)
    return _form_page(request, org, None)


@login_required
def program_edit(request, slug: str, program: str):
    org, prog, admin = load_program(request, slug, program)
    _require_admin(admin)
    return _form_page(request, org, prog)


def _after(request, org, prog, call, success: str):
    try:
        call()
    except OrgError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("orgs:program_detail", slug=org.slug, program=prog.slug)


@login_required
@require_POST
def program_open(request, slug: str, program: str):
    org, prog, admin = load_program(request, slug, program)
    _require_admin(admin)
    return _after(request, org, prog, lambda: services.program_open(program=prog, actor=request.user),
                  "The program is open: members see it and can join.")


@login_required
@require_POST
def program_close(request, slug: str, program: str):
    org, prog, admin = load_program(request, slug, program)
    _require_admin(admin)
    return _after(request, org, prog, lambda: services.program_close(program=prog, actor=request.user),
                  "The program is closed: no new bookings count against it.")


def _side(request) -> str:
    form = SideForm(request.POST)
    if not form.is_valid():
        raise Http404("No such side.")
    return form.cleaned_data["side"]


@login_required
@require_POST
def program_join(request, slug: str, program: str):
    org, prog, _ = load_program(request, slug, program)
    side = _side(request)
    return _after(request, org, prog, lambda: services.enrollment_join(program=prog, user=request.user, side=side),
                  f"You joined {prog.name} as a {side}.")


@login_required
@require_POST
def program_leave(request, slug: str, program: str):
    org, prog, _ = load_program(request, slug, program)
    side = _side(request)
    return _after(request, org, prog, lambda: services.enrollment_leave(program=prog, user=request.user, side=side),
                  f"You left {prog.name} as a {side}. Sessions already booked stay.")


@login_required
def program_people(request, slug: str, program: str):
    org, prog, admin = load_program(request, slug, program)
    _require_admin(admin)
    status = 200
    if request.method == "POST":
        form = EnrolForm(request.POST)
        if form.is_valid():
            values = form.cleaned_data
            person = member_by_email(organisation=org, email=values["email"])
            if person is None:
                form.add_error("email", "No active member of this organisation has that address.")
            else:
                try:
                    services.enrollment_add(program=prog, actor=request.user, user=person, side=values["side"],
                                            invite=values["invite"])
                except OrgError as exc:
                    form_add_domain_error(form, exc)
                else:
                    verb = "invited" if values["invite"] else "enrolled"
                    messages.success(request, f"{person.display_name} is {verb} as a {values['side']}.")
                    return redirect("orgs:program_people", slug=org.slug, program=prog.slug)
        status = 400
    else:
        form = EnrolForm(initial={"side": ProgramEnrollment.Side.MENTEE, "invite": "0"})
    page = Paginator(program_enrollments(program=prog), PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/programs/people.html", {"org": org, "program": prog, "form": form, "page": page},
                  status=status)
