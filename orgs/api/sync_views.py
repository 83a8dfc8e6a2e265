"""POST /api/v1/orgs/<slug>/sync/: the directory sync for organisation admins and staff (404 for
anyone else). The same plan as the page and the command; with dry_run it writes nothing."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from orgs.api import sync_serializers as s
from orgs.errors import OrgError
from orgs.selectors import organisation_managed_get
from orgs.sync import directory_sync


class OrgSyncView(APIView):
    """POST a CSV or JSON export (multipart `file`). 200 with the plan (dry_run) or with what was
    applied; 400 `sync_invalid` with every problem in `problems` (line, field, message) and nothing
    written."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    error_statuses = {404, 409}  # not an admin of this organisation; a concurrent sync changed the plan

    @extend_schema(request={"multipart/form-data": s.OrgSyncInput}, responses=s.OrgSyncResult)
    def post(self, request, slug: str):
        organisation = organisation_managed_get(slug=slug, user=request.user)
        if organisation is None:
            raise NotFound("Organisation not found.")
        data = s.OrgSyncInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        plan = directory_sync(organisation=organisation, content=upload.read(), fmt=data.validated_data.get("format"),
                              filename=upload.name, deactivate_missing=data.validated_data["deactivate_missing"],
                              dry_run=data.validated_data["dry_run"], actor=request.user)
        if plan.problems:
            raise OrgError(
                plan.summary(), code="sync_invalid", field_errors={"file": [str(p) for p in plan.problems]},
                extra={"problems": [{"where": p.where, "field": p.field, "message": p.message} for p in plan.problems]})
        return Response(s.OrgSyncResult(plan).data)
