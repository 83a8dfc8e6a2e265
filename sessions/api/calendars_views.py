"""The signed-in mentor's own calendars (CRUD) and "why is this time not offered?".

Only the owner sees a calendar: anyone else, staff included, gets 404 for its id (the admin shows
staff what they need, without the address). The address goes in, never out.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from sessions.api.availability_views import MentorOnlyView
from sessions.api.calendars_serializers import (
    ExternalCalendarInput,
    ExternalCalendarList,
    ExternalCalendarOut,
    ExternalCalendarUpdateInput,
    SlotExplainQuery,
    SlotExplanationOut,
)
from sessions.selectors_calendars import calendar_of, calendars_of, slot_explain
from sessions.services import calendars as services


def _out(calendar, request) -> dict:
    return ExternalCalendarOut(calendar, context={"zone": request.user.timezone}).data


class CalendarsView(MentorOnlyView):
    """GET your calendars with their state; POST adds one (fetched at once: 400 with the reason
    when it cannot be read)."""

    serializer_class = ExternalCalendarInput
    error_statuses = {"POST": {409}}  # too_many_calendars

    @extend_schema(operation_id="v1_calendars_list", responses=ExternalCalendarList)
    def get(self, request):
        rows = calendars_of(mentor=request.user)
        return Response({"timezone": request.user.timezone,
                         "results": ExternalCalendarOut(rows, many=True, context={"zone": request.user.timezone}).data})

    @extend_schema(request=ExternalCalendarInput, responses={201: ExternalCalendarOut})
    def post(self, request):
        serializer = ExternalCalendarInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        calendar = services.calendar_add(mentor=request.user, **serializer.validated_data)
        return Response(_out(calendar_of(mentor=request.user, calendar_id=calendar.pk), request), status=201)


class CalendarDetailView(MentorOnlyView):
    serializer_class = ExternalCalendarUpdateInput

    def _get(self, request, pk):
        calendar = calendar_of(mentor=request.user, calendar_id=pk)
        if calendar is None:
            raise Http404("No such calendar.")
        return calendar

    @extend_schema(responses=ExternalCalendarOut)
    def get(self, request, pk: int):
        return Response(_out(self._get(request, pk), request))

    @extend_schema(request=ExternalCalendarUpdateInput, responses=ExternalCalendarOut)
    def patch(self, request, pk: int):
        serializer = ExternalCalendarUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.calendar_update(mentor=request.user, calendar_id=pk, **serializer.validated_data)
        return Response(_out(self._get(request, pk), request))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.calendar_remove(mentor=request.user, calendar_id=pk)
        return Response(status=204)


class SlotExplainView(MentorOnlyView):
    """Whether a start is offered to mentees, and if not, why (in plain words)."""

    @extend_schema(parameters=[SlotExplainQuery], responses=SlotExplanationOut)
    def get(self, request):
        query = SlotExplainQuery(data=request.query_params, context={"tzinfo": request.user.tzinfo})
        query.is_valid(raise_exception=True)
        start = query.validated_data["start"]
        duration = query.validated_data["duration"]
        result = slot_explain(mentor=request.user, start=start, duration=duration)
        return Response({"start": start, "duration": duration, "offered": result.offered, "code": result.code,
                         "message": result.message})


