"""A mentor's own calendars (iCalendar feeds) and the busy intervals read from them.

ExternalCalendar lifecycle: added (fetched at once) -> refreshed every CALENDAR_REFRESH_MINUTES by
the periodic job (next_refresh_at is its due time; a failure pushes it back with a growing delay
and counts consecutive_failures; after CALENDAR_FAILURES_BEFORE_MAIL of them the mentor gets one
email per streak) -> removed by the mentor (its busy intervals go with it). A calendar that fails
keeps its last known busy intervals: a booking made while it is stale is still checked against them.

The feed address is a secret (Google's "secret address" gives read access to the whole calendar):
it is stored as SecretURL, whose repr (what error reports and debuggers print for local variables
and model fields) shows only the host and its last four characters; pages and the API show the
same masked form, never the address itself, and the admin shows no form field for it.

BusyInterval: only when the mentor is busy and from which calendar; never titles, attendees or
places. Replaced wholesale on each successful refresh, for the booking horizon only.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import F, Q


def url_masked(url: str) -> str:
    """What anyone is ever shown of a feed address: scheme, host, an ellipsis and the last 4."""
    try:
        host = urlsplit(str(url)).hostname or "?"
    except ValueError:
        host = "?"
    return f"{host}…{str(url)[-4:]}"


class SecretURL(str):
    """A feed address whose repr is masked, so a traceback's locals or a logged model never show it."""

    def __repr__(self) -> str:
        return f"SecretURL({url_masked(self)!r})"


class SecretURLField(models.TextField):
    def from_db_value(self, value, expression, connection):
        return None if value is None else SecretURL(value)

    def to_python(self, value):
        return None if value is None else SecretURL(value)


class ExternalCalendar(models.Model):
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_calendars")
    name = models.CharField(max_length=60)
    url = SecretURLField(help_text="secret: never shown, logged or returned in full")
    all_day_blocks = models.BooleanField(default=True, help_text="all-day events block the whole day")
    tentative_busy = models.BooleanField(default=True, help_text="tentative events count as busy")
    # Conditional requests: the validators of the last successful answer.
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Feeds without validators (or that change them on every answer) send the same bytes again:
    # their hash spares re-reading them (parsing a 5,000-event feed takes seconds).
    content_sha256 = models.CharField(max_length=64, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    # The busy intervals cover up to here; once the booking horizon runs past it, the next refresh
    # fetches in full (no conditional headers), or the far days would never be read.
    expanded_until = models.DateTimeField(null=True, blank=True)
    next_refresh_at = models.DateTimeField()
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    failure_mailed = models.BooleanField(default=False, help_text="the mentor was told about this failure streak")
    # The summary shown to the mentor: events read in the feed, busy intervals kept.
    event_count = models.PositiveIntegerField(default=0)
    busy_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mentor_id", "name", "id"]
        indexes = [models.Index(fields=["next_refresh_at"], name="calendar_refresh_due")]

    def __str__(self) -> str:
        return f"{self.name} ({url_masked(self.url)})"

    def __repr__(self) -> str:
        return f"<ExternalCalendar {self.pk} {self.name!r} {url_masked(self.url)}>"

    @property
    def url_display(self) -> str:
        return url_masked(self.url)


class BusyInterval(models.Model):
    calendar = models.ForeignKey(ExternalCalendar, on_delete=models.CASCADE, related_name="busy_intervals")
    # The mentor again, so the slot engine's loader finds a mentor's busy times by (mentor, start)
    # without a join.
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["mentor_id", "start"]
        indexes = [models.Index(fields=["mentor", "start"], name="busy_mentor_start")]
        constraints = [models.CheckConstraint(condition=Q(start__lt=F("end")), name="busy_start_before_end")]

    def __str__(self) -> str:
        return f"busy {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC"
