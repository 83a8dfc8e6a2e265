"""API authentication. Kept apart from mentorship.api, which imports DRF's views: DRF loads
authentication classes while importing its views, so they must not import them back."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from accounts.middleware import activate_user_timezone
from accounts.tokens import api_token_authenticate


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` against accounts.ApiToken (hashed, expiring, revocable), and the
    request switched to the user's time zone.

    The time zone middleware runs before DRF authenticates, so for a token client it only sees
    an anonymous user and picks UTC; every time in the response would then be in the wrong zone.
    It comes first in DEFAULT_AUTHENTICATION_CLASSES: DRF takes the WWW-Authenticate challenge
    from the first class, so anonymous calls get 401 rather than 403.
    """

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Token <key>'.")
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.")
        user = api_token_authenticate(key=key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token. Sign in again for a new one.")
        activate_user_timezone(request._request, user)
        return user, None

    def authenticate_header(self, request):
        return self.keyword
