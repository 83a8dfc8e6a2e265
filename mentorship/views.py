from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.crypto import constant_time_compare
from django.views import defaults
from django.views.decorators.cache import never_cache

from accounts.selectors import directory_summary, featured_mentors
from mentorship.celery import app
from mentorship.errors import error_body


def favicon(request):
    # Resolved per request, not at import: the manifest storage only knows the hashed name once
    # collectstatic has run, and URL modules are imported by checks that run before it.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def home(request):
    viewer = request.user
    return render(request, "home.html", {"mentors": featured_mentors(viewer=viewer, limit=6),
                                         "summary": directory_summary(viewer=viewer)})


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # the point is to report any failure, not to raise it
        return False, f"{type(exc).__name__}: {exc}"


def _check_broker() -> tuple[bool, str]:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def _check_pages() -> tuple[bool, str]:
    """Render a page the way visitors get one: a missing static manifest (or any template error)
    fails every HTML page while the database and broker look fine."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    try:
        render_to_string("home.html", {"mentors": []}, request=request)
        return True, "ok"
    except Exception as exc:  # the point is to report any failure, not to raise it
        return False, f"{type(exc).__name__}: {exc}"


def _may_see_details(request) -> bool:
    # Error details name hosts, ports and databases: staff, or a monitor holding the token, only.
    token = settings.HEALTHZ_TOKEN
    if token and constant_time_compare(request.headers.get("X-Healthz-Token", ""), token):
        return True
    return bool(getattr(request, "user", None) and request.user.is_staff)


@never_cache
def healthz(request):
    checks = {"database": _check_database(), "broker": _check_broker(), "pages": _check_pages()}
    ok = all(passed for passed, _ in checks.values())
    details = _may_see_details(request)
    body: dict = {"status": "ok" if ok else "degraded"}
    for name, (passed, info) in checks.items():
        body[name] = {"ok": passed, "detail": info} if details else {"ok": passed}
    if details:
        body["debug"] = settings.DEBUG
    return JsonResponse(body, status=200 if ok else 503)


def page_not_found(request, exception):
    """An address no route matches: the API answers in its own error shape (JSON), pages with the
    site's 404 page. A client that sends `/api/v1/bookings/abc/` reads the same body as for a
    booking that does not exist."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found"), status=404)
    return defaults.page_not_found(request, exception)
