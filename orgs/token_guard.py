"""A limit on guessing join links (invitation tokens and invite-link tokens).

Tokens carry 192 or 256 random bits, so guessing one is hopeless; the limit keeps a scanner from
even trying at speed. Each wrong token counts against the client's address (the address
TRUSTED_PROXY_COUNT names, as for sign-in limits) in a window; past the limit every token from
that address, right or wrong, is answered 429 until the window ends, so a scanner cannot tell a
hit from a miss. A wrong token is otherwise a plain 404 that says nothing about what exists.
"""

from __future__ import annotations

import logging

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest

from mentorship.cache import incr_windows

logger = logging.getLogger(__name__)

WRONG_TOKENS_ALLOWED = 20
WINDOW_SECONDS = 15 * 60


def _key(request: HttpRequest) -> str:
    try:
        address = get_adapter(request).get_client_ip(request)
    except Exception:  # noqa: BLE001 - no usable address: count them all together
        address = "unknown"
    return f"orgs:wrong-token:{address}"


def too_many_wrong_tokens(request: HttpRequest) -> bool:
    try:
        return (cache.get(_key(request)) or 0) >= WRONG_TOKENS_ALLOWED
    except Exception:  # noqa: BLE001 - a limit must never turn a page into a 500
        logger.warning("join-token limit skipped: cache unavailable", exc_info=True)
        return False


def wrong_token(request: HttpRequest) -> None:
    try:
        incr_windows(cache, [(_key(request), WINDOW_SECONDS)])
    except Exception:  # noqa: BLE001
        logger.warning("join-token limit not counted: cache unavailable", exc_info=True)
