"""Ratings API: parse, call the service, answer. Domain errors become 4xx in mentorship.api."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import MentorProfile
from accounts.selectors import mentor_visible_q
from ratings import selectors, services
from ratings.api import serializers as s
from ratings.models import Rating


class IsModerator(permissions.BasePermission):
    message = "Only moderators can do that."

    def has_permission(self, request, view):
        return services.can_moderate(request.user)


class RatingCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {404, 409}  # no such booking; not_completed, already_rated

    @extend_schema(request=s.RatingCreateIn, responses={201: s.RatingOut})
    def post(self, request):
        data = s.RatingCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        rating = services.rating_create(
            booking_id=values["booking"], rater=request.user, stars=values.get("stars"),
            comment=values["comment"], expectation=values["expectation"],
            private_feedback=values["private_feedback"],
        )
        body = s.RatingOut(rating).data
        body["held_because"] = rating.held_because
        return Response(body, status=status.HTTP_201_CREATED)


class RatingUpdateView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {409}  # removed, edit_window_closed

    @extend_schema(request=s.RatingUpdateIn, responses={200: s.RatingOut})
    def patch(self, request, rating_id: int):
        data = s.RatingUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rating = services.rating_update(rating_id=rating_id, editor=request.user, **data.validated_data)
        body = s.RatingOut(rating).data
        body["held_because"] = rating.held_because
        return Response(body)


class MentorReviewsView(generics.ListAPIView):
    """A mentor's published reviews, newest first, with the mentor's replies. Public."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.PublicReviewOut
    filter_backends: list = []

    def get_queryset(self):
        mentor_id = self.kwargs["mentor_id"]
        get_object_or_404(MentorProfile.objects.filter(mentor_visible_q(viewer=self.request.user)).only("pk"),
                          pk=mentor_id)
        return selectors.published_reviews(mentor_id=mentor_id)


class ReplyCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {409}  # already_replied

    @extend_schema(request=s.ReplyIn, responses={201: s.ReplyCreatedOut})
    def post(self, request, rating_id: int):
        data = s.ReplyIn(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_create(rating_id=rating_id, author=request.user, body=data.validated_data["body"])
        return Response(s.ReplyCreatedOut(reply).data, status=status.HTTP_201_CREATED)


class ReportCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {409}  # already_reported

    @extend_schema(request=s.ReportIn, responses={201: s.ReportOut})
    def post(self, request, rating_id: int):
        # A review of an internal mentor is reported only by someone who may see that mentor.
        if not Rating.objects.filter(mentor_visible_q(viewer=request.user, prefix="ratee__mentor_profile__"),
                                     pk=rating_id).exists():
            raise NotFound("No such review.")
        data = s.ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(rating_id=rating_id, reporter=request.user, **data.validated_data)
        return Response({"id": report.pk, "reason": report.reason}, status=status.HTTP_201_CREATED)


class ModerationQueueView(generics.ListAPIView):
    permission_classes = [IsModerator]
    serializer_class = s.QueueItemOut
    filter_backends: list = []

    def get_queryset(self):
        query = s.QueueFilterIn(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        reported = {"1": True, "0": False}.get(query.validated_data.get("reported", ""))
        return selectors.moderation_queue(state=query.validated_data.get("state") or None, reported=reported)


class ModerationDecideView(APIView):
    permission_classes = [IsModerator]
    error_statuses = {404, 409}  # an unknown id; invalid_transition

    @extend_schema(request=s.DecideIn, responses={200: s.DecideOut})
    def post(self, request):
        data = s.DecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        decisions = services.moderate(ratings=values["ids"], moderator=request.user, action=values["action"],
                                      reason=values["reason"])
        return Response({"decisions": s.DecisionOut(decisions, many=True, context={"request": request}).data})


class IgnoreReporterView(APIView):
    """Stop counting the reports of the person who made this report (they still reach the queue)."""

    permission_classes = [IsModerator]

    @extend_schema(request=s.IgnoreReporterIn, responses={201: s.DecisionOut})
    def post(self, request, report_id: int):
        data = s.IgnoreReporterIn(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.reporter_ignore(report_id=report_id, moderator=request.user,
                                            reason=data.validated_data["reason"])
        return Response(s.DecisionOut(decision, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ModerationAuditView(generics.ListAPIView):
    permission_classes = [IsModerator]
    serializer_class = s.DecisionOut
    filter_backends: list = []

    def get_queryset(self):
        return selectors.audit_log()
