"""Availability API (the signed-in mentor's own rules, overrides and policy) and public slots.

Thin: parse with a serializer, call a service or selector, answer. Domain errors become 4xx in
mentorship.api.exception_handler.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import blocked_by
from mentorship.throttling import OneRoundTripThrottlesMixin
from sessions import selectors
from sessions.api.availability_serializers import (
    OverrideListSerializer,
    OverrideSerializer,
    PolicySerializer,
    RuleSerializer,
    SlotQuerySerializer,
    SlotsResponseSerializer,
    WeeklyRulesOutSerializer,
    WeeklyRulesSerializer,
)
from sessions.errors import BookingError
from sessions.services import availability as services
from sessions.slot_query import slot_query_parse, viewer_zone


class IsMentor(permissions.BasePermission):
    message = "Only mentors have availability settings."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_mentor)


class MentorOnlyView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsMentor]


class RulesView(MentorOnlyView):
    """GET the mentor's weekly windows; PUT replaces all of them at once."""

    serializer_class = WeeklyRulesSerializer

    def _body(self, mentor):
        return {"timezone": mentor.timezone,
                "rules": RuleSerializer(selectors.weekly_rules(mentor=mentor), many=True).data}

    @extend_schema(responses=WeeklyRulesOutSerializer)
    def get(self, request):
        return Response(self._body(request.user))

    @extend_schema(request=WeeklyRulesSerializer, responses=WeeklyRulesOutSerializer)
    def put(self, request):
        serializer = WeeklyRulesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.availability_set_weekly(mentor=request.user, rules=serializer.validated_data["rules"])
        return Response(self._body(request.user))


class OverridesView(MentorOnlyView):
    """GET upcoming overrides (?all=1 for past ones too); POST adds one."""

    serializer_class = OverrideSerializer

    @extend_schema(parameters=[OpenApiParameter("all", str, enum=["1"], description="1: past overrides too")],
                   responses=OverrideListSerializer)
    def get(self, request):
        rows = selectors.overrides_for(mentor=request.user, upcoming_only=request.query_params.get("all") != "1")
        return Response({"timezone": request.user.timezone, "results": OverrideSerializer(rows, many=True).data})

    @extend_schema(request=OverrideSerializer, responses={201: OverrideSerializer})
    def post(self, request):
        serializer = OverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        override = services.override_create(mentor=request.user, **serializer.validated_data)
        return Response(OverrideSerializer(override).data, status=201)


class OverrideDetailView(MentorOnlyView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.override_delete(mentor=request.user, override_id=pk)
        return Response(status=204)


class PolicyView(MentorOnlyView):
    serializer_class = PolicySerializer

    def get(self, request):
        return Response(PolicySerializer(selectors.policy_for(mentor=request.user)).data)

    def patch(self, request):
        serializer = PolicySerializer(selectors.policy_for(mentor=request.user), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        policy = services.policy_update(mentor=request.user, **serializer.validated_data)
        return Response(PolicySerializer(policy).data)


class MentorSlotsView(OneRoundTripThrottlesMixin, APIView):
    """Public: free start times of a mentor, in UTC, in the viewer's zone and the mentor's zone.

    Two queries (the bookable mentor with profile and policy; the calendar in one UNION) and one
    Redis round trip for the throttles: the engine is the expensive part, not the plumbing.
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SlotQuerySerializer], responses=SlotsResponseSerializer)
    def get(self, request, mentor_id: int):
        mentor = selectors.slots_mentor_get(mentor_id=mentor_id, viewer=request.user)
        # Someone the mentor blocked does not see their free times (nor learns why).
        if mentor is None or blocked_by(blocker_id=mentor.pk, user=request.user):
            raise Http404("No such mentor.")
        return Response(selectors.mentor_slots_payload(mentor=mentor, query=self._query(request, mentor), iso=True))

    @staticmethod
    def _query(request, mentor) -> dict:
        """The parsed slot query. A well-formed query is read by slot_query_parse directly, which is
        all SlotQuerySerializer.validate() does after its fields have stripped the strings: the
        serializer cost more than the database round trip of this endpoint. Anything the direct
        read refuses goes through the serializer, so odd input ("30.0") and every error message
        stay exactly the API's."""
        params = request.query_params
        default_tz = viewer_zone(request)
        try:
            return slot_query_parse(start=params.get("start", "").strip(), end=params.get("end", "").strip(),
                                    duration=params.get("duration"), tz=params.get("tz", "").strip(),
                                    lengths=mentor.session_lengths, default_tz=default_tz)
        except BookingError:
            pass
        query = SlotQuerySerializer(data=params, lengths=mentor.session_lengths, default_tz=default_tz)
        query.is_valid(raise_exception=True)
        return query.validated_data
