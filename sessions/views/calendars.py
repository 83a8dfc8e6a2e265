"""The Calendars section of the mentor's availability page, and "why is this time not offered?".

Thin: parse, call a service or selector, render the availability page (sessions.views.availability).
The feed address is posted once and never rendered back, not even into a refused form; the
views' local variables stay out of error reports (sensitive_post_parameters).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from mentorship.errors import form_add_domain_error
from sessions.errors import BookingError
from sessions.forms_calendars import CalendarForm, CalendarSettingsForm, ExplainForm
from sessions.selectors_calendars import calendar_of, calendar_summary, slot_explain
from sessions.services import calendars as services
from sessions.views.availability import _mentor_or_403, _render_page


@sensitive_post_parameters("url")
@login_required
@require_POST
def calendar_add(request):
    mentor = _mentor_or_403(request)
    form = CalendarForm(request.POST)
    if form.is_valid():
        try:
            calendar = services.calendar_add(mentor=mentor, **form.cleaned_data)
        except BookingError as exc:
            form_add_domain_error(form, exc)
        else:
            calendar = calendar_of(mentor=mentor, calendar_id=calendar.pk)
            messages.success(request, f"Calendar “{calendar.name}” added: {calendar_summary(calendar, mentor.timezone)}.")
            return redirect("booking:availability")
    form.forget_url()
    return _render_page(request, calendar_form=form, status=400)


@login_required
@require_POST
def calendar_update(request, pk: int):
    mentor = _mentor_or_403(request)
    if calendar_of(mentor=mentor, calendar_id=pk) is None:
        raise Http404("No such calendar.")
    form = CalendarSettingsForm(request.POST, prefix=f"c{pk}")
    if form.is_valid():
        try:
            services.calendar_update(mentor=mentor, calendar_id=pk, **form.cleaned_data)
        except BookingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Calendar settings saved; busy times are read again within minutes.")
    else:
        messages.error(request, "Please give the calendar a name.")
    return redirect("booking:availability")


@login_required
@require_POST
def calendar_delete(request, pk: int):
    mentor = _mentor_or_403(request)
    try:
        services.calendar_remove(mentor=mentor, calendar_id=pk)
    except BookingError as exc:
        if exc.status == 404:
            raise Http404("No such calendar.") from None
        raise
    messages.success(request, "Calendar removed; its busy times no longer block your slots.")
    return redirect("booking:availability")


@login_required
@require_GET
def availability_explain(request):
    """The availability page with the answer for the date, time (the mentor's zone) and length asked."""
    mentor = _mentor_or_403(request)
    lengths = mentor.mentor_profile.session_lengths or [30]
    form = ExplainForm(request.GET, lengths=lengths)
    if not form.is_valid():
        return _render_page(request, explain_form=form, status=400)
    start = datetime.combine(form.cleaned_data["date"], form.cleaned_data["time"]).replace(tzinfo=mentor.tzinfo)
    result = slot_explain(mentor=mentor, start=start, duration=form.cleaned_data["duration"])
    return _render_page(request, explain_form=form, explanation={"result": result, "start": start,
                                                                  "duration": form.cleaned_data["duration"]})
