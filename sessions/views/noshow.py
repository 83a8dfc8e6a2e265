"""No-show pages: report, dispute and withdraw on the session page; the moderators' disputes page.

Thin: load with the visibility rule (404 for anyone who may not see the session), parse, call the
no-show service, and on a refusal re-render the page with the form and the service's message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mentorship.errors import form_add_domain_error
from sessions.errors import BookingError
from sessions.forms_noshow import NoShowDecideForm, NoShowDisputeForm, NoShowReportForm
from sessions.models import Booking, NoShowReport
from sessions.selectors_noshow import can_decide_no_shows, noshow_disputes, noshow_report_visible_get
from sessions.services import noshow as services
from sessions.views.bookings import _render_detail, _visible_booking


def _refused(request, booking: Booking, form, form_key: str, exc: BookingError):
    if exc.status == 404:
        raise Http404(exc.message)
    if exc.field_errors:
        form_add_domain_error(form, exc)
    else:
        # A closed window or a report decided meanwhile: the form may no longer be on the page.
        messages.error(request, exc.message)
    booking.refresh_from_db()
    return _render_detail(request, booking, status=exc.status, **{form_key: form})


def _report_on(booking: Booking, report_id: int) -> NoShowReport:
    report = booking.no_show_reports.select_related("booking", "reporter", "reported").filter(pk=report_id).first()
    if report is None:
        raise Http404("Report not found.")
    return report


@login_required
@require_POST
def report(request, pk: int):
    booking = _visible_booking(request, pk)
    form = NoShowReportForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, booking, status=400, noshow_report_form=form)
    try:
        services.noshow_report_create(booking=booking, reporter=request.user, reason=form.cleaned_data["reason"])
    except BookingError as exc:
        return _refused(request, booking, form, "noshow_report_form", exc)
    messages.success(request, "Your no-show report was sent. The other participant can dispute it; "
                              "undisputed, it counts once the dispute window has passed.")
    return redirect("booking:detail", pk=pk)


@login_required
@require_POST
def dispute(request, pk: int, report_id: int):
    booking = _visible_booking(request, pk)
    report = _report_on(booking, report_id)
    form = NoShowDisputeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, booking, status=400, noshow_dispute_form=form)
    try:
        services.noshow_report_dispute(report=report, actor=request.user, statement=form.cleaned_data["statement"])
    except BookingError as exc:
        return _refused(request, booking, form, "noshow_dispute_form", exc)
    messages.success(request, "Your dispute was sent. A moderator will read both sides and decide; "
                              "you will get an email.")
    return redirect("booking:detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk: int, report_id: int):
    booking = _visible_booking(request, pk)
    report = _report_on(booking, report_id)
    try:
        services.noshow_report_withdraw(report=report, actor=request.user)
    except BookingError as exc:
        return _refused(request, booking, NoShowReportForm(), "noshow_report_form", exc)
    messages.success(request, "Your no-show report was withdrawn.")
    return redirect("booking:detail", pk=pk)


# --- moderators ----------------------------------------------------------------------------------

def _require_moderator(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_decide_no_shows(request.user):
        raise PermissionDenied("Only moderators can see no-show disputes.")
    return None


def _render_disputes(request, *, status: int = 200, bound: NoShowDecideForm | None = None, bound_id: int | None = None):
    reports = list(noshow_disputes())
    items = [(r, bound if r.pk == bound_id and bound is not None else NoShowDecideForm(report_id=r.pk))
             for r in reports]
    return render(request, "booking/noshow_disputes.html", {"items": items}, status=status)


@require_GET
def disputes(request):
    if (response := _require_moderator(request)) is not None:
        return response
    return _render_disputes(request)


@require_POST
def decide(request, report_id: int):
    if (response := _require_moderator(request)) is not None:
        return response
    report = noshow_report_visible_get(user=request.user, pk=report_id)
    if report is None:
        raise Http404("Report not found.")
    form = NoShowDecideForm(request.POST, report_id=report.pk)
    if not form.is_valid():
        return _render_disputes(request, status=400, bound=form, bound_id=report.pk)
    try:
        report = services.noshow_report_decide(report=report, moderator=request.user,
                                               decision=form.cleaned_data["decision"],
                                               reason=form.cleaned_data["reason"])
    except BookingError as exc:
        if exc.field_errors:
            form_add_domain_error(form, exc)
        else:
            messages.error(request, exc.message)
        return _render_disputes(request, status=exc.status, bound=form, bound_id=report.pk)
    messages.success(request, f"Report {report.get_state_display().lower()}. Both participants will be emailed.")
    return redirect("booking:noshow_disputes")
