"""When a mentor can be booked.

Rules and overrides are wall-clock times in the mentor's own IANA zone (User.timezone), never
UTC: "Monday 09:00-12:00 in Berlin" must stay 09:00 Berlin across DST. The slot engine expands
them per local date.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


class BookingPolicy(models.Model):
    """A mentor's booking settings. One row per mentor, created with defaults on first use.

    It is also the row the booking service locks (select_for_update) to serialise bookings of one
    mentor, so caps and budgets are checked against a stable picture.
    """

    mentor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                  related_name="booking_policy")
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(120)])
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(120)])
    min_notice_hours = models.PositiveSmallIntegerField(default=12, validators=[MaxValueValidator(24 * 30)])
    horizon_days = models.PositiveSmallIntegerField(default=60, validators=[MinValueValidator(1), MaxValueValidator(365)])
    max_per_day = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)],
                                                   help_text="Empty: no daily limit")
    max_per_week = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)],
                                                    help_text="Empty: no weekly limit")
    weekly_budget_minutes = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(15)],
                                                        help_text="At most this many minutes of sessions a week")
    requires_approval = models.BooleanField(default=False)
    slot_granularity_minutes = models.PositiveSmallIntegerField(
        default=15, choices=[(5, "5 minutes"), (10, "10 minutes"), (15, "15 minutes"), (30, "30 minutes"), (60, "60 minutes")]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "booking policies"

    def __str__(self) -> str:
        return f"Policy of {self.mentor}"


class AvailabilityRule(models.Model):
    """A weekly window: weekday (0 = Monday) from start_time to end_time, mentor's local time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_rules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["mentor_id", "weekday", "start_time"]
        indexes = [models.Index(fields=["mentor", "weekday"])]
        constraints = [
            models.CheckConstraint(condition=Q(start_time__lt=F("end_time")), name="rule_start_before_end"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="rule_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class AvailabilityOverride(models.Model):
    """An exception to the weekly rules for the dates start_date..end_date (inclusive).

    Without times: the mentor is unavailable on those dates (holiday). With times: on each of
    those dates, the weekly rules are replaced by the union of all override windows for that date.
    """

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_overrides")
    start_date = models.DateField()
    end_date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["mentor_id", "start_date", "start_time"]
        indexes = [models.Index(fields=["mentor", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(start_date__lte=F("end_date")), name="override_dates_ordered"),
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True, end_time__isnull=True)
                           | Q(start_time__isnull=False, end_time__isnull=False, start_time__lt=F("end_time"))),
                name="override_times_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        span = f"{self.start_date}" if self.start_date == self.end_date else f"{self.start_date}..{self.end_date}"
        return f"{span} blocked" if self.is_blocked else f"{span} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def is_blocked(self) -> bool:
        return self.start_time is None
