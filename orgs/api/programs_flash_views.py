"""Flash question endpoints of a program (/api/v1/orgs/<slug>/programs/<program>/questions/...).
The program is loaded with its visibility check (404 outside the organisation); the rest is
sessions.services.flash."""

from __future__ import annotations

from datetime import UTC

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.datetimes import validate_datetime_in_range
from orgs.api.programs_views import load_program
from sessions.api.bookings_serializers import BookingSerializer, UTCDateTimeField
from sessions.models import FlashOffer, FlashQuestion
from sessions.services import flash as services


class FlashOfferSerializer(serializers.ModelSerializer):
    mentor = serializers.CharField(source="mentor.display_name")
    start = UTCDateTimeField()

    class Meta:
        model = FlashOffer
        fields = ["id", "mentor", "start", "status"]


class FlashQuestionSerializer(serializers.ModelSerializer):
    mentee = serializers.CharField(source="mentee.display_name")
    duration = serializers.IntegerField(source="duration_minutes")
    expires_at = UTCDateTimeField()

    class Meta:
        model = FlashQuestion
        fields = ["id", "mentee", "topic", "question", "duration", "status", "expires_at"]


class FlashMineSerializer(FlashQuestionSerializer):
    offers = FlashOfferSerializer(many=True, source="live_offers")

    class Meta(FlashQuestionSerializer.Meta):
        fields = FlashQuestionSerializer.Meta.fields + ["offers"]


class FlashBoardSerializer(serializers.Serializer):
    mine = FlashMineSerializer(allow_null=True, help_text="Your open question, with the offers on it")
    to_answer = FlashQuestionSerializer(many=True, help_text="Open questions you may offer a time on")


class FlashQuestionInputSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=200)
    question = serializers.CharField(max_length=5000)
    duration = serializers.IntegerField()


class FlashOfferInputSerializer(serializers.Serializer):
    start = serializers.DateTimeField(default_timezone=UTC, validators=[validate_datetime_in_range])


def _question(program, pk: int) -> FlashQuestion:
    question = FlashQuestion.objects.select_related("program__organisation").filter(program=program, pk=pk).first()
    if question is None:
        raise NotFound("No such question.")
    return question


class FlashQuestions(APIView):
    """Your open question with its offers, and the questions you may answer; POST asks one."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 409}

    @extend_schema(responses=FlashBoardSerializer)
    def get(self, request, slug: str, program: str):
        _, prog, _ = load_program(request, slug, program)
        mine = (FlashQuestion.objects.filter(program=prog, mentee_id=request.user.pk, status=FlashQuestion.Status.OPEN)
                .prefetch_related("offers__mentor").first())
        if mine is not None:
            mine.live_offers = [o for o in mine.offers.all() if o.status == FlashOffer.Status.OFFERED]
        to_answer = services.flash_questions_for_mentor(program=prog, mentor=request.user)
        return Response(FlashBoardSerializer({"mine": mine, "to_answer": to_answer}).data)

    @extend_schema(request=FlashQuestionInputSerializer, responses={201: FlashQuestionSerializer})
    def post(self, request, slug: str, program: str):
        _, prog, _ = load_program(request, slug, program)
        data = FlashQuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        question = services.flash_question_post(program=prog, mentee=request.user, topic=v["topic"],
                                                question=v["question"], duration=v["duration"])
        return Response(FlashQuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class FlashOfferCreate(APIView):
    """A mentor of the program offers a free time this week on an open question."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 409}

    @extend_schema(request=FlashOfferInputSerializer, responses={201: FlashOfferSerializer})
    def post(self, request, slug: str, program: str, question: int):
        _, prog, _ = load_program(request, slug, program)
        q = _question(prog, question)
        data = FlashOfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.flash_offer_create(question=q, mentor=request.user, start=data.validated_data["start"])
        return Response(FlashOfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class FlashOfferAccept(APIView):
    """The mentee takes an offer: a booking inside the program; the other offers are withdrawn."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 409}

    @extend_schema(request=None, responses={201: BookingSerializer})
    def post(self, request, slug: str, program: str, question: int, offer: int):
        _, prog, _ = load_program(request, slug, program)
        q = _question(prog, question)
        found = FlashOffer.objects.filter(question=q, pk=offer).first()
        if found is None or q.mentee_id != request.user.pk:
            raise NotFound("No such offer.")
        booking = services.flash_offer_accept(offer=found, mentee=request.user)
        return Response(BookingSerializer(booking, context={"request": request}).data, status=status.HTTP_201_CREATED)


class FlashQuestionWithdraw(APIView):
    permission_classes = [IsAuthenticated]
    error_statuses = {409}

    @extend_schema(request=None, responses=FlashQuestionSerializer)
    def post(self, request, slug: str, program: str, question: int):
        _, prog, _ = load_program(request, slug, program)
        q = _question(prog, question)
        if q.mentee_id != request.user.pk:
            raise NotFound("No such question.")
        return Response(FlashQuestionSerializer(services.flash_question_withdraw(question=q, mentee=request.user)).data)
