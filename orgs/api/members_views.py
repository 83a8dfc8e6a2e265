"""Organisations API for members and admins: thin adapters to orgs.selectors_members and
orgs.services.members.

Loading is one rule (_organisation): anyone who may not see the organisation gets 404; a member
who is not an admin gets 403 on what only admins do. Refusals come from the services with
registered codes (mentorship.errors).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.parsers import BoundedJSONParser
from orgs.api import members_serializers as s
from orgs.mail import invitation_send
from orgs.models import Department, Invitation, Level, Membership, Organisation, OrganisationDomain
from orgs.selectors import membership_get, organisation_for_admin
from orgs.selectors_members import (
    departments_of,
    domains_of,
    invitations_of,
    levels_of,
    members_list,
    membership_of,
    my_memberships,
    nav_organisations_forget,
)
from orgs.services import members as services


def _organisation(request, slug: str, *, admin: bool) -> tuple[Organisation, bool]:
    organisation, is_admin = organisation_for_admin(slug=slug, user=request.user)
    if organisation is None:
        raise exceptions.NotFound("No such organisation.")
    if admin and not is_admin:
        raise exceptions.PermissionDenied("Only the organisation's admins can do that.")
    return organisation, is_admin


def _invite_url(request, organisation: Organisation) -> str | None:
    if not organisation.invite_token:
        return None
    return request.build_absolute_uri(f"/join/{organisation.invite_token}/")


class MyOrganisationsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.OrgMineSerializer(many=True),
                   summary="The organisations you are an active member of, with your role and HR details")
    def get(self, request):
        rows = [{"organisation": m.organisation, **_membership_fields(m)} for m in my_memberships(user=request.user)]
        return Response(s.OrgMineSerializer(rows, many=True, context={"request": request}).data)


def _membership_fields(m: Membership) -> dict:
    return {"role": m.role, "department": m.department, "level": m.level, "title": m.title}


class OrganisationView(APIView):
    """GET: an organisation you belong to (staff: any), with its departments and levels.
    PATCH (admins): name, time zone, join policy, logo."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    error_statuses = {"PATCH": {403}}

    def _body(self, request, organisation: Organisation, is_admin: bool) -> dict:
        membership = membership_get(user=request.user, organisation=organisation)
        organisation.membership = _membership_fields(membership) if membership and membership.is_active else None
        organisation.is_admin = is_admin
        organisation.invite_url = _invite_url(request, organisation) if is_admin else None
        organisation.department_list = list(departments_of(organisation=organisation))
        organisation.level_list = list(levels_of(organisation=organisation))
        return s.OrganisationDetailSerializer(organisation, context={"request": request}).data

    @extend_schema(responses=s.OrganisationDetailSerializer, summary="One of your organisations")
    def get(self, request, slug: str):
        organisation, is_admin = _organisation(request, slug, admin=False)
        return Response(self._body(request, organisation, is_admin))

    @extend_schema(request=s.OrganisationWriteSerializer, responses=s.OrganisationDetailSerializer,
                   summary="Change the organisation's settings (admins)")
    def patch(self, request, slug: str):
        organisation, is_admin = _organisation(request, slug, admin=True)
        data = s.OrganisationWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.organisation_update(organisation=organisation, **data.validated_data)
        return Response(self._body(request, organisation, is_admin))


class InviteLinkView(APIView):
    """POST (admins): a new invite link (the old one stops working). DELETE: switch it off."""

    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {403}

    @extend_schema(request=None, responses=s.OrgInviteLinkSerializer)
    def post(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=True)
        services.invite_link_rotate(organisation=organisation)
        return Response({"invite_url": _invite_url(request, organisation)})

    @extend_schema(responses={204: None})
    def delete(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=True)
        services.invite_link_disable(organisation=organisation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DomainsView(APIView):
    """GET (admins): the organisation's email domains. POST: add one (staff verify it)."""

    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {"GET": {403}, "POST": {403, 409}}

    @extend_schema(responses=s.OrgDomainSerializer(many=True))
    def get(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=True)
        return Response(s.OrgDomainSerializer(domains_of(organisation=organisation), many=True).data)

    @extend_schema(request=s.OrgDomainWriteSerializer, responses={201: s.OrgDomainSerializer})
    def post(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=True)
        data = s.OrgDomainWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        domain = services.domain_add(organisation=organisation, domain=data.validated_data["domain"])
        return Response(s.OrgDomainSerializer(domain).data, status=status.HTTP_201_CREATED)


class DomainDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {403}

    @extend_schema(responses={204: None}, summary="Remove a domain (admins); its members stay")
    def delete(self, request, slug: str, domain_id: int):
        organisation, _ = _organisation(request, slug, admin=True)
        services.domain_remove(domain=get_object_or_404(OrganisationDomain, organisation=organisation, pk=domain_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DomainVerifyView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {403}

    @extend_schema(request=None, responses=s.OrgDomainSerializer, summary="Verify a domain (staff only)")
    def post(self, request, slug: str, domain_id: int):
        organisation, _ = _organisation(request, slug, admin=True)
        domain = get_object_or_404(OrganisationDomain, organisation=organisation, pk=domain_id)
        return Response(s.OrgDomainSerializer(services.domain_verify(domain=domain, actor=request.user)).data)


class DepartmentsView(APIView):
    """GET (members): the departments with active member counts. POST (admins): add one."""

    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {"POST": {403, 409}}

    @extend_schema(responses=s.OrgDepartmentSerializer(many=True))
    def get(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=False)
        return Response(s.OrgDepartmentSerializer(departments_of(organisation=organisation), many=True).data)

    @extend_schema(request=s.OrgDepartmentWriteSerializer, responses={201: s.OrgDepartmentSerializer})
    def post(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=True)
        data = s.OrgDepartmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        department = services.department_create(organisation=organisation, name=data.validated_data["name"])
        return Response(s.OrgDepartmentSerializer(department).data, status=status.HTTP_201_CREATED)


class DepartmentDetailView(APIView):
    """PATCH (admins): rename. DELETE: delete one nobody uses (409 `in_use` otherwise)."""

    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {403, 409}

    def _department(self, request, slug: str, department_id: int) -> Department:
        organisation, _ = _organisation(request, slug, admin=True)
        return get_object_or_404(Department, organisation=organisation, pk=department_id)

    @extend_schema(request=s.OrgDepartmentWriteSerializer, responses=s.OrgDepartmentSerializer)
    def patch(self, request, slug: str, department_id: int):
        department = self._department(request, slug, department_id)
        data = s.OrgDepartmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(s.OrgDepartmentSerializer(
            services.department_rename(department=department, name=data.validated_data["name"])).data)

    @extend_schema(responses={204: None})
    def delete(self, request, slug: str, department_id: int):
        services.department_delete(department=self._department(request, slug, department_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LevelsView(APIView):
    """GET (members): the ladder, most junior first. POST (admins): add a level at the top."""

    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {"POST": {403, 409}}

    @extend_schema(responses=s.OrgLevelSerializer(many=True))
    def get(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=False)
        return Response(s.OrgLevelSerializer(levels_of(organisation=organisation), many=True).data)

    @extend_schema(request=s.OrgLevelWriteSerializer, responses={201: s.OrgLevelSerializer})
    def post(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=True)
        data = s.OrgLevelWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        level = services.level_create(organisation=organisation, **data.validated_data)
        return Response(s.OrgLevelSerializer(level).data, status=status.HTTP_201_CREATED)


class LevelOrderView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {403}

    @extend_schema(request=s.OrgLevelOrderSerializer, responses=s.OrgLevelSerializer(many=True),
                   summary="Reorder the ladder (admins): every level id, most junior first")
    def put(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=True)
        data = s.OrgLevelOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.levels_reorder(organisation=organisation, level_ids=data.validated_data["levels"])
        return Response(s.OrgLevelSerializer(levels_of(organisation=organisation), many=True).data)


class LevelDetailView(APIView):
    """PATCH (admins): change code or name. DELETE: delete one nobody uses (409 `in_use`)."""

    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {403, 409}

    def _level(self, request, slug: str, level_id: int) -> Level:
        organisation, _ = _organisation(request, slug, admin=True)
        return get_object_or_404(Level, organisation=organisation, pk=level_id)

    @extend_schema(request=s.OrgLevelUpdateSerializer, responses=s.OrgLevelSerializer)
    def patch(self, request, slug: str, level_id: int):
        level = self._level(request, slug, level_id)
        data = s.OrgLevelUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(s.OrgLevelSerializer(services.level_update(level=level, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, slug: str, level_id: int):
        services.level_delete(level=self._level(request, slug, level_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


MEMBER_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name, email or job title; or an employee id"),
    OpenApiParameter("department", OpenApiTypes.INT, description="A department id"),
    OpenApiParameter("level", OpenApiTypes.INT, description="A level id"),
    OpenApiParameter("active", OpenApiTypes.STR, enum=["yes", "no", "all"], description="Default: yes"),
]


@extend_schema(parameters=MEMBER_FILTERS, summary="The organisation's members (admins)")
class MembersView(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.OrgMemberSerializer
    filter_backends: list = []
    error_statuses = {403}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        organisation, _ = _organisation(self.request, self.kwargs["slug"], admin=True)
        params = self.request.query_params
        errors: dict[str, list[str]] = {}
        filters: dict = {"query": params.get("q", "")[:120], "active": True}
        for name, model in (("department", Department), ("level", Level)):
            raw = params.get(name)
            if raw:
                found = model.objects.filter(organisation=organisation, pk=int(raw)).first() if raw.isdigit() \
                    and len(raw) < 19 else None
                if found is None:
                    errors[name] = [f"Unknown {name} of this organisation."]
                filters[name] = found
        active = params.get("active", "yes")
        if active not in ("yes", "no", "all"):
            errors["active"] = ["Use active=yes, no or all."]
        else:
            filters["active"] = {"yes": True, "no": False, "all": None}[active]
        if errors:
            raise exceptions.ValidationError(errors)
        return members_list(organisation=organisation, **filters)


class MemberView(APIView):
    """GET (admins): one member. PATCH: role, department, level or job title (409 `last_admin`)."""

    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {403, 409}

    def _membership(self, request, slug: str, membership_id: int) -> tuple[Organisation, Membership]:
        organisation, _ = _organisation(request, slug, admin=True)
        membership = membership_of(organisation=organisation, membership_id=membership_id)
        if membership is None:
            raise exceptions.NotFound("No such member.")
        return organisation, membership

    @extend_schema(responses=s.OrgMemberSerializer)
    def get(self, request, slug: str, membership_id: int):
        return Response(s.OrgMemberSerializer(self._membership(request, slug, membership_id)[1]).data)

    @extend_schema(request=s.OrgMemberWriteSerializer, responses=s.OrgMemberSerializer)
    def patch(self, request, slug: str, membership_id: int):
        organisation, membership = self._membership(request, slug, membership_id)
        data = s.OrgMemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        errors = {}
        for name, model in (("department", Department), ("level", Level)):
            if changes.get(name) is not None:
                changes[name] = model.objects.filter(organisation=organisation, pk=changes[name]).first()
                if changes[name] is None:
                    errors[name] = [f"Unknown {name} of this organisation."]
        if errors:
            raise exceptions.ValidationError(errors)
        services.membership_update(membership=membership, **changes)
        nav_organisations_forget(user_ids=[membership.user_id])
        return Response(s.OrgMemberSerializer(membership_of(organisation=organisation, membership_id=membership.pk)).data)


class InvitationsView(generics.ListAPIView):
    """GET (admins): invitations, newest first. POST: invite an address (the mail goes out)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.OrgInvitationSerializer
    filter_backends: list = []
    error_statuses = {403, 409}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        organisation, _ = _organisation(self.request, self.kwargs["slug"], admin=True)
        return invitations_of(organisation=organisation)

    @extend_schema(request=s.OrgInvitationWriteSerializer, responses={201: s.OrgInvitationSerializer})
    def post(self, request, slug: str):
        organisation, _ = _organisation(request, slug, admin=True)
        data = s.OrgInvitationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = invitation_send(organisation=organisation, invited_by=request.user, **data.validated_data)
        return Response(s.OrgInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationRevokeView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    error_statuses = {403, 409}

    @extend_schema(request=None, responses=s.OrgInvitationSerializer, summary="Withdraw an invitation (admins)")
    def post(self, request, slug: str, invitation_id: int):
        organisation, _ = _organisation(request, slug, admin=True)
        invitation = get_object_or_404(Invitation, organisation=organisation, pk=invitation_id)
        return Response(s.OrgInvitationSerializer(services.invitation_revoke(invitation=invitation)).data)
