"""The no-show part of the session page's context, kept apart so that the booking views only
splice it in (sessions.views.bookings._render_detail) and the no-show views can re-render the
page with their bound forms."""

from __future__ import annotations

from datetime import datetime

from sessions.forms_noshow import NoShowDisputeForm, NoShowReportForm
from sessions.models import Booking
from sessions.selectors_noshow import noshow_panel


def noshow_context(*, booking: Booking, user, now: datetime, forms: dict) -> dict:
    return {
        "noshow": noshow_panel(booking=booking, user=user, now=now),
        "noshow_report_form": forms.get("noshow_report_form") or NoShowReportForm(),
        "noshow_dispute_form": forms.get("noshow_dispute_form") or NoShowDisputeForm(),
    }
