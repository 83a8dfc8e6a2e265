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
from ratings.selectors import moderation_name, public_name
from ratings.services import MAX_BATCH, REPLY_TRANSITIONS, TRANSITIONS

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
    action = serializers.ChoiceField(choices=[*TRANSITIONS, *REPLY_TRANSITIONS])
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class IgnoreReporterIn(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class QueueFilterIn(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False, allow_blank=True)
    reported = serializers.ChoiceField(choices=["0", "1", ""], required=False)


class ReplyOut(serializers.Serializer):
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReplyCreatedOut(ReplyOut):
    state = serializers.CharField()
    held_because = serializers.ListField(child=serializers.CharField())


class ModeratedReplyOut(ReplyOut):
    state = serializers.CharField()


def _reply(rating: Rating, *, published_only: bool = True):
    # The reverse one-to-one raises when absent; select_related("reply") has already loaded it.
    reply = getattr(rating, "reply", None)
    if reply is None or (published_only and not reply.is_published):
        return None
    return ReplyOut(reply).data if published_only else ModeratedReplyOut(reply).data


def _viewer(serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


def _is_staff(serializer) -> bool:
    return bool(getattr(_viewer(serializer), "is_staff", False))


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


class QueueReportOut(serializers.ModelSerializer):
    """One open report as moderators see it: who (a name; staff also get the email), why, and
    whether it counts toward hiding the review."""

    reporter = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    not_counted_because = serializers.SerializerMethodField()

    class Meta:
        model = RatingReport
        fields = ["id", "reporter", "reason", "note", "created_at", "counts", "not_counted_because"]

    def get_reporter(self, obj) -> str:
        return moderation_name(obj.reporter, viewer=_viewer(self))

    def get_counts(self, obj) -> bool:
        return not obj.not_counted and not obj.reporter_ignored

    def get_not_counted_because(self, obj) -> str:
        return obj.not_counted or ("reporter_ignored" if obj.reporter_ignored else "")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _is_staff(self):
            data["reporter_email"] = instance.reporter.email
        return data


class QueueItemOut(serializers.ModelSerializer):
    rater = serializers.SerializerMethodField()
    mentor = serializers.IntegerField(source="ratee_id")
    mentor_name = serializers.SerializerMethodField()
    reply = serializers.SerializerMethodField()
    report_reasons = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = ["id", "booking", "mentor", "mentor_name", "rater", "stars", "comment", "state", "open_reports",
                  "report_reasons", "reports", "created_at", "edited_at", "reply"]

    def get_rater(self, obj) -> str:
        return moderation_name(obj.rater, viewer=_viewer(self))

    def get_mentor_name(self, obj) -> str:
        return moderation_name(obj.ratee, viewer=_viewer(self))

    @extend_schema_field(ModeratedReplyOut(allow_null=True))
    def get_reply(self, obj):
        return _reply(obj, published_only=False)

    def get_report_reasons(self, obj) -> list[str]:
        return sorted({r.reason for r in obj.open_report_list})

    @extend_schema_field(QueueReportOut(many=True))
    def get_reports(self, obj):
        return QueueReportOut(obj.open_report_list, many=True, context=self.context).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _is_staff(self):
            data["expectation"] = instance.expectation
            data["rater_email"] = instance.rater.email
        return data


class DecisionOut(serializers.ModelSerializer):
    moderator = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()

    class Meta:
        model = ModerationDecision
        fields = ["id", "rating", "moderator", "reporter", "action", "reason", "from_state", "to_state", "at"]

    def get_moderator(self, obj) -> str | None:
        return moderation_name(obj.moderator, viewer=_viewer(self)) if obj.moderator_id else None

    def get_reporter(self, obj) -> str | None:
        return moderation_name(obj.reporter, viewer=_viewer(self)) if obj.reporter_id else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _is_staff(self):
            data["moderator_email"] = instance.moderator.email if instance.moderator_id else None
        return data


class DecideOut(serializers.Serializer):
    decisions = DecisionOut(many=True)


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
