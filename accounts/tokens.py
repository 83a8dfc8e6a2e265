"""API tokens: issue, authenticate, list and revoke (services and selectors for `ApiToken`).

A token dies with the credentials it was issued under: its stamp is an HMAC of the owner's
password hash and email, so any password change (form, reset, admin) or email change ends every
token issued before it, without a signal to forget. Idle tokens end after API_TOKEN_IDLE_DAYS.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from functools import cache as once_per_process

from django.conf import settings
from django.db import connections, router
from django.db.models import QuerySet
from django.utils import timezone

from accounts.errors import AccountError
from accounts.models import ApiToken, User
from mentorship import prepared
from mentorship.rows import Columns, select_list
from mentorship.text import text_errors

# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def credential_stamp(user: User) -> str:
    material = f"{user.pk}:{user.password}:{user.email.lower()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), material, hashlib.sha256).hexdigest()


def _idle_limit() -> timedelta:
    return timedelta(days=settings.API_TOKEN_IDLE_DAYS)


def api_token_create(*, user: User, name: str = "", now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user` and its key, which is shown once and never stored."""
    if errors := text_errors(single_line={"name": (name or "").strip()}):
        raise AccountError("Please correct the name.", field_errors=errors)
    now = now or timezone.now()
    key = secrets.token_urlsafe(30)
    token = ApiToken.objects.create(user=user, name=name.strip()[:80], key_hash=_hash(key), prefix=key[:8],
                                    credential_stamp=credential_stamp(user), created_at=now, last_used_at=now)
    return token, key


def api_token_authenticate(*, key: str, now: datetime | None = None) -> User | None:
    """The live token's owner, or None (unknown, idle too long, or issued under old credentials;
    dead tokens are deleted so they stop appearing in the owner's list)."""
    now = now or timezone.now()
    token = _token_with_owner(key_hash=_hash(key))
    if token is None:
        return None
    user = token.user
    stale = token.last_used_at < now - _idle_limit()
    if stale or not user.is_active or not hmac.compare_digest(token.credential_stamp, credential_stamp(user)):
        token.delete()
        return None
    if now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


@once_per_process
def _token_sql(using: str) -> tuple[str, Columns, Columns]:
    qn = connections[using].ops.quote_name
    token_columns = select_list(ApiToken, "t", using)
    user_columns = select_list(User, "u", using)
    sql = (f"SELECT {token_columns.sql}, {user_columns.sql} FROM {qn(ApiToken._meta.db_table)} t "
           f"JOIN {qn(User._meta.db_table)} u ON u.{qn('id')} = t.{qn('user_id')} WHERE t.{qn('key_hash')} = %s")
    return sql, token_columns, user_columns


def _token_with_owner(*, key_hash: str) -> ApiToken | None:
    """The token with this hash and its owner (select_related's result): one query, written once
    per process (mentorship.rows), as every token-authenticated API request asks it."""
    using = router.db_for_read(ApiToken)
    sql, token_columns, user_columns = _token_sql(using)
    with connections[using].cursor() as cursor:
        prepared.execute(cursor, sql, [key_hash])
        row = cursor.fetchone()  # key_hash is unique
    if row is None:
        return None
    token = token_columns.instance(using, row)
    token.user = user_columns.instance(using, row, start=len(token_columns.attnames))
    return token


def api_tokens_of(*, user: User, now: datetime | None = None) -> QuerySet[ApiToken]:
    """The tokens `user` can still use, newest first (dead ones are left out, not shown as live)."""
    now = now or timezone.now()
    return ApiToken.objects.filter(user=user, credential_stamp=credential_stamp(user),
                                   last_used_at__gte=now - _idle_limit())


def api_token_expires_at(token: ApiToken) -> datetime:
    return token.last_used_at + _idle_limit()


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of `user`'s tokens; someone else's token is 'not found', never 'forbidden'."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise AccountError("No such token.", code="not_found")
