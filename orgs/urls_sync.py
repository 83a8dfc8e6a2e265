"""Pages for organisation sync (included by orgs.urls)."""

from django.urls import path

from orgs import views_sync

urlpatterns: list = [
    path("orgs/<slug:slug>/admin/sync/", views_sync.sync_page, name="sync"),
    path("orgs/<slug:slug>/admin/sync/apply/", views_sync.sync_apply, name="sync_apply"),
]
