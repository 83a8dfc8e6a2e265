"""No-show reports: one participant says the other did not show up; the other may dispute it.

Lifecycle of a report
    open --(the reported party disputes before dispute_deadline)--> disputed
    open --(nobody disputed by dispute_deadline; the periodic job)--> upheld
    disputed --(a moderator decides, with a reason)--> upheld | dismissed
    open | disputed --(the reporter takes it back)--> withdrawn

Either participant may report the OTHER from the session's end until NO_SHOW_REPORT_HOURS after
it, once per booking (a unique constraint); both may report each other. A report by itself
changes nothing that counts: the booking keeps its status (confirmed, then completed by the usual
job), both people can still rate it and report in turn. Only an upheld report counts: the absent
party's reliability record gets the no-show and the booking becomes no_show (the completion that
was counted for the pair is taken back). A dismissed or withdrawn report never counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from sessions.models.bookings import Booking

REASON_MAX_LENGTH = 1000


class NoShowReport(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        DISPUTED = "disputed", "Disputed"
        UPHELD = "upheld", "Upheld"
        DISMISSED = "dismissed", "Dismissed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="no_show_reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 help_text="The participant said not to have shown up")
    reason = models.TextField(max_length=REASON_MAX_LENGTH, help_text="What the reporter says happened")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    # Set by the service from its `now`, not auto_now_add: the dispute deadline is computed from
    # it, and the demo history writes reports in the past.
    created_at = models.DateTimeField()
    dispute_deadline = models.DateTimeField(help_text="Undisputed by then, the report counts")
    disputed_at = models.DateTimeField(null=True, blank=True)
    dispute_statement = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Empty on an upheld report: nobody decided, the window passed without a dispute.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decision_reason = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("decide_noshowreport", "Can decide disputed no-show reports")]
        indexes = [
            # The settling job walks open reports by deadline only.
            models.Index(fields=["dispute_deadline"], name="noshow_open_due", condition=Q(state="open")),
            models.Index(fields=["state", "disputed_at"], name="noshow_state_disputed"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["booking", "reporter"], name="noshow_one_report_per_reporter"),
            models.CheckConstraint(condition=~Q(reporter=F("reported")), name="noshow_not_self"),
            models.CheckConstraint(condition=Q(dispute_deadline__gt=F("created_at")), name="noshow_deadline_after"),
            models.CheckConstraint(
                condition=Q(state__in=["open", "disputed", "upheld", "dismissed", "withdrawn"]),
                name="noshow_state_valid",
            ),
            # A decided report says when; a disputed one has its statement's time.
            models.CheckConstraint(
                condition=~Q(state__in=["upheld", "dismissed", "withdrawn"]) | Q(decided_at__isnull=False),
                name="noshow_closed_has_time",
            ),
            models.CheckConstraint(condition=~Q(state="disputed") | Q(disputed_at__isnull=False),
                                   name="noshow_disputed_has_time"),
        ]

    def __str__(self) -> str:
        return f"No-show report {self.pk} on booking {self.booking_id} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.OPEN, self.State.DISPUTED)

    def reported_role(self) -> str:
        return "mentor" if self.reported_id == self.booking.mentor_id else "mentee"
