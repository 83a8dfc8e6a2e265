"""Program endpoints under /api/v1/orgs/<slug>/programs/: parse, load with the visibility check
(anyone outside the organisation, and members asking for a draft, get 404), call the service.
OrgErrors map to their registered status in mentorship.api."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from matching.programs import program_recommendations
from mentorship.api import Pagination
from orgs.api import programs_serializers as s
from orgs.errors import OrgError
from orgs.models import Organisation, Program
from orgs.selectors import organisation_for_admin
from orgs.selectors_programs import (
    member_by_email,
    memberships_by_user,
    my_programs,
    program_eligibility_for,
    program_enrollments,
    program_for_viewer,
    program_mentors,
    program_visible_get,
    programs_visible,
)
from orgs.services import programs as services
from orgs.services.programs import ProgramData

RECOMMENDATIONS_LIMIT = 20


def _org(request, slug: str) -> tuple[Organisation, bool]:
    org, admin = organisation_for_admin(slug=slug, user=request.user)
    if org is None:
        raise NotFound("No such organisation.")
    return org, admin


def load_program(request, slug: str, program: str) -> tuple[Organisation, Program, bool]:
    """The program of a URL for this user, with its organisation and whether they manage it; 404 otherwise."""
    found = program_for_viewer(org_slug=slug, program_slug=program, user=request.user)
    if found is None:
        raise NotFound("No such program.")
    return found


def _admin_only(admin: bool) -> None:
    if not admin:
        raise OrgError("Only the organisation's admins can manage its programs.", code="not_program_admin")


def _detail(request, org: Organisation, program: Program) -> dict:
    eligibility = program_eligibility_for(program=program, user=request.user)
    mentors = list(program_mentors(program=program))
    members = memberships_by_user(organisation_id=org.pk, user_ids=[e.user_id for e in mentors])
    program.eligibility_list = [
        {"side": e.side, "status": e.status, "can_join": e.can_join, "can_leave": e.can_leave, "reason": e.reason}
        for e in eligibility.values()]
    program.mentor_list = [
        {"id": e.user_id, "name": e.user.display_name,
         "department": str(members[e.user_id].department) if members[e.user_id].department else None,
         "level": str(members[e.user_id].level) if members[e.user_id].level else None}
        for e in mentors if e.user_id in members]
    sides = [side for side, e in eligibility.items() if e.joined]
    return s.OrgProgramDetailSerializer(program, context={"my_programs": {program.pk: sides}}).data


class ProgramListCreate(APIView):
    """The organisation's programs the caller may see (admins: drafts too); admins create drafts."""

    permission_classes = [IsAuthenticated]
    error_statuses = {"POST": {403}}

    @extend_schema(responses=s.OrgProgramSerializer(many=True))
    def get(self, request, slug: str):
        org, admin = _org(request, slug)
        programs = programs_visible(organisation=org, user=request.user, admin=admin).prefetch_related(
            "mentee_departments", "mentee_levels", "mentor_departments", "mentor_levels")
        context = {"my_programs": my_programs(user=request.user, organisation=org)}
        return Response(s.OrgProgramSerializer(programs, many=True, context=context).data)

    @extend_schema(request=s.ProgramInputSerializer, responses={201: s.OrgProgramDetailSerializer})
    def post(self, request, slug: str):
        org, admin = _org(request, slug)
        _admin_only(admin)
        data = s.ProgramInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = services.program_create(organisation=org, actor=request.user,
                                          data=ProgramData().with_changes(**data.changes()))
        program = program_visible_get(organisation=org, slug=program.slug, user=request.user, admin=True)
        return Response(_detail(request, org, program), status=status.HTTP_201_CREATED)


class ProgramDetail(APIView):
    """One program: settings, rules in words, whether the caller may join each side (and why not),
    its mentors. Admins edit it with PATCH (any subset of the fields)."""

    permission_classes = [IsAuthenticated]
    error_statuses = {"PATCH": {403}}

    @extend_schema(responses=s.OrgProgramDetailSerializer)
    def get(self, request, slug: str, program: str):
        org, prog, _ = load_program(request, slug, program)
        return Response(_detail(request, org, prog))

    @extend_schema(request=s.ProgramInputSerializer(partial=True), responses=s.OrgProgramDetailSerializer)
    def patch(self, request, slug: str, program: str):
        org, prog, admin = load_program(request, slug, program)
        _admin_only(admin)
        data = s.ProgramInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.program_update(program=prog, actor=request.user,
                                data=ProgramData.of(prog).with_changes(**data.changes()))
        prog = program_visible_get(organisation=org, slug=prog.slug, user=request.user, admin=True)
        return Response(_detail(request, org, prog))


class _ProgramAction(APIView):
    permission_classes = [IsAuthenticated]
    error_statuses = {403, 409}
    side_input = False

    def act(self, request, program: Program, side: str | None):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, slug: str, program: str):
        org, prog, admin = load_program(request, slug, program)
        side = None
        if self.side_input:
            data = s.ProgramSideSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            side = data.validated_data["side"]
        self.act(request, prog, side)
        prog = program_visible_get(organisation=org, slug=prog.slug, user=request.user, admin=admin)
        return Response(_detail(request, org, prog))


class ProgramOpen(_ProgramAction):
    @extend_schema(request=None, responses=s.OrgProgramDetailSerializer)
    def post(self, request, slug: str, program: str):
        return super().post(request, slug, program)

    def act(self, request, program, side):
        services.program_open(program=program, actor=request.user)


class ProgramClose(_ProgramAction):
    @extend_schema(request=None, responses=s.OrgProgramDetailSerializer)
    def post(self, request, slug: str, program: str):
        return super().post(request, slug, program)

    def act(self, request, program, side):
        services.program_close(program=program, actor=request.user)


class ProgramJoin(_ProgramAction):
    side_input = True

    @extend_schema(request=s.ProgramSideSerializer, responses=s.OrgProgramDetailSerializer)
    def post(self, request, slug: str, program: str):
        return super().post(request, slug, program)

    def act(self, request, program, side):
        services.enrollment_join(program=program, user=request.user, side=side)


class ProgramLeave(_ProgramAction):
    side_input = True

    @extend_schema(request=s.ProgramSideSerializer, responses=s.OrgProgramDetailSerializer)
    def post(self, request, slug: str, program: str):
        return super().post(request, slug, program)

    def act(self, request, program, side):
        services.enrollment_leave(program=program, user=request.user, side=side)


class ProgramRecommendations(APIView):
    """The program's mentors for the caller, a joined mentee, under the program's rules, best first."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403}

    @extend_schema(responses=s.ProgramRecommendationListSerializer)
    def get(self, request, slug: str, program: str):
        _, prog, _ = load_program(request, slug, program)
        if not program_eligibility_for(program=prog, user=request.user)["mentee"].joined:
            raise OrgError("Join the program as a mentee to get recommendations.", code="not_in_program")
        matches = program_recommendations(program=prog, mentee=request.user, limit=RECOMMENDATIONS_LIMIT)
        results = [{"mentor": m.mentor, "department": str(m.department) if m.department else None,
                    "level": str(m.level) if m.level else None, "score": m.score, "rank": m.rank,
                    "reasons": m.reasons} for m in matches]
        return Response(s.ProgramRecommendationListSerializer({"count": len(results), "results": results}).data)


class ProgramEnrollments(APIView):
    """Admins: everyone taking part or invited (paginated); POST enrols or invites a member by email."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 409}
    pagination_class = Pagination

    @extend_schema(responses=s.ProgramEnrollmentSerializer(many=True))
    def get(self, request, slug: str, program: str):
        _, prog, admin = load_program(request, slug, program)
        _admin_only(admin)
        paginator = Pagination()
        page = paginator.paginate_queryset(program_enrollments(program=prog), request, view=self)
        return paginator.get_paginated_response(s.ProgramEnrollmentSerializer(page, many=True).data)

    @extend_schema(request=s.ProgramEnrollmentInputSerializer, responses={201: s.ProgramEnrollmentSerializer})
    def post(self, request, slug: str, program: str):
        org, prog, admin = load_program(request, slug, program)
        _admin_only(admin)
        data = s.ProgramEnrollmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person = member_by_email(organisation=org, email=values["email"])
        if person is None:
            raise OrgError("No active member of this organisation has that address.", code="invalid",
                           field_errors={"email": ["Not an active member of this organisation."]})
        enrollment = services.enrollment_add(program=prog, actor=request.user, user=person, side=values["side"],
                                             invite=values["invite"])
        return Response(s.ProgramEnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)
