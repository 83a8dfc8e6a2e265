"""Activate the signed-in user's time zone (or ?tz= / the tz cookie for visitors) per request."""

from __future__ import annotations

from urllib.parse import unquote

from django.utils import timezone

from accounts.timezones import cached_zone, canonical_timezone, is_valid_timezone


class UserTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tz_name = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            tz_name = user.timezone
        else:
            # unquote: browsers that ran an older script stored the name URL-encoded.
            cookie = unquote(request.COOKIES.get("tz", ""))
            if is_valid_timezone(cookie):
                # Browsers may report an alias (Chrome: Asia/Calcutta); pages name the canonical
                # zone, as the zone lists and the stored profiles do.
                tz_name = canonical_timezone(cookie)
        request.tz_name = tz_name or "UTC"
        timezone.activate(cached_zone(request.tz_name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def activate_user_timezone(request, user) -> None:
    """Switch a request to an authenticated user's zone (for authentication that runs after the
    middleware, such as API tokens). The middleware deactivates it when the response is done."""
    if is_valid_timezone(user.timezone):
        request.tz_name = user.timezone
        timezone.activate(cached_zone(user.timezone))
