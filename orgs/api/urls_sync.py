"""API endpoints for organisation sync (included by orgs.api.urls)."""

from django.urls import path

from orgs.api import sync_views

urlpatterns: list = [
    path("orgs/<slug:slug>/sync/", sync_views.OrgSyncView.as_view(), name="org-sync"),
]
