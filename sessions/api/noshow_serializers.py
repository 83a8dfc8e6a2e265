"""No-show report bodies. Input serializers only parse: the rules (required text, lengths, who
may do what) are the services', so the API and the session page refuse with the same words."""

from __future__ import annotations

from rest_framework import serializers

from sessions.models import Booking, NoShowReport


class NoShowReportInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                   help_text="What happened, for example how long you waited")
    party = serializers.ChoiceField(choices=[Booking.NoShowParty.MENTOR, Booking.NoShowParty.MENTEE],
                                    required=False, help_text="Who did not show; defaults to the other participant")


class NoShowDisputeInput(serializers.Serializer):
    statement = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                      help_text="Your side, for example when you joined the call")


class NoShowDecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["uphold", "dismiss"])
    reason = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                   help_text="Both participants read it")


class _Person(serializers.Serializer):
    """Display names only: moderators read reports about people whose email is none of their business."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class NoShowReportOut(serializers.ModelSerializer):
    booking = serializers.IntegerField(source="booking_id")
    session_start = serializers.DateTimeField(source="booking.start")
    session_end = serializers.DateTimeField(source="booking.end")
    reporter = _Person()
    reported = _Person()
    reported_role = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = NoShowReport
        fields = ["id", "booking", "session_start", "session_end", "state", "reporter", "reported", "reported_role",
                  "reason", "created_at", "dispute_deadline", "disputed_at", "dispute_statement", "decided_at",
                  "decided_by", "decision_reason"]

    def get_reported_role(self, obj) -> str:
        return obj.reported_role()

    def get_decided_by(self, obj) -> str | None:
        return obj.decided_by.display_name if obj.decided_by_id else None
