"""Input and output shapes for the availability and slots API (and the slot picker's query)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.timezones import is_valid_timezone
from sessions.models import AvailabilityOverride, BookingPolicy
from sessions.services.availability import POLICY_FIELDS

MAX_RANGE_DAYS = 90
DEFAULT_RANGE_DAYS = 14


@extend_schema_field({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:00"})
class HourMinuteField(serializers.TimeField):
    """A wall-clock time as "HH:MM" in the mentor's zone: what the API answers, and what it asks for
    (seconds are accepted too, and dropped)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class RuleSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday ... 6 = Sunday")
    start = HourMinuteField()
    end = HourMinuteField()

    def to_representation(self, instance):
        if hasattr(instance, "start_time"):
            return {"weekday": instance.weekday, "start": f"{instance.start_time:%H:%M}",
                    "end": f"{instance.end_time:%H:%M}"}
        return super().to_representation(instance)


class WeeklyRulesSerializer(serializers.Serializer):
    rules = RuleSerializer(many=True, allow_empty=True, max_length=7 * 8)


class WeeklyRulesOutSerializer(WeeklyRulesSerializer):
    timezone = serializers.CharField(read_only=True, help_text="The mentor's zone, which the times are in")


class OverrideSerializer(serializers.ModelSerializer):
    end_date = serializers.DateField(required=False, allow_null=True)
    start_time = HourMinuteField(required=False, allow_null=True, help_text="Both times empty: the days are blocked")
    end_time = HourMinuteField(required=False, allow_null=True)
    is_blocked = serializers.BooleanField(read_only=True)

    class Meta:
        model = AvailabilityOverride
        fields = ["id", "start_date", "end_date", "start_time", "end_time", "note", "is_blocked"]
        read_only_fields = ["id"]


class OverrideListSerializer(serializers.Serializer):
    timezone = serializers.CharField(help_text="The mentor's zone, which the times are in")
    results = OverrideSerializer(many=True)


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = BookingPolicy
        fields = list(POLICY_FIELDS) + ["updated_at"]
        read_only_fields = ["updated_at"]


def _parse_bound(value: str, zone: zoneinfo.ZoneInfo, *, is_end: bool) -> datetime | None:
    """A date means the start of that day in `zone` (for `end`: the end of that day, inclusive);
    a datetime without an offset is read in `zone`."""
    value = value.strip()
    try:
        # Date first: parse_datetime would also read "2027-03-01" as midnight, losing the
        # "whole day, inclusive" meaning of a date given as the end.
        parsed_d = parse_date(value)
        parsed_dt = None if parsed_d else parse_datetime(value)
    except ValueError:
        return None
    if parsed_dt is not None:
        return parsed_dt if parsed_dt.tzinfo else parsed_dt.replace(tzinfo=zone)
    if parsed_d is not None:
        day: date = parsed_d + timedelta(days=1) if is_end else parsed_d
        return datetime.combine(day, time(0)).replace(tzinfo=zone)
    return None


class SlotQuerySerializer(serializers.Serializer):
    """?start=&end=&duration=&tz= for GET /api/v1/mentors/{id}/slots/ and the slot picker."""

    start = serializers.CharField(required=False, allow_blank=True,
                                  help_text="Date (YYYY-MM-DD) or ISO datetime; default today in tz")
    end = serializers.CharField(required=False, allow_blank=True,
                                help_text="Date (inclusive) or ISO datetime; default start + 14 days")
    duration = serializers.IntegerField(required=False, help_text="Minutes; one of the mentor's session lengths")
    tz = serializers.CharField(required=False, allow_blank=True, help_text="IANA zone to show times in")

    def __init__(self, *args, lengths: list[int] | None = None, default_tz: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.lengths = list(settings.SESSION_LENGTHS) if lengths is None else lengths
        self.default_tz = default_tz

    def validate_tz(self, value):
        if value and not is_valid_timezone(value):
            raise serializers.ValidationError(f"“{value}” is not a known IANA time zone (for example Europe/Berlin).")
        return value

    def validate_duration(self, value):
        if value not in self.lengths:
            offered = ", ".join(str(n) for n in self.lengths) or "none"
            raise serializers.ValidationError(f"This mentor offers sessions of {offered} minutes.")
        return value

    def validate(self, attrs):
        tz_name = attrs.get("tz") or self.default_tz
        zone = zoneinfo.ZoneInfo(tz_name)
        errors = {}
        if attrs.get("start"):
            start = _parse_bound(attrs["start"], zone, is_end=False)
            if start is None:
                errors["start"] = ["Give a date (2027-03-01) or a datetime (2027-03-01T09:00:00Z)."]
        else:
            start = datetime.combine(timezone.now().astimezone(zone).date(), time(0)).replace(tzinfo=zone)
        if attrs.get("end"):
            end = _parse_bound(attrs["end"], zone, is_end=True)
            if end is None:
                errors["end"] = ["Give a date (2027-03-14) or a datetime (2027-03-14T18:00:00Z)."]
        else:
            end = start + timedelta(days=DEFAULT_RANGE_DAYS) if start else None
        if not errors:
            if end <= start:
                errors["end"] = ["The end must be after the start."]
            elif end - start > timedelta(days=MAX_RANGE_DAYS):
                errors["end"] = [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]
        if errors:
            raise serializers.ValidationError(errors)
        return {"start": start, "end": end, "tz": tz_name,
                "duration": attrs.get("duration") or (30 if 30 in self.lengths else (self.lengths or [30])[0])}


class SlotSerializer(serializers.Serializer):
    """One free start (documentation shape of the slots answer)."""

    start = serializers.DateTimeField(help_text="UTC")
    end = serializers.DateTimeField(help_text="UTC")
    local_start = serializers.DateTimeField(help_text="The same instant with the offset of `tz`")
    mentor_local_start = serializers.DateTimeField(help_text="The same instant in the mentor's zone")


class SlotMentorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    timezone = serializers.CharField()


class SlotsResponseSerializer(serializers.Serializer):
    mentor = SlotMentorSerializer()
    timezone = serializers.CharField(help_text="The zone local_start is given in")
    duration = serializers.IntegerField()
    durations = serializers.ListField(child=serializers.IntegerField(), help_text="Lengths the mentor offers")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    accepting_bookings = serializers.BooleanField()
    slots = SlotSerializer(many=True)
