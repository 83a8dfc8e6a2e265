"""GET /api/v1/orgs/<slug>/insights/ and /api/v1/orgs/<slug>/programs/<program>/insights/.

The same report as the page (insights.selectors), the same suppression. Organisation admins of
that organisation and staff; any other signed-in caller gets 404, a caller not signed in 401.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import AccountError
from accounts.recognition import badge_rules
from insights import selectors
from insights.api.serializers import InsightsPeriodIn, InsightsReportOut, MentorStatsOut
from insights.exports import report_json
from insights.mentor_stats import mentor_stats
from insights.scope import default_period

_PERIOD = [OpenApiParameter("from", OpenApiTypes.DATE, description="First day (organisation's zone); with `to`"),
           OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, included; default: the last 13 weeks")]


class InsightsView(APIView):
    """GET: participation, satisfaction, reach, mentor load and topics over the period; figures
    built from fewer than `min_cell` people are null with `suppressed: true`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=_PERIOD, responses=InsightsReportOut)
    def get(self, request, slug: str, program_slug: str | None = None):
        target = selectors.insights_target_get(user=request.user, org_slug=slug, program_slug=program_slug)
        if target is None:
            raise NotFound("No such organisation.")
        organisation, program = target
        period = InsightsPeriodIn(data=request.query_params)
        period.is_valid(raise_exception=True)
        first, last = default_period(organisation=organisation)
        if "from" in period.validated_data:
            first, last = period.validated_data["from"], period.validated_data["to"]
        report = selectors.insights_report(organisation=organisation, program=program, first_day=first, last_day=last)
        return Response(report_json(report))


class ProgramInsightsView(InsightsView):
    """GET: one program's report (see the organisation's)."""


class MyMentorStatsView(APIView):
    """GET: your own record as a mentor (the numbers behind your home page's charts)."""

    permission_classes = [IsAuthenticated]
    error_statuses = {404}  # not_a_mentor

    @extend_schema(responses=MentorStatsOut, summary="Your mentor stats")
    def get(self, request):
        if not request.user.is_mentor:
            raise AccountError("You are not a mentor.", code="not_a_mentor")
        stats = mentor_stats(mentor=request.user)
        earned = set(request.user.mentor_profile.badges)
        return Response(MentorStatsOut({
            **{name: getattr(stats, name) for name in (
                "sessions", "hours", "distinct_mentees", "rating_count", "rating_average", "expectation_answers",
                "response_median_minutes", "acceptance_percent", "accepted", "declined", "expired",
                "late_cancel_percent", "no_show_percent", "due_sessions")},
            "met_expectations_percent": stats.met_percent,
            "months": [{"month": m.start, "sessions": m.sessions, "hours": m.hours, "rating_average": m.rating_average,
                        "ratings": m.ratings} for m in stats.months],
            "badges": [{"key": b.key, "label": b.label, "rule": b.rule, "earned": b.key in earned}
                       for b in badge_rules().values()],
        }).data)
