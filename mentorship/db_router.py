"""Read replicas: the directory and slot reads may go to a replica, everything else stays on the primary.

Installed only when DATABASE_REPLICA_URL is set (settings.READ_REPLICA names the alias). A read
goes to the replica when all of these hold:
- it is replica-safe: made while a GET/HEAD of a page listed in settings.REPLICA_READ_VIEWS is
  being answered, or from a queryset marked with `replica_safe()` (for a selector that knows a
  few seconds of lag are harmless);
- its model is in settings.REPLICA_READ_MODELS (profiles, taxonomy, availability, bookings), so
  the session, the signed-in user and API tokens are always read where they were written;
- no transaction is open on the primary (a read next to locks and writes must see them);
- this request has written nothing (outside requests, in tasks and commands, only reads marked
  with `replica_safe()` are candidates), and the browser has not written in the last
  REPLICA_PIN_SECONDS (a cookie set after every POST/PUT/PATCH/DELETE): people see their own
  changes even though the replica lags behind.
Writes always go to the primary, also for rows that were read from the replica.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

PIN_COOKIE = "pin_primary"
REPLICA_SAFE = "replica_safe"  # the queryset hint `replica_safe()` sets

# Per request: {"replica_ok": bool, "wrote": bool}; None outside requests (tasks, commands), where
# only reads marked with replica_safe() may use the replica.
_request: ContextVar[dict | None] = ContextVar("replica_request", default=None)


def replica_safe(queryset: QuerySet) -> QuerySet:
    """Mark a read as fine to answer from a replica (a few seconds stale at most).

    Decided when the query runs, not here: inside a transaction or after a write it still reads
    the primary. Without a replica configured this changes nothing.
    """
    queryset = queryset.all()
    queryset._add_hints(**{REPLICA_SAFE: True})
    return queryset


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = settings.READ_REPLICA
        state = _request.get()
        marked = hints.get(REPLICA_SAFE, False)
        if not alias or not (marked or (state and state["replica_ok"])):
            return None  # Django's default: the primary, or the database the related row came from
        if not marked and model._meta.label_lower not in settings.REPLICA_READ_MODELS:
            return DEFAULT_DB_ALIAS
        if (state and state["wrote"]) or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        if state := _request.get():
            state["wrote"] = True
        return DEFAULT_DB_ALIAS  # also for rows read from the replica (their _state.db says replica)

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary by replication


class ReplicaReadsMiddleware:
    """Marks the replica-safe pages and pins a browser to the primary right after it writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set({"replica_ok": False, "wrote": False})
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        state = _request.get()
        if (state is not None and request.method in ("GET", "HEAD") and PIN_COOKIE not in request.COOKIES
                and match is not None and match.view_name in settings.REPLICA_READ_VIEWS):
            state["replica_ok"] = True
        return None
