"""Accounts API: thin adapters from HTTP to accounts.services and accounts.selectors."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    IndustrySerializer,
    LanguageSerializer,
    MenteeProfileSerializer,
    MenteeProfileWriteSerializer,
    MentorProfileSerializer,
    MentorProfileWriteSerializer,
    MeSerializer,
    MeUpdateSerializer,
    MyMentorProfileSerializer,
    SkillSerializer,
)
from accounts.directory import DirectoryPaginator, DirectoryRows
from accounts.errors import AccountError
from accounts.forms import DirectoryFilterForm
from accounts.models import Industry, Language, MenteeProfile, MentorProfile, Skill
from accounts.selectors import SORTS, MentorFilters, mentor_by_id, mentor_cards, search_suggestion
from matching.selectors import directory_match_scores
from mentorship.api import Pagination
from mentorship.parsers import BoundedJSONParser
from mentorship.throttling import OneRoundTripThrottlesMixin


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="Your account settings")
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer,
                   summary="Change name, time zone, roles or notification preferences")
    def patch(self, request):
        data = MeUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **data.validated_data)
        return Response(MeSerializer(user).data)


class _OwnProfileView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    write_serializer: type[serializers.Serializer]

    def _write(self, request, *, partial: bool):
        data = self.write_serializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        self.update(request.user, data.validated_data)
        return self.get(request)


class MyMentorProfileView(_OwnProfileView):
    write_serializer = MentorProfileWriteSerializer
    error_statuses = {404}  # not_a_mentor

    def _profile(self, user) -> MentorProfile:
        if not user.is_mentor:
            raise AccountError("You are not a mentor; PATCH /api/v1/me/ with is_mentor=true first.",
                               code="not_a_mentor")
        return MentorProfile.objects.select_related("user").prefetch_related(
            "skills", "industries", "languages").get(user=user)

    def update(self, user, data):
        services.mentor_profile_update(user=user, **data)

    @extend_schema(responses=MyMentorProfileSerializer, summary="Your mentor profile")
    def get(self, request):
        return Response(MyMentorProfileSerializer(self._profile(request.user), context={"request": request}).data)

    @extend_schema(request=MentorProfileWriteSerializer, responses=MyMentorProfileSerializer,
                   summary="Replace your mentor profile (photo and meeting_url optional)")
    def put(self, request):
        self._profile(request.user)
        return self._write(request, partial=False)

    @extend_schema(request=MentorProfileWriteSerializer, responses=MyMentorProfileSerializer,
                   summary="Change some fields of your mentor profile")
    def patch(self, request):
        self._profile(request.user)
        return self._write(request, partial=True)


class MyMenteeProfileView(_OwnProfileView):
    write_serializer = MenteeProfileWriteSerializer
    error_statuses = {404}  # not_a_mentee

    def _profile(self, user) -> MenteeProfile:
        if not user.is_mentee:
            raise AccountError("You are not a mentee; PATCH /api/v1/me/ with is_mentee=true first.",
                               code="not_a_mentee")
        profile, _ = MenteeProfile.objects.get_or_create(user=user)
        return MenteeProfile.objects.prefetch_related("interests", "industries", "languages").get(pk=profile.pk)

    def update(self, user, data):
        services.mentee_profile_update(user=user, **data)

    @extend_schema(responses=MenteeProfileSerializer, summary="Your mentee profile")
    def get(self, request):
        return Response(MenteeProfileSerializer(self._profile(request.user)).data)

    @extend_schema(request=MenteeProfileWriteSerializer, responses=MenteeProfileSerializer,
                   summary="Replace your mentee profile")
    def put(self, request):
        self._profile(request.user)
        return self._write(request, partial=False)

    @extend_schema(request=MenteeProfileWriteSerializer, responses=MenteeProfileSerializer,
                   summary="Change some fields of your mentee profile")
    def patch(self, request):
        self._profile(request.user)
        return self._write(request, partial=True)


DIRECTORY_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Free text over name, headline, bio and skills"),
    OpenApiParameter("skill", OpenApiTypes.STR, description="Skill slug (see /api/v1/skills/)"),
    OpenApiParameter("industry", OpenApiTypes.STR, description="Industry slug (see /api/v1/industries/)"),
    OpenApiParameter("language", OpenApiTypes.STR, description="ISO 639-1 language code"),
    OpenApiParameter("length", OpenApiTypes.INT, enum=list(settings.SESSION_LENGTHS),
                     description="Only mentors offering this session length (minutes)"),
    OpenApiParameter("min_rating", {"type": "number", "minimum": 0, "maximum": 5},
                     description="Minimum Bayesian rating, 0-5"),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS),
                     description="Default: relevance. `match` (signed-in mentees): your recommendations first"),
    OpenApiParameter("colleagues", OpenApiTypes.BOOL,
                     description="true: only mentors in your organisations (internal ones included)"),
    OpenApiParameter("free_within", OpenApiTypes.INT, enum=[1, 3, 7, 14],
                     description="Only mentors with a free time in the next N days"),
    OpenApiParameter("free_from", OpenApiTypes.DATE, description="Only mentors free on or after this day (in `tz`)"),
    OpenApiParameter("free_to", OpenApiTypes.DATE, description="Only mentors free on or before this day (in `tz`)"),
    OpenApiParameter("days", {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6}},
                     explode=True, description="Only free times on these weekdays (0 = Monday; repeat: days=3&days=4)"),
    OpenApiParameter("time_from", OpenApiTypes.TIME, description="Only free times from this time of day (in `tz`)"),
    OpenApiParameter("time_to", OpenApiTypes.TIME, description="Only free times until this time of day (in `tz`)"),
    OpenApiParameter("tz", OpenApiTypes.STR,
                     description="IANA zone of the days and times above (default: yours, else UTC)"),
]


class DirectoryPagination(Pagination):
    """The directory's pages, with "did you mean" when a search found nobody. A search's count is read
    with its page (accounts.directory); same links, same 404 for a bad page."""

    django_paginator_class = DirectoryPaginator
    did_you_mean: str | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["did_you_mean"] = self.did_you_mean
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["did_you_mean"] = {
            "type": "string", "nullable": True,
            "description": "When a search `q` found nobody: the same search with close known terms, else null"}
        return schema


@extend_schema(parameters=DIRECTORY_PARAMETERS, summary="Search the mentor directory")
class MentorListView(OneRoundTripThrottlesMixin, generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = MentorProfileSerializer
    pagination_class = DirectoryPagination
    filter_backends: list = []
    queryset = MentorProfile.objects.none()  # for the schema; get_queryset answers the requests

    def get_queryset(self):
        form = DirectoryFilterForm(self.request.query_params, viewer=self.request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {field: [e["message"] for e in errs] for field, errs in form.errors.get_json_data().items()})
        data = form.cleaned_data
        scores = directory_match_scores(viewer=self.request.user, sort=data.get("sort"))
        self.query = data.get("q") or ""
        return DirectoryRows(query=self.query, viewer=self.request.user, filters=MentorFilters.from_cleaned(
            data, match_scores=scores, zone=getattr(self.request, "tz_name", None) or "UTC"))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.query and not self.paginator.page.paginator.count:
            self.paginator.did_you_mean = search_suggestion(self.query)
        return None if page is None else mentor_cards(list(page))


@extend_schema(summary="One mentor (id = user id)")
class MentorDetailView(OneRoundTripThrottlesMixin, generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = MentorProfileSerializer
    queryset = MentorProfile.objects.none()

    def get_object(self):
        profile = mentor_by_id(mentor_id=self.kwargs["id"], viewer=self.request.user)
        if profile is None:
            raise exceptions.NotFound("No such mentor.")
        return profile


class TaxonomyQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=80, required=False, allow_blank=True)


class _TaxonomyListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []

    def get_queryset(self):
        params = TaxonomyQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        qs = self.model.objects.all()
        q = params.validated_data.get("q", "").strip()
        if q:
            qs = qs.filter(name__icontains=q) | qs.filter(synonyms__icontains=q)
        return qs.order_by("name")


_Q = [OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name or synonym")]


@extend_schema(parameters=_Q, summary="Skills taxonomy")
class SkillListView(_TaxonomyListView):
    model = Skill
    serializer_class = SkillSerializer


@extend_schema(parameters=_Q, summary="Industries taxonomy")
class IndustryListView(_TaxonomyListView):
    model = Industry
    serializer_class = IndustrySerializer


@extend_schema(summary="Languages people can speak (ISO 639-1)")
class LanguageListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = LanguageSerializer
    queryset = Language.objects.order_by("name")
    filter_backends: list = []
