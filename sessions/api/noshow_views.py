"""No-show reports over the API: report, list, dispute, withdraw; the moderators' queue and decision.

Loading is the visibility rule of sessions.selectors_noshow: anyone who may not see a booking or a
report gets 404 (its existence is private). Refusals come from the services with registered codes.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from sessions.api import noshow_serializers as s
from sessions.api.bookings_views import get_visible_booking
from sessions.errors import BookingError
from sessions.models import NoShowReport
from sessions.selectors_noshow import can_decide_no_shows, noshow_disputes, noshow_report_visible_get
from sessions.services import noshow as services


class IsNoShowModerator(permissions.BasePermission):
    message = "Only moderators can do that."

    def has_permission(self, request, view):
        return can_decide_no_shows(request.user)


def _visible_report(request, pk: int) -> NoShowReport:
    report = noshow_report_visible_get(user=request.user, pk=pk)
    if report is None:
        raise NotFound("Report not found.")
    return report


def _out(report: NoShowReport, request, code=status.HTTP_200_OK) -> Response:
    report = noshow_report_visible_get(user=request.user, pk=report.pk) or report
    return Response(s.NoShowReportOut(report, context={"request": request}).data, status=code)


class BookingNoShowReportView(APIView):
    """POST: report that the other participant did not show up (201 with the report)."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 404, 409}  # staff who took no part; no such session; window or state
    serializer_class = s.NoShowReportInput

    @extend_schema(request=s.NoShowReportInput, responses={201: s.NoShowReportOut})
    def post(self, request, pk: int):
        booking = get_visible_booking(request, pk)
        data = s.NoShowReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.noshow_report_create(booking=booking, reporter=request.user,
                                               reason=data.validated_data["reason"],
                                               party=data.validated_data.get("party"))
        return _out(report, request, status.HTTP_201_CREATED)


class BookingNoShowReportList(generics.ListAPIView):
    """GET: every no-show report on one session (participants and staff)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.NoShowReportOut
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NoShowReport.objects.none()
        booking = get_visible_booking(self.request, self.kwargs["pk"])
        return (booking.no_show_reports.select_related("booking", "reporter", "reported", "decided_by")
                .order_by("created_at", "id"))


class NoShowReportDetail(APIView):
    permission_classes = [IsAuthenticated]
    error_statuses = {404}

    @extend_schema(responses=s.NoShowReportOut)
    def get(self, request, pk: int):
        return _out(_visible_report(request, pk), request)


class NoShowReportDispute(APIView):
    """POST: the reported person disputes an open report before its deadline."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 404, 409}  # not the reported person; no such report; window or state

    @extend_schema(request=s.NoShowDisputeInput, responses=s.NoShowReportOut)
    def post(self, request, pk: int):
        report = _visible_report(request, pk)
        data = s.NoShowDisputeInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.noshow_report_dispute(report=report, actor=request.user,
                                                statement=data.validated_data["statement"])
        return _out(report, request)


class NoShowReportWithdraw(APIView):
    permission_classes = [IsAuthenticated]
    error_statuses = {403, 404, 409}  # not the reporter; no such report; already closed

    @extend_schema(request=None, responses=s.NoShowReportOut)
    def post(self, request, pk: int):
        report = services.noshow_report_withdraw(report=_visible_report(request, pk), actor=request.user)
        return _out(report, request)


class NoShowDisputeQueue(generics.ListAPIView):
    """GET: disputed reports waiting for a moderator, oldest first."""

    permission_classes = [IsNoShowModerator]
    serializer_class = s.NoShowReportOut

    def get_queryset(self):
        return noshow_disputes()


class NoShowDisputeDecide(APIView):
    """POST: uphold or dismiss a disputed report, with a reason both participants read."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 404, 409}  # not a moderator or took part; no such report; decided

    @extend_schema(request=s.NoShowDecideInput, responses=s.NoShowReportOut)
    def post(self, request, pk: int):
        report = _visible_report(request, pk)
        if not can_decide_no_shows(request.user):
            # A participant can see the report, but deciding is for moderators: say so before parsing.
            raise BookingError("Only moderators can decide no-show disputes.", code="forbidden")
        data = s.NoShowDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.noshow_report_decide(report=report, moderator=request.user,
                                               decision=data.validated_data["decision"],
                                               reason=data.validated_data["reason"])
        return _out(report, request)
