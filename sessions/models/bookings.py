"""Bookings: one mentee, one mentor, one short session.

Lifecycle
    requested --(mentor confirms)--> confirmed
    requested --(mentor declines)--> declined
    requested --(no answer before expires_at)--> expired
    confirmed --(either side cancels, with a reason)--> cancelled (cancelled_late if inside the late window)
    confirmed --(reschedule)--> confirmed, same row, new times, sequence + 1 (history in BookingEvent)
    confirmed --(ends + grace)--> completed
    confirmed/completed --(a no-show report about the other participant is upheld)--> no_show
A no-show report (sessions.models.noshow.NoShowReport) changes nothing here while it is open or
disputed: the booking stays confirmed/completed, so both people can still rate it. Only when a
report is upheld (a moderator decided, or the reported party let the dispute window pass) does the
booking become no_show, with no_show_party the absent side ("both" when both reports are upheld).
"Live" bookings (requested, confirmed) hold their time: on PostgreSQL two exclusion constraints
forbid overlaps per mentor (over the range including buffers) and per mentee (session times).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from sessions.constraints import PostgresExclusionConstraint


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Status(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"


LIVE_STATUSES = (Status.REQUESTED, Status.CONFIRMED)


class Booking(models.Model):
    Status = Status

    class NoShowParty(models.TextChoices):
        MENTOR = "mentor", "Mentor did not show"
        MENTEE = "mentee", "Mentee did not show"
        BOTH = "both", "Neither showed"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="Stable iCalendar UID")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_as_mentor")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_as_mentee")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The mentor's time held, buffers included; copied from the policy when booked so that later
    # policy edits never make existing bookings overlap.
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    topic = models.CharField(max_length=140)
    question = models.TextField(max_length=2000, help_text="The specific question you want answered")
    context_url = models.URLField(blank=True)
    call_url = models.URLField(blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE, raised on every change")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="A request not answered by then expires")
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    cancel_reason = models.TextField(max_length=1000, blank=True)
    cancelled_late = models.BooleanField(default=False)
    no_show_party = models.CharField(max_length=8, choices=NoShowParty.choices, blank=True)
    no_show_reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                            blank=True, related_name="+")
    # Inside a company program: the program it counts against, and both sides' department and level
    # as they were when it was booked, so later moves and promotions never rewrite the history
    # that insights report. All empty for a marketplace booking.
    program = models.ForeignKey("orgs.Program", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="bookings")
    mentee_department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    mentee_level = models.ForeignKey("orgs.Level", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mentor_department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    mentor_level = models.ForeignKey("orgs.Level", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["mentor", "start"]),
            models.Index(fields=["mentee", "start"]),
            models.Index(fields=["status", "end"]),
            models.Index(fields=["status", "expires_at"]),
            # Program quota and capacity checks (per mentee per month, per mentor per week) and
            # the insights' per-program aggregates; marketplace bookings stay out of them.
            models.Index(fields=["program", "mentee", "start"], condition=Q(program__isnull=False),
                         name="booking_program_mentee"),
            models.Index(fields=["program", "mentor", "start"], condition=Q(program__isnull=False),
                         name="booking_program_mentor"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="booking_start_before_end"),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="booking_not_self"),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start"), blocked_end__gte=F("end")),
                name="booking_blocked_covers_session",
            ),
            PostgresExclusionConstraint(
                name="booking_mentor_no_overlap",
                expressions=[
                    (TsTzRange("blocked_start", "blocked_end", models.Value("[)")), RangeOperators.OVERLAPS),
                    ("mentor", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["requested", "confirmed"]),
                violation_error_message="The mentor already has a session at that time.",
            ),
            PostgresExclusionConstraint(
                name="booking_mentee_no_overlap",
                expressions=[
                    (TsTzRange("start", "end", models.Value("[)")), RangeOperators.OVERLAPS),
                    ("mentee", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["requested", "confirmed"]),
                violation_error_message="You already have a session at that time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} with {self.mentor} at {self.start:%Y-%m-%d %H:%M} UTC ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def is_participant(self, user) -> bool:
        return user.is_authenticated and user.pk in (self.mentor_id, self.mentee_id)

    def can_view(self, user) -> bool:
        return user.is_authenticated and (user.is_staff or self.is_participant(user))


class BookingEvent(models.Model):
    """Append-only history of a booking: every state change and every move, with who did it."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"
        RESCHEDULED = "rescheduled", "Rescheduled"
        # The mentor asked for more time to answer a request: expires_at moved once (from_end ->
        # to_end hold the old and new expiry), see sessions.services.bookings.booking_extend.
        EXTENDED = "extended", "Answer time extended"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show counted"
        NO_SHOW_REPORTED = "noshow_reported", "No-show reported"
        NO_SHOW_DISPUTED = "noshow_disputed", "No-show report disputed"
        NO_SHOW_DISMISSED = "noshow_dismissed", "No-show report dismissed"
        NO_SHOW_WITHDRAWN = "noshow_withdrawn", "No-show report withdrawn"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    from_start = models.DateTimeField(null=True, blank=True)
    from_end = models.DateTimeField(null=True, blank=True)
    to_start = models.DateTimeField(null=True, blank=True)
    to_end = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # A request's answer time is extended at most once: the database keeps the rule even
            # if two extensions race past the service's check.
            models.UniqueConstraint(fields=["booking"], condition=Q(kind="extended"), name="bookingevent_extend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class ReliabilityRecord(models.Model):
    """Per-person counts that later ranking uses: kept by the booking services, recomputable."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="reliability")
    sessions_completed = models.PositiveIntegerField(default=0)
    late_cancellations = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reliability of {self.user}"

    @property
    def score(self) -> float:
        """1.0 = perfectly reliable; each late cancellation or no-show weighs against completions."""
        bad = self.late_cancellations + 2 * self.no_shows
        return (self.sessions_completed + 1) / (self.sessions_completed + 1 + bad)
