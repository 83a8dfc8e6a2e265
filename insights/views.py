"""The insights pages: an organisation's (or one program's) report with charts, and its CSV.

Organisation admins of that organisation and staff only; everyone else signed in gets 404
(members, the program's mentors, admins of another organisation), and a visitor who is not signed
in is sent to sign in, whatever the address (so that says nothing about which organisations exist).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from insights import charts, selectors
from insights.exports import report_csv
from insights.forms import PeriodForm
from insights.scope import default_period
from insights.selectors import OUTCOMES


def _load(request, slug: str, program_slug: str | None):
    target = selectors.insights_target_get(user=request.user, org_slug=slug, program_slug=program_slug)
    if target is None:
        raise Http404("No such organisation.")
    organisation, program = target
    form = PeriodForm(request.GET or None, initial_period=default_period(organisation=organisation))
    first, last = default_period(organisation=organisation)
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["from"], form.cleaned_data["to"]
    report = selectors.insights_report(organisation=organisation, program=program, first_day=first, last_day=last)
    return organisation, program, form, report


@login_required
@require_GET
def insights_page(request, slug: str, program_slug: str | None = None):
    organisation, program, form, report = _load(request, slug, program_slug)
    p, s, r, load = report.participation, report.satisfaction, report.reach, report.load
    weeks = p["weeks"]
    csv_name = "orgs-insights-csv" if program is None else "program-insights-csv"
    csv_args = [organisation.slug] if program is None else [organisation.slug, program.slug]
    context = {
        "organisation": organisation, "program": program, "form": form, "report": report,
        "programs": selectors.insights_programs(organisation=organisation),
        "outcomes": OUTCOMES,
        "week_rows": [(w["week"], [w["requested"], *(w[key] for key, _ in OUTCOMES)]) for w in weeks],
        "total_row": [p["totals"]["requested"], *(p["totals"][key] for key, _ in OUTCOMES)],
        "csv_url": reverse(f"insights:{csv_name}", args=csv_args) + (f"?{request.GET.urlencode()}" if request.GET else ""),
        "weekly_chart": charts.bar_chart([(f"{w['week']:%d %b}", w["requested"]) for w in weeks],
                                         inner=[w["completed"] for w in weeks]),
        "stars_chart": charts.bar_chart([(f"{x['stars']}★", x["ratings"]) for x in s["stars"]]),
        "matrix_chart": charts.heatmap(r["departments"], r["matrix"]),
        "gap_chart": charts.bar_chart([(g["label"].replace("Mentor ", "").replace(" levels", "").replace(" level", ""),
                                        g["sessions"]) for g in r["level_gaps"]]),
        "colleagues_chart": charts.bar_chart([(b["label"], b["people"]) for b in r["colleagues_met"]["bins"]]),
        "load_chart": charts.bar_chart([(b["label"], b["people"]) for b in load["bins"]]),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "insights/page.html", context, status=status)


@login_required
@require_GET
def insights_csv(request, slug: str, program_slug: str | None = None):
    organisation, program, form, report = _load(request, slug, program_slug)
    if form.is_bound and not form.is_valid():
        return HttpResponse("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()), status=400,
                            content_type="text/plain; charset=utf-8")
    name = f"insights-{organisation.slug}{'-' + program.slug if program else ''}-{report.scope.first_day}-{report.scope.last_day}.csv"
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
