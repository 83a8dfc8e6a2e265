"""Availability pages: mentors edit their week, policy and overrides (the public slot picker is
sessions.views.picker).

Thin: parse, call a service or selector, render. Forms with errors re-render with 400, except
for htmx requests, which get 200 because htmx does not swap error responses by default.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.errors import form_add_domain_error
from sessions import selectors
from sessions.errors import BookingError
from sessions.forms_availability import OverrideForm, PolicyForm, WeeklyGridForm
from sessions.forms_calendars import CalendarForm, CalendarSettingsForm, ExplainForm
from sessions.selectors_calendars import calendar_summary, calendars_of
from sessions.services import availability as services


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _mentor_or_403(request):
    if not request.user.is_mentor:
        raise PermissionDenied("Only mentors have availability settings.")
    return request.user


def _render_page(request, *, grid=None, policy_form=None, override_form=None, status=200, saved=False,
                 calendar_form=None, explain_form=None, explanation=None):
    mentor = request.user
    policy = selectors.policy_for(mentor=mentor)
    context = {
        # The Calendars section and "why is this time not offered?" (sessions.views.calendars).
        **calendars_context(request, calendar_form=calendar_form, explain_form=explain_form,
                            explanation=explanation),
        "grid": grid or WeeklyGridForm(rules=selectors.weekly_rules(mentor=mentor)),
        "policy_form": policy_form or PolicyForm(instance=policy),
        "override_form": override_form or OverrideForm(),
        "overrides": selectors.overrides_for(mentor=mentor),
        "mentor_zone": mentor.timezone,
        "saved": saved,
    }
    if status != 200 and _is_htmx(request):
        status = 200
    return render(request, "booking/availability.html", context, status=status)


def calendars_context(request, *, calendar_form=None, explain_form=None, explanation=None) -> dict:
    mentor = request.user
    rows = []
    for calendar in calendars_of(mentor=mentor):
        rows.append({"calendar": calendar, "summary": calendar_summary(calendar, mentor.timezone),
                     "form": CalendarSettingsForm(prefix=f"c{calendar.pk}", initial={
                         "name": calendar.name, "all_day_blocks": calendar.all_day_blocks,
                         "tentative_busy": calendar.tentative_busy})})
    lengths = mentor.mentor_profile.session_lengths if hasattr(mentor, "mentor_profile") else [30]
    return {"calendars": rows, "calendar_form": calendar_form or CalendarForm(),
            "explain_form": explain_form or ExplainForm(lengths=lengths or [30], initial={
                "duration": 30 if 30 in lengths else (lengths or [30])[0]}),
            "explanation": explanation}


@login_required
def availability(request):
    """GET: the editor. POST: the weekly grid (save, or add/remove a row and re-render)."""
    mentor = _mentor_or_403(request)
    if request.method != "POST":
        return _render_page(request)
    grid = WeeklyGridForm(request.POST)
    if "add" in request.POST:
        grid.add_row(_int(request.POST.get("add")))
        return _render_page(request, grid=grid)
    # Not "remove": a button of that name shadows the form element's own remove() method, and
    # htmx's swap (which calls it) then fails with "t.remove is not a function".
    if "remove_window" in request.POST:
        weekday, _, index = (request.POST.get("remove_window") or "").partition(":")
        grid.remove_row(_int(weekday), _int(index))
        return _render_page(request, grid=grid)
    if grid.is_valid():
        try:
            services.availability_set_weekly(mentor=mentor, rules=grid.cleaned_rules)
        except BookingError as exc:
            grid.add_service_errors(exc.field_errors or {"__all__": [exc.message]})
        else:
            if _is_htmx(request):
                # Only the grid is swapped, so the confirmation goes inside it (a flash message
                # would be consumed by the discarded rest of the page).
                return _render_page(request, saved=True)
            messages.success(request, "Your weekly availability is saved.")
            return redirect("booking:availability")
    return _render_page(request, grid=grid, status=400)


def _int(value, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_POST
def policy(request):
    mentor = _mentor_or_403(request)
    form = PolicyForm(request.POST, instance=selectors.policy_for(mentor=mentor))
    if form.is_valid():
        try:
            services.policy_update(mentor=mentor, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except BookingError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, "Your booking settings are saved.")
            return redirect("booking:availability")
    return _render_page(request, policy_form=form, status=400)


@login_required
@require_POST
def override_add(request):
    mentor = _mentor_or_403(request)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.override_create(mentor=mentor, **form.cleaned_data)
        except BookingError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, "Override added.")
            return redirect("booking:availability")
    return _render_page(request, override_form=form, status=400)


@login_required
@require_POST
def override_delete(request, pk: int):
    mentor = _mentor_or_403(request)
    try:
        services.override_delete(mentor=mentor, override_id=pk)
    except BookingError as exc:
        if exc.status == 404:
            return HttpResponse("No such override.", status=404)
        raise
    messages.success(request, "Override removed.")
    return redirect("booking:availability")
