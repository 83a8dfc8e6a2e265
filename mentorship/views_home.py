"""The signed-in home (home:dashboard) and the mentor's part of it.

The mentor's part composes what other apps read: the requests waiting for an answer and the
sessions ahead (booking selectors), the stats (insights.mentor_stats) with their charts
(insights.charts), and the badges (accounts.recognition). Answering a request from here calls the
booking services, as the session page does: plain POST forms that come back to this page, and
with JavaScript on, htmx swaps just the request's row (the view answers the row alone).
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.recognition import badge_rules, badges_of
from insights.charts import bar_chart, line_chart
from insights.mentor_stats import mentor_stats
from insights.privacy import Cell
from mentorship.home import home_context
from sessions.errors import BookingError
from sessions.forms import DeclineForm
from sessions.models import BookingEvent
from sessions.selectors import (
    booking_can_join,
    booking_visible_get,
    mentor_requests_waiting,
    mentor_sessions_ahead,
)
from sessions.services import bookings as services


@login_required
def dashboard(request):
    """The signed-in home (/home/), where sign-in lands: each of the person's roles has its section
    (mentorship.home composes the mentee's and the completeness meter, mentor_home_context the
    mentor's)."""
    context = home_context(user=request.user)
    if request.user.is_mentor:
        context.update(mentor_home_context(request))
    return render(request, "home/dashboard.html", context)


def _charts(stats) -> dict:
    months = stats.months
    return {
        "sessions_chart": bar_chart([(m.label, Cell(value=m.sessions, people=0)) for m in months]),
        "hours_chart": bar_chart([(m.label, Cell(value=m.hours, people=0)) for m in months]),
        "rating_chart": line_chart([(m.label, m.rating_average) for m in months], top=5, bottom=1),
    }


def mentor_home_context(request) -> dict:
    user, now = request.user, timezone.now()
    zone = zoneinfo.ZoneInfo(request.tz_name)
    today = now.astimezone(zone).date()
    ahead = mentor_sessions_ahead(mentor=user, now=now)
    for booking in ahead:
        booking.can_join = booking_can_join(booking=booking, user=user, now=now)
    stats = mentor_stats(mentor=user, now=now)
    profile = getattr(user, "mentor_profile", None)
    return {
        "now": now,
        "requests_waiting": [_with_decline_form(b) for b in mentor_requests_waiting(mentor=user, now=now)],
        "sessions_today": [b for b in ahead if b.start.astimezone(zone).date() <= today],
        "sessions_later": [b for b in ahead if b.start.astimezone(zone).date() > today],
        "stats": stats,
        **_charts(stats),
        "my_badges": badges_of(profile.badges if profile else []),
        "all_badges": list(badge_rules().values()),
        "extend_hours": settings.BOOKING_REQUEST_EXTEND_HOURS,
        "min_cell": settings.INSIGHTS_MIN_CELL,
    }


def _with_decline_form(booking):
    # One form per row, its ids numbered by the booking, so the page's labels stay unique.
    booking.decline_form = DeclineForm(auto_id=f"id_decline_{booking.pk}_%s")
    return booking


def _answer(request, pk: int, call, success: str):
    """Run one booking service on a request from the home page; the row (htmx) or the page again."""
    booking = booking_visible_get(user=request.user, pk=pk)
    if booking is None:
        raise Http404("Booking not found.")
    error = ""
    try:
        booking = call(booking)
    except BookingError as exc:
        if exc.status == 404:
            raise Http404(exc.message)
        error = exc.message
        booking.refresh_from_db()
    if booking.status == booking.Status.REQUESTED:
        booking.extended = booking.events.filter(kind=BookingEvent.Kind.EXTENDED).exists()
    if request.headers.get("HX-Request"):
        # 200 even for a refused answer: htmx swaps only successful responses, and the row itself
        # says what went wrong.
        return render(request, "home/_mentor_request.html", {
            "booking": _with_decline_form(booking), "done": "" if error else success, "error": error,
            "now": timezone.now(), "extend_hours": settings.BOOKING_REQUEST_EXTEND_HOURS,
        })
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect("home:dashboard")


@login_required
@require_POST
def request_confirm(request, pk: int):
    return _answer(request, pk, lambda b: services.booking_confirm(booking=b, actor=request.user),
                   "Confirmed. The mentee has been told.")


@login_required
@require_POST
def request_decline(request, pk: int):
    form = DeclineForm(request.POST)

    def decline(booking):
        if not form.is_valid():
            raise BookingError("Please keep the reason under 1,000 characters.", field_errors=form.errors)
        return services.booking_decline(booking=booking, actor=request.user, reason=form.cleaned_data["reason"])

    return _answer(request, pk, decline, "Declined. The mentee has been told.")


@login_required
@require_POST
def request_extend(request, pk: int):
    return _answer(request, pk, lambda b: services.booking_extend(booking=b, actor=request.user),
                   "Extended. The mentee has been told you need a little more time.")
