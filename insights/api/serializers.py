"""The insights API's shapes. The input is a period; the output documents the report of
insights.exports.report_json (the view answers that dict as is)."""

from __future__ import annotations

from rest_framework import serializers

from insights.scope import period_check


class InsightsPeriodIn(serializers.Serializer):
    """?from=&to= (both optional together: the last thirteen weeks). Named by hand: `from` is a keyword."""

    def get_fields(self):
        return {"from": serializers.DateField(required=False, help_text="First day, in the organisation's zone"),
                "to": serializers.DateField(required=False, help_text="Last day (included)")}

    def validate(self, attrs):
        if ("from" in attrs) != ("to" in attrs):
            missing = "to" if "from" in attrs else "from"
            raise serializers.ValidationError({missing: ["Give both from and to, or neither."]})
        if "from" in attrs:
            errors = period_check(first_day=attrs["from"], last_day=attrs["to"])
            if errors:
                raise serializers.ValidationError({k: [v] for k, v in errors.items()})
        return attrs


class InsightsCellOut(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="null when suppressed (or not defined, e.g. no ratings)")
    suppressed = serializers.BooleanField(help_text="Built from fewer than `min_cell` people")
    display = serializers.CharField(help_text='As shown on the page: "12", "3.7", "<5"')


class InsightsSideOut(serializers.Serializer):
    invited = InsightsCellOut()
    joined = InsightsCellOut()
    active = InsightsCellOut()


class InsightsOutcomesOut(serializers.Serializer):
    requested = InsightsCellOut()
    completed = InsightsCellOut()
    confirmed = InsightsCellOut()
    pending = InsightsCellOut()
    cancelled = InsightsCellOut()
    cancelled_late = InsightsCellOut()
    no_show = InsightsCellOut()
    declined = InsightsCellOut(help_text="Declined or expired")


class InsightsWeekOut(InsightsOutcomesOut):
    week = serializers.DateField(help_text="The Monday the week starts on")


class InsightsParticipationOut(serializers.Serializer):
    mentees = InsightsSideOut()
    mentors = InsightsSideOut()
    sessions = InsightsOutcomesOut()
    weeks = InsightsWeekOut(many=True)
    median_days_to_first_booking = InsightsCellOut()


class InsightsStarsOut(serializers.Serializer):
    stars = serializers.IntegerField()
    ratings = InsightsCellOut()


class InsightsExpectationOut(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["below", "met", "exceeded", "unanswered"])
    ratings = InsightsCellOut()


class InsightsSatisfactionOut(serializers.Serializer):
    ratings = InsightsCellOut()
    average_stars = InsightsCellOut()
    stars = InsightsStarsOut(many=True)
    expectations = InsightsExpectationOut(many=True)
    booked_again_percent = InsightsCellOut()


class InsightsMatrixRowOut(serializers.Serializer):
    mentee_department = serializers.CharField()
    sessions = InsightsCellOut(many=True, help_text="One per entry of `departments` (the mentor's department)")


class InsightsGapOut(serializers.Serializer):
    gap = serializers.IntegerField(allow_null=True, help_text="Mentor's level rank minus the mentee's; null: not recorded")
    label = serializers.CharField()
    sessions = InsightsCellOut()


class InsightsBinOut(serializers.Serializer):
    label = serializers.CharField()
    people = InsightsCellOut()


class InsightsColleaguesOut(serializers.Serializer):
    people = InsightsCellOut()
    bins = InsightsBinOut(many=True)


class InsightsReachOut(serializers.Serializer):
    departments = serializers.ListField(child=serializers.CharField())
    matrix = InsightsMatrixRowOut(many=True)
    crossed_departments_percent = InsightsCellOut()
    level_gaps = InsightsGapOut(many=True)
    colleagues_met = InsightsColleaguesOut()


class InsightsLoadBinOut(serializers.Serializer):
    label = serializers.CharField()
    mentors = InsightsCellOut()


class InsightsLoadOut(serializers.Serializer):
    mentors = InsightsCellOut()
    bins = InsightsLoadBinOut(many=True)
    top_tenth_share_percent = InsightsCellOut()
    gini = InsightsCellOut()


class InsightsTopicOut(serializers.Serializer):
    skill = serializers.CharField()
    sessions = InsightsCellOut()


class InsightsReportOut(serializers.Serializer):
    organisation = serializers.SlugField()
    program = serializers.SlugField(allow_null=True)
    to = serializers.DateField()
    timezone = serializers.CharField()
    min_cell = serializers.IntegerField()
    participation = InsightsParticipationOut()
    satisfaction = InsightsSatisfactionOut()
    reach = InsightsReachOut()
    mentor_load = InsightsLoadOut()
    topics = InsightsTopicOut(many=True)

    def get_fields(self):
        fields = super().get_fields()
        ordered = {}
        for name, field in fields.items():
            if name == "to":
                ordered["from"] = serializers.DateField()
            ordered[name] = field
        return ordered


# --- a mentor's own record (GET /api/v1/me/mentor-stats/) ------------------------------------------

class MentorStatsMonthOut(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the month (the mentor's zone)")
    sessions = serializers.IntegerField(help_text="Completed sessions that started in the month")
    hours = serializers.FloatField()
    rating_average = serializers.FloatField(allow_null=True, help_text="Average of the month's published reviews")
    ratings = serializers.IntegerField()


class MentorBadgeOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    rule = serializers.CharField(help_text="The rule that earns it, in words")
    earned = serializers.BooleanField()


class MentorStatsOut(serializers.Serializer):
    months = MentorStatsMonthOut(many=True)
    sessions = serializers.IntegerField()
    hours = serializers.FloatField()
    distinct_mentees = serializers.IntegerField()
    rating_count = serializers.IntegerField()
    rating_average = serializers.FloatField(allow_null=True)
    expectation_answers = serializers.IntegerField()
    met_expectations_percent = serializers.IntegerField(
        allow_null=True, help_text="Share of private answers 'met' or 'exceeded'; null below the privacy threshold")
    response_median_minutes = serializers.IntegerField(allow_null=True)
    acceptance_percent = serializers.IntegerField(allow_null=True)
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    expired = serializers.IntegerField()
    late_cancel_percent = serializers.IntegerField(allow_null=True)
    no_show_percent = serializers.IntegerField(allow_null=True)
    due_sessions = serializers.IntegerField(help_text="Base of the two rates: completed, missed or cancelled late")
    badges = MentorBadgeOut(many=True)
