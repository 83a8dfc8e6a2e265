"""Input and output shapes for the availability and slots API (and the slot picker's query)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sessions.errors import BookingError
from sessions.models import AvailabilityOverride, BookingPolicy
from sessions.services.availability import POLICY_FIELDS
from sessions.slot_query import slot_query_parse


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


class SlotQuerySerializer(serializers.Serializer):
    """?start=&end=&duration=&tz= for GET /api/v1/mentors/{id}/slots/: the fields document the
    query; sessions.slot_query reads it, the same way as for the slot picker page."""

    start = serializers.CharField(required=False, allow_blank=True,
                                  help_text="Date (YYYY-MM-DD) or ISO datetime; default today in tz")
    end = serializers.CharField(required=False, allow_blank=True,
                                help_text="Date (inclusive) or ISO datetime; default start + 14 days")
    duration = serializers.IntegerField(required=False, help_text="Minutes; one of the mentor's session lengths")
    tz = serializers.CharField(required=False, allow_blank=True, help_text="IANA zone to show times in")

    def __init__(self, *args, lengths: list[int] | None = None, default_tz: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.lengths = lengths
        self.default_tz = default_tz

    def validate(self, attrs):
        try:
            return slot_query_parse(start=attrs.get("start", ""), end=attrs.get("end", ""),
                                    duration=attrs.get("duration"), tz=attrs.get("tz", ""),
                                    lengths=self.lengths, default_tz=self.default_tz)
        except BookingError as exc:
            raise serializers.ValidationError(exc.field_errors)


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
