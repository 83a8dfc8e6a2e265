"""Reads for no-show reports: who may see or decide them, and what the session page shows.

One rule per question, used by the pages, the API and the services alike:
- `can_decide_no_shows`: moderators (the Moderators group holds booking.decide_noshowreport) and staff;
- `noshow_reports_visible`: a participant sees the reports on their sessions; moderators and staff
  see every report. Anyone else is told "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from sessions.models import Booking, NoShowReport

State = NoShowReport.State
REPORTABLE_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)


def report_window_end(booking: Booking) -> datetime:
    return booking.end + timedelta(hours=settings.NO_SHOW_REPORT_HOURS)


def can_decide_no_shows(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active
        and (user.is_staff or user.has_perm("booking.decide_noshowreport"))
    )


def noshow_reports_visible(*, user) -> QuerySet[NoShowReport]:
    qs = NoShowReport.objects.select_related("booking", "booking__mentor", "booking__mentee", "reporter",
                                             "reported", "decided_by")
    if not (user and user.is_authenticated):
        return qs.none()
    if can_decide_no_shows(user):
        return qs
    return qs.filter(Q(booking__mentor=user) | Q(booking__mentee=user))


def noshow_report_visible_get(*, user, pk: int) -> NoShowReport | None:
    return noshow_reports_visible(user=user).filter(pk=pk).first()


def noshow_disputes() -> QuerySet[NoShowReport]:
    """The moderators' queue: disputed reports, oldest dispute first."""
    return (NoShowReport.objects.filter(state=State.DISPUTED)
            .select_related("booking", "booking__mentor", "booking__mentee", "reporter", "reported")
            .order_by("disputed_at", "id"))


@dataclass
class NoShowPanel:
    """What one viewer of the session page sees about no-shows."""

    can_report: bool = False
    report_until: datetime | None = None
    mine: NoShowReport | None = None           # the viewer's own report
    about_me: NoShowReport | None = None       # the other participant's report about the viewer
    can_dispute: bool = False
    others: list[NoShowReport] = field(default_factory=list)  # staff or moderators reading along


def noshow_panel(*, booking: Booking, user, now: datetime | None = None) -> NoShowPanel:
    now = now or timezone.now()
    reports = list(booking.no_show_reports.select_related("reporter", "reported", "decided_by"))
    if not booking.is_participant(user):
        return NoShowPanel(others=reports if can_decide_no_shows(user) else [])
    panel = NoShowPanel(report_until=report_window_end(booking))
    panel.mine = next((r for r in reports if r.reporter_id == user.pk), None)
    panel.about_me = next((r for r in reports if r.reported_id == user.pk), None)
    panel.can_report = (panel.mine is None and booking.status in REPORTABLE_STATUSES
                        and booking.end <= now <= panel.report_until)
    panel.can_dispute = bool(panel.about_me and panel.about_me.state == State.OPEN
                             and now < panel.about_me.dispute_deadline)
    return panel
