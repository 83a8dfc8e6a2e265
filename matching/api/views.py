from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from matching.api.serializers import MatchListSerializer, MatchQuerySerializer, MatchSerializer
from matching.selectors import is_matchable_mentee, matches_for


class IsMentee(permissions.BasePermission):
    message = "Recommendations are for mentees."

    def has_permission(self, request, view) -> bool:
        return is_matchable_mentee(request.user)


class MatchListView(APIView):
    """The signed-in mentee's recommended mentors, best first, with scores and reasons."""

    # Token first so an anonymous call gets 401 with a WWW-Authenticate header, not 403.
    permission_classes = [permissions.IsAuthenticated, IsMentee]

    @extend_schema(parameters=[OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 50},
                                                   description="1-50, default MATCHING_TOP_N")],
                   responses=MatchListSerializer)
    def get(self, request):
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        matches = matches_for(mentee=request.user, limit=query.validated_data.get("limit"))
        return Response({"count": len(matches), "results": MatchSerializer(matches, many=True).data})
