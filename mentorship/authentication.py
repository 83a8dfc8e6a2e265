"""API authentication. Kept apart from mentorship.api, which imports DRF's views: DRF loads
authentication classes while importing its views, so they must not import them back."""

from __future__ import annotations

from rest_framework import authentication

from accounts.middleware import activate_user_timezone


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF token auth that also switches the request to the user's time zone.

    The time zone middleware runs before DRF authenticates, so for a token client it only sees
    an anonymous user and picks UTC; every time in the response would then be in the wrong zone.
    It comes first in DEFAULT_AUTHENTICATION_CLASSES: DRF takes the WWW-Authenticate challenge
    from the first class, so anonymous calls get 401 rather than 403.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            activate_user_timezone(request._request, result[0])
        return result
