"""API endpoints for organisation members (included by orgs.api.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
