"""Booking API shapes: input validation only; the services decide what is allowed.

Times go out in UTC ISO 8601 (machines) plus the viewer's local rendering and zone name (people),
so a client never has to guess which zone a time is in.
"""

from __future__ import annotations

from datetime import UTC

from rest_framework import serializers

from mentorship.converters import MAX_ID
from mentorship.datetimes import validate_datetime_in_range
from mentorship.templatetags.tz_display import format_in_zone
from sessions.models import Booking, BookingEvent


class UTCDateTimeField(serializers.DateTimeField):
    """Always answers in UTC with a Z, whatever zone the request activated."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")
    timezone = serializers.CharField()


class BookingProgramSerializer(serializers.Serializer):
    """The company program a booking counts against."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    slug = serializers.CharField()
    organisation = serializers.CharField(source="organisation.slug")


def _utc(value) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _person(user) -> dict:
    return {"id": user.pk, "name": str(user.display_name), "timezone": str(user.timezone)}


def _program(program) -> dict | None:
    if program is None:
        return None
    return {"id": program.pk, "name": str(program.name), "slug": str(program.slug),
            "organisation": str(program.organisation.slug)}


# The booking shapes below answer with to_representation written out. DRF builds a ModelSerializer's
# fields on every instance (model introspection, then a deep copy of each field): for one booking
# and its history that was a quarter of a booking request's CPU, and every list repeats it. The
# declared fields stay the documentation (OpenAPI) and the reference:
# test_booking_shapes_answer_what_their_fields_would checks both give the same JSON.

class BookingEventSerializer(serializers.ModelSerializer):
    at = UTCDateTimeField()
    from_start = UTCDateTimeField(allow_null=True)
    to_start = UTCDateTimeField(allow_null=True)
    actor_id = serializers.IntegerField(allow_null=True, help_text="Empty for the system (expiry, completion)")

    class Meta:
        model = BookingEvent
        fields = ["kind", "actor_id", "from_start", "to_start", "note", "at"]

    def to_representation(self, instance):
        return {"kind": str(instance.kind), "actor_id": instance.actor_id, "from_start": _utc(instance.from_start),
                "to_start": _utc(instance.to_start), "note": str(instance.note), "at": _utc(instance.at)}


class BookingSerializer(serializers.ModelSerializer):
    start = UTCDateTimeField()
    end = UTCDateTimeField()
    expires_at = UTCDateTimeField(allow_null=True, help_text="Requests only: when it expires unanswered")
    created_at = UTCDateTimeField()
    mentor = PersonSerializer()
    mentee = PersonSerializer()
    timezone = serializers.SerializerMethodField()
    start_local = serializers.SerializerMethodField()
    end_local = serializers.SerializerMethodField()
    duration = serializers.IntegerField(source="duration_minutes")
    program = BookingProgramSerializer(allow_null=True, help_text="The company program it counts against, if any")

    class Meta:
        model = Booking
        fields = [
            "id", "status", "mentor", "mentee", "start", "end", "duration", "timezone", "start_local", "end_local",
            "topic", "question", "context_url", "call_url", "sequence", "expires_at", "cancel_reason",
            "cancelled_late", "created_at", "program",
        ]

    def _zone(self) -> str:
        request = self.context.get("request")
        return getattr(request, "tz_name", None) or getattr(getattr(request, "user", None), "timezone", None) or "UTC"

    def get_timezone(self, obj) -> str:
        return self._zone()

    def get_start_local(self, obj) -> str:
        return format_in_zone(obj.start, self._zone())

    def get_end_local(self, obj) -> str:
        return format_in_zone(obj.end, self._zone())

    def to_representation(self, instance):
        zone = self._zone()
        return {
            "id": instance.pk, "status": str(instance.status), "mentor": _person(instance.mentor),
            "mentee": _person(instance.mentee), "start": _utc(instance.start), "end": _utc(instance.end),
            "duration": instance.duration_minutes, "timezone": zone,
            "start_local": format_in_zone(instance.start, zone), "end_local": format_in_zone(instance.end, zone),
            "topic": str(instance.topic), "question": str(instance.question), "context_url": str(instance.context_url),
            "call_url": str(instance.call_url), "sequence": instance.sequence, "expires_at": _utc(instance.expires_at),
            "cancel_reason": str(instance.cancel_reason), "cancelled_late": bool(instance.cancelled_late),
            "created_at": _utc(instance.created_at), "program": _program(instance.program),
        }


class BookingDetailSerializer(BookingSerializer):
    events = BookingEventSerializer(many=True)

    class Meta(BookingSerializer.Meta):
        fields = BookingSerializer.Meta.fields + ["events"]

    def to_representation(self, instance):
        event = BookingEventSerializer()
        return {**super().to_representation(instance),
                "events": [event.to_representation(e) for e in instance.events.all()]}


class BookingCreateSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(min_value=1)
    start = serializers.DateTimeField(default_timezone=UTC, validators=[validate_datetime_in_range])
    duration = serializers.IntegerField()
    # Parse only: the length rules are booking_create's, so the API and the page say the same thing.
    topic = serializers.CharField()
    question = serializers.CharField()
    context_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)
    program = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
                                       help_text="Book inside this company program (both must have joined it)")


class BookingDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class BookingExtendSerializer(serializers.Serializer):
    hours = serializers.IntegerField(required=False, min_value=1,
                                     help_text="More hours to answer (default and maximum: BOOKING_REQUEST_EXTEND_HOURS)")


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class BookingRescheduleSerializer(serializers.Serializer):
    start = serializers.DateTimeField(default_timezone=UTC, validators=[validate_datetime_in_range])
