"""Pages for organisation members (included by orgs.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
