"""Requests no view should ever see."""

from __future__ import annotations

from urllib.parse import unquote

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import bad_request


class RejectNulBytesMiddleware:
    """A NUL byte in the path (or an API query string) is a 400 before any view runs.

    No legitimate link carries one, and PostgreSQL refuses it in any string literal, so every view
    that looks a path segment up (`/calendar/%00.ics`) would otherwise answer 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return bad_request(request, BadRequest("NUL byte in the path"))
        # Pages re-render their filter forms with an error for a NUL in the query; the API answers
        # with the parameter named.
        if not request.path.startswith("/api/") or "\x00" not in unquote(request.META.get("QUERY_STRING", "")):
            return self.get_response(request)
        message = "NUL characters are not allowed."
        fields = [key for key, values in request.GET.lists() if any("\x00" in key + value for value in values)]
        errors = {field.replace("\x00", ""): [message] for field in fields} or {"non_field_errors": [message]}
        return JsonResponse({"detail": "Invalid input.", "code": "invalid", "errors": errors}, status=400)
