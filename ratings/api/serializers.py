"""Shapes of ratings data over HTTP. Input serializers check types and ranges only; rules live in
ratings.services, which the views call."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ratings.models import (
    COMMENT_MAX_LENGTH,
    FEEDBACK_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    Expectation,
    ModerationDecision,
    Rating,
    RatingReport,
    State,
)
from ratings.selectors import public_name
from ratings.services import MAX_BATCH, TRANSITIONS

STARS_MESSAGES = {
    "min_value": "Stars must be from 1 to 5.",
    "max_value": "Stars must be from 1 to 5.",
    "invalid": "Stars must be a whole number from 1 to 5.",
}


class RatingCreateIn(serializers.Serializer):
    booking = serializers.IntegerField(min_value=1)
    stars = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True,
                                     error_messages=STARS_MESSAGES)
    comment = serializers.CharField(max_length=COMMENT_MAX_LENGTH, required=False, allow_blank=True, default="",
                                    trim_whitespace=True)
    expectation = serializers.ChoiceField(choices=Expectation.choices, required=False, allow_blank=True, default="")
    private_feedback = serializers.CharField(max_length=FEEDBACK_MAX_LENGTH, required=False, allow_blank=True,
                                             default="")


class RatingUpdateIn(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True,
                                     error_messages=STARS_MESSAGES)
    comment = serializers.CharField(max_length=COMMENT_MAX_LENGTH, required=False, allow_blank=True)
    expectation = serializers.ChoiceField(choices=Expectation.choices, required=False, allow_blank=True)
    private_feedback = serializers.CharField(max_length=FEEDBACK_MAX_LENGTH, required=False, allow_blank=True)


class ReplyIn(serializers.Serializer):
    body = serializers.CharField(max_length=REPLY_MAX_LENGTH)


class ReportIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RatingReport.Reason.choices)
    note = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class DecideIn(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_BATCH)
    action = serializers.ChoiceField(choices=list(TRANSITIONS))
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class QueueFilterIn(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False, allow_blank=True)
    reported = serializers.ChoiceField(choices=["0", "1", ""], required=False)


class ReplyOut(serializers.Serializer):
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


def _reply(rating: Rating):
    # The reverse one-to-one raises when absent; select_related("reply") has already loaded it.
    reply = getattr(rating, "reply", None)
    return ReplyOut(reply).data if reply is not None else None


class RatingOut(serializers.ModelSerializer):
    """What the author (and staff) see of a rating, private fields included."""

    class Meta:
        model = Rating
        fields = ["id", "booking", "direction", "ratee", "stars", "comment", "expectation", "private_feedback",
                  "state", "created_at", "edited_at"]


class PublicReviewOut(serializers.ModelSerializer):
    """A published review as anyone sees it. The expectation answer is added for staff only."""

    reviewer = serializers.SerializerMethodField()
    reply = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = ["id", "stars", "comment", "reviewer", "created_at", "edited_at", "reply"]

    def get_reviewer(self, obj) -> str:
        return public_name(obj.rater)

    @extend_schema_field(ReplyOut(allow_null=True))
    def get_reply(self, obj):
        return _reply(obj)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and request.user.is_staff:
            data["expectation"] = instance.expectation
        return data


class QueueItemOut(serializers.ModelSerializer):
    rater = serializers.EmailField(source="rater.email")
    mentor = serializers.IntegerField(source="ratee_id")
    reply = serializers.SerializerMethodField()
    report_reasons = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = ["id", "booking", "mentor", "rater", "stars", "comment", "state", "open_reports",
                  "report_reasons", "created_at", "edited_at", "reply"]

    @extend_schema_field(ReplyOut(allow_null=True))
    def get_reply(self, obj):
        return _reply(obj)

    def get_report_reasons(self, obj) -> list[str]:
        return sorted({r.reason for r in obj.reports.all() if r.resolved_at is None})

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and request.user.is_staff:
            data["expectation"] = instance.expectation
        return data


class DecisionOut(serializers.ModelSerializer):
    moderator = serializers.SerializerMethodField()

    class Meta:
        model = ModerationDecision
        fields = ["id", "rating", "moderator", "action", "reason", "from_state", "to_state", "at"]

    def get_moderator(self, obj) -> str | None:
        return obj.moderator.email if obj.moderator_id else None


class DecideOut(serializers.Serializer):
    decisions = DecisionOut(many=True)


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
