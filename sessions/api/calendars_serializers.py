"""External calendar bodies. The feed address is write-only: responses carry url_display (host and
last four characters), never the address. Input serializers only parse; the services validate."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from mentorship.datetimes import OUT_OF_RANGE, datetime_in_range
from sessions.selectors_calendars import calendar_summary


class ExternalCalendarInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, trim_whitespace=False, help_text="Such as Work")
    url = serializers.CharField(max_length=4000, write_only=True, trim_whitespace=False,
                                help_text="The feed's iCalendar address (https:// or webcal://): Google's secret "
                                          "address in iCal format, Outlook's published ICS link, any ICS/CalDAV URL. "
                                          "It is a secret: never returned.")
    all_day_blocks = serializers.BooleanField(required=False, default=True)
    tentative_busy = serializers.BooleanField(required=False, default=True)


class ExternalCalendarUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, trim_whitespace=False)
    all_day_blocks = serializers.BooleanField(required=False)
    tentative_busy = serializers.BooleanField(required=False)


class ExternalCalendarOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url_display = serializers.CharField(help_text="The address's host and last four characters, never all of it")
    all_day_blocks = serializers.BooleanField()
    tentative_busy = serializers.BooleanField()
    event_count = serializers.IntegerField(help_text="Events in the feed (a recurring series counts once)")
    busy_count = serializers.IntegerField(help_text="Busy intervals kept for your booking horizon")
    next_busy_start = serializers.DateTimeField(allow_null=True, help_text="UTC")
    next_busy_end = serializers.DateTimeField(allow_null=True, help_text="UTC")
    summary = serializers.SerializerMethodField(help_text='"212 events, next busy: …" in your time zone')
    last_refreshed_at = serializers.DateTimeField(allow_null=True)
    next_refresh_at = serializers.DateTimeField()
    consecutive_failures = serializers.IntegerField()
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_summary(self, calendar) -> str:
        return calendar_summary(calendar, self.context["zone"])


class ExternalCalendarList(serializers.Serializer):
    timezone = serializers.CharField()
    results = ExternalCalendarOut(many=True)


class SlotExplainQuery(serializers.Serializer):
    start = serializers.CharField(help_text="The start to judge, ISO 8601 (2026-11-10T09:00); without an offset "
                                            "it is read in your zone")
    duration = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False, default=30)

    def validate_start(self, value: str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise serializers.ValidationError("Give a date and time, such as 2026-11-10T09:00.")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.context["tzinfo"])
        if not datetime_in_range(parsed):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return parsed


class SlotExplanationOut(serializers.Serializer):
    start = serializers.DateTimeField()
    duration = serializers.IntegerField()
    offered = serializers.BooleanField()
    code = serializers.CharField(help_text="offered, or why not: outside_availability, buffer, mentor_busy, "
                                           "booked, day_cap, week_cap, budget, notice, horizon, past, not_aligned, "
                                           "not_accepting, duration_not_offered")
    message = serializers.CharField()
