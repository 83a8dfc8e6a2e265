"""Booking endpoints: parse, load with a permission check, call the service, answer.

Anyone who is not a participant (or staff, for reads) gets 404, never 403: a booking's existence
is private. BookingErrors from the services map to their status in mentorship.api.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import mentor_bookable_get
from orgs.selectors_programs import program_for_booking_get
from sessions.api import bookings_serializers as s
from sessions.models import Booking
from sessions.selectors import BOOKING_ROLES, BOOKING_WHENS, booking_visible_get, bookings_mine
from sessions.services import bookings as services


def get_visible_booking(request, pk: int, *, prefetch_events: bool = False) -> Booking:
    booking = booking_visible_get(user=request.user, pk=pk, with_events=prefetch_events)
    if booking is None:
        raise NotFound("Booking not found.")
    return booking


class BookingListCreate(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    # No such mentor or program; not in the program; the slot was just taken, quota or capacity used up.
    error_statuses = {"POST": {403, 404, 409}}
    serializer_class = s.BookingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Booking.objects.none()
        params = self.request.query_params
        user = self.request.user
        errors = {}
        role = params.get("role", "")
        when = params.get("when", "")
        if role and role not in BOOKING_ROLES:
            errors["role"] = ["Use role=mentor or role=mentee."]
        if when and when not in BOOKING_WHENS:
            errors["when"] = ["Use when=upcoming or when=past."]
        if errors:
            raise ValidationError(errors)
        return bookings_mine(user=user, role=role, when=when, everyone=params.get("all") == "1")

    @extend_schema(parameters=[
        OpenApiParameter("role", str, enum=list(BOOKING_ROLES), description="Only bookings where I am the mentor / mentee"),
        OpenApiParameter("when", str, enum=list(BOOKING_WHENS), description="upcoming: not yet ended; past: ended"),
        OpenApiParameter("all", str, enum=["1"], description="Staff only: every booking"),
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.BookingCreateSerializer, responses={201: s.BookingDetailSerializer},
                   description="Book a slot. 409 when the slot was just taken, with `next_slots` (UTC ISO).")
    def post(self, request):
        data = s.BookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        mentor = mentor_bookable_get(mentor_id=values["mentor"], viewer=request.user)
        if mentor is None:
            raise NotFound("No such mentor.")
        program = None
        if values["program"] is not None:
            program = program_for_booking_get(program_id=values["program"], user=request.user)
            if program is None:
                raise NotFound("No such program.")
        booking = services.booking_create(
            mentee=request.user, mentor=mentor, start=values["start"], duration=values["duration"],
            topic=values["topic"], question=values["question"], context_url=values["context_url"],
            program=program,
        )
        # The service's instance is what was just written, mentor and mentee included: only the
        # history needs reading (one query, not a second load of the whole booking).
        prefetch_related_objects([booking], "events")
        return Response(s.BookingDetailSerializer(booking, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class BookingDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.BookingDetailSerializer)
    def get(self, request, pk: int):
        booking = get_visible_booking(request, pk, prefetch_events=True)
        return Response(s.BookingDetailSerializer(booking, context={"request": request}).data)


class _BookingAction(APIView):
    permission_classes = [IsAuthenticated]
    error_statuses = {409}  # wrong_state, expired, started, taken
    input_serializer = None

    def act(self, request, booking, values):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, pk: int):
        booking = get_visible_booking(request, pk)
        values = {}
        if self.input_serializer is not None:
            data = self.input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
        booking = self.act(request, booking, values)
        booking = get_visible_booking(request, booking.pk, prefetch_events=True)
        return Response(s.BookingDetailSerializer(booking, context={"request": request}).data)


class BookingConfirm(_BookingAction):
    @extend_schema(request=None, responses=s.BookingDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking, values):
        return services.booking_confirm(booking=booking, actor=request.user)


class BookingDecline(_BookingAction):
    input_serializer = s.BookingDeclineSerializer

    @extend_schema(request=s.BookingDeclineSerializer, responses=s.BookingDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking, values):
        return services.booking_decline(booking=booking, actor=request.user, reason=values["reason"])


class BookingExtend(_BookingAction):
    """The mentor takes more time to answer a request: once, by at most BOOKING_REQUEST_EXTEND_HOURS."""

    input_serializer = s.BookingExtendSerializer

    @extend_schema(request=s.BookingExtendSerializer, responses=s.BookingDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking, values):
        return services.booking_extend(booking=booking, actor=request.user, hours=values.get("hours"))


class BookingCancel(_BookingAction):
    input_serializer = s.BookingCancelSerializer

    @extend_schema(request=s.BookingCancelSerializer, responses=s.BookingDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking, values):
        return services.booking_cancel(booking=booking, actor=request.user, reason=values["reason"])


class BookingReschedule(_BookingAction):
    input_serializer = s.BookingRescheduleSerializer

    @extend_schema(request=s.BookingRescheduleSerializer, responses=s.BookingDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking, values):
        return services.booking_reschedule(booking=booking, actor=request.user, new_start=values["start"])
