"""Requests no view should ever see."""

from __future__ import annotations

from urllib.parse import unquote

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.defaults import bad_request

from mentorship.errors import error_body


class RejectNulBytesMiddleware:
    """A NUL byte in the path (or an API query string) is a 400 before any view runs.

    No legitimate link carries one, and PostgreSQL refuses it in any string literal, so every view
    that looks a path segment up (`/calendar/%00.ics`) would otherwise answer 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            if request.path.startswith("/api/"):
                return JsonResponse(error_body("invalid", detail="NUL characters are not allowed in the path."),
                                    status=400)
            return bad_request(request, BadRequest("NUL byte in the path"))
        # Pages re-render their filter forms with an error for a NUL in the query; the API answers
        # with the parameter named.
        if not request.path.startswith("/api/") or "\x00" not in unquote(request.META.get("QUERY_STRING", "")):
            return self.get_response(request)
        message = "NUL characters are not allowed."
        fields = [key for key, values in request.GET.lists() if any("\x00" in key + value for value in values)]
        errors = {field.replace("\x00", ""): [message] for field in fields} or {"non_field_errors": [message]}
        return JsonResponse(error_body("invalid", errors=errors), status=400)


class StaffTwoFactorMiddleware:
    """With STAFF_REQUIRE_2FA, a staff member without an authenticator app is sent to set one up
    before any staff-only page (the admin, the development mailbox) answers them.

    A stolen staff password then gives no admin access on its own: allauth asks for the code at
    every sign-in once the authenticator exists.
    """

    STAFF_PREFIXES = ("/admin/", "/staff/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (settings.STAFF_REQUIRE_2FA and request.path.startswith(self.STAFF_PREFIXES)
                and request.user.is_authenticated and request.user.is_staff
                and not is_mfa_enabled(request.user, [Authenticator.Type.TOTP])):
            messages.warning(request, "Staff accounts need two-factor sign-in. Set up an authenticator app to continue.")
            return redirect("mfa_activate_totp")
        return self.get_response(request)
