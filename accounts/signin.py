"""Password checks and their limits, for every way in (sign-in page, admin, API token endpoint).

Two counts, with different jobs:

- Per ACCOUNT (allauth's `ACCOUNT_RATE_LIMITS["login_failed"]`, keyed by email): 5 failures in 5
  minutes lock that account's password sign-in for the rest of the window, even for the right
  password, from any address. That is what stops guessing one person's password, and changing
  address (or forging X-Forwarded-For) buys no extra tries.
- Per ADDRESS (here): a short delay, never a lock-out. Many people share an address (an office or
  a campus behind one NAT, a mobile carrier), so a lock-out per address let one guesser shut all
  of them out with five wrong passwords, right password or not. Instead the first
  SIGNIN_ADDRESS_FREE_FAILURES failures within SIGNIN_ADDRESS_MEMORY_SECONDS cost nothing, and
  after that each attempt from the address must come SIGNIN_ADDRESS_DELAY_SECONDS after the
  address's last failure. A colleague signing into their own account waits those few seconds at
  most; someone spraying one password over many accounts from one address gets one guess per
  delay (360 an hour at 10 s) instead of as many as the server answers.

The address is the one `TRUSTED_PROXY_COUNT` names (allauth's `get_client_ip`). An attempt is
counted before the password is checked (so parallel requests cannot all slip through one gap) and
given back when the password was right or the account was locked (no password was tried then): a
person signing in successfully never slows the others down.

Known limit: the delay is per address, so a guesser who keeps hammering from the SAME address as
you can make you try again once or twice before your attempt lands in a free moment; your account
itself is never locked by failures on other accounts.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

from allauth import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.errors import AccountError
from accounts.models import User

ADDRESS_DELAY_MESSAGE = "Too many failed sign-ins from your network. Wait a few seconds and try again."
_LOCK_WAIT_SECONDS = 1.0


def _address_key(client_ip: str) -> str:
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return f"signin:address:{client_ip}"
    if isinstance(address, ipaddress.IPv6Address):
        # One IPv6 subscriber owns a whole /64: counting single addresses would count nothing.
        network = ipaddress.IPv6Network(f"{address}/{allauth_settings.RATE_LIMIT_IPV6_PREFIX}", strict=False)
        return f"signin:address:{network.network_address}"
    return f"signin:address:{address}"


class _Locked:
    """A short lock on one address's history (cache.add is atomic on Redis and on the database
    fallback), so two parallel attempts cannot both read "free" and both go through."""

    def __init__(self, key: str) -> None:
        self.key = f"{key}:lock"

    def __enter__(self) -> bool:
        deadline = time.monotonic() + _LOCK_WAIT_SECONDS
        while not cache.add(self.key, 1, timeout=5):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        self.held = True
        return True

    def __exit__(self, *exc) -> None:
        if getattr(self, "held", False):
            cache.delete(self.key)


@dataclass
class AddressAttempt:
    key: str
    at: float

    def give_back(self) -> None:
        """The password was right, or not tried at all: this attempt does not count."""
        with _Locked(self.key) as locked:
            if locked:
                history = [t for t in cache.get(self.key, []) if t != self.at]
                cache.set(self.key, history, settings.SIGNIN_ADDRESS_MEMORY_SECONDS)


def address_attempt_begin(*, client_ip: str) -> AddressAttempt:
    """Count one password attempt from this address, or ValidationError while its delay runs."""
    key = _address_key(client_ip)
    free, delay = settings.SIGNIN_ADDRESS_FREE_FAILURES, settings.SIGNIN_ADDRESS_DELAY_SECONDS
    with _Locked(key) as locked:
        if not locked:  # fail closed, as allauth does: a guesser must not win by overloading the cache
            raise ValidationError(ADDRESS_DELAY_MESSAGE, code="too_many_login_attempts")
        now = time.time()
        # Newest first; only the last `free` failures matter, so the list stays that short.
        history = [t for t in cache.get(key, []) if t > now - settings.SIGNIN_ADDRESS_MEMORY_SECONDS]
        if len(history) >= free and now - history[0] < delay:
            raise ValidationError(ADDRESS_DELAY_MESSAGE, code="too_many_login_attempts")
        cache.set(key, [now, *history][:max(free, 1)], settings.SIGNIN_ADDRESS_MEMORY_SECONDS)
    return AddressAttempt(key=key, at=now)


def password_check(request: HttpRequest, *, email: str, password: str) -> User:
    """The user with this email and password, or AccountError: 400 for a wrong pair, 429 while the
    account is locked or the address must wait (then even the right password waits, or a guesser
    could keep going until the right one answers differently).

    The adapter (accounts.adapters) does the counting, so the sign-in page and this share the
    counts. A success does not wipe earlier failures (it only gives back its own try), or a
    guesser who also knows one good password could interleave it to keep guessing forever."""
    try:
        user = get_adapter(request).authenticate(request, email=email.strip(), password=password)
    except ValidationError as exc:  # allauth's "too_many_login_attempts", or the address delay
        raise AccountError(exc.messages[0], code="too_many_attempts")
    if user is None:
        raise AccountError("Wrong email or password.", code="wrong_credentials",
                           field_errors={"non_field_errors": ["Wrong email or password."]})
    return user
