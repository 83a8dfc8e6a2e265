"""Staff sign in to the Django admin through allauth's sign-in page, never through the admin's own
form: that form has no failure limit at all, while allauth's counts failures per address and per
account (and is where two-factor authentication lives)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def admin_login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        # A signed-in non-staff user sent here by the admin would bounce between the two sign-in
        # pages; the admin does not exist for them.
        if not request.user.is_staff:
            raise Http404
        return redirect("admin:index")
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), login_url=reverse("account_login"))
