"""POST /api/v1/bookings/{id}/no-show/: a participant reports that the other one did not show."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from sessions.errors import BookingError
from sessions.models import Booking
from sessions.services.lifecycle import booking_report_no_show


class NoShowInputSerializer(serializers.Serializer):
    party = serializers.ChoiceField(choices=Booking.NoShowParty.choices, required=False,
                                    help_text="Who did not show; defaults to the other participant")


class BookingNoShowView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NoShowInputSerializer
    error_statuses = {409}  # already_reported, wrong_state, not_ended, too_late

    def post(self, request, pk: int):
        booking = Booking.objects.filter(pk=pk).first()
        # Someone who cannot see the booking learns nothing about it, not even that it exists.
        if booking is None or not booking.can_view(request.user):
            raise BookingError("Booking not found.", code="not_found")
        data = NoShowInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_report_no_show(booking=booking, actor=request.user, party=data.validated_data.get("party"))
        return Response({"id": booking.pk, "status": booking.status, "no_show_party": booking.no_show_party})
