"""Password checks outside allauth's own forms (the API token endpoint), under the same limits.

allauth counts failed sign-ins per client address and per account (`ACCOUNT_RATE_LIMITS
["login_failed"]`, the address taken from `TRUSTED_PROXY_COUNT`). Every other way in asks this
module, so a guesser gets the same five tries whether they use the sign-in page, the API or both,
and changing the address (or forging X-Forwarded-For) does not buy an account more tries.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.errors import AccountError
from accounts.models import User


def password_check(request: HttpRequest, *, email: str, password: str) -> User:
    """The user with this email and password, or AccountError: 400 for a wrong pair, 429 once the
    address or the account has used up its failed attempts (then even the right password waits,
    or a guesser could keep going until the right one answers differently).

    allauth's adapter does the counting, so the sign-in page and this share one counter. A success
    does not wipe earlier failures (it only gives back its own try), or a guesser who also knows
    one good password could interleave it to keep guessing forever."""
    try:
        user = get_adapter(request).authenticate(request, email=email.strip(), password=password)
    except ValidationError:  # allauth's "too_many_login_attempts"
        raise AccountError("Too many failed sign-in attempts. Wait a few minutes and try again.",
                           code="too_many_attempts")
    if user is None:
        raise AccountError("Wrong email or password.", code="wrong_credentials",
                           field_errors={"non_field_errors": ["Wrong email or password."]})
    return user
