"""How every periodic job takes its due rows: the one claim, shared by the outbox, the lifecycle
sweeps, no-show settlement and message digests."""

from __future__ import annotations

from django.db import connection


def claim(queryset):
    """Lock the rows a job takes, inside the caller's transaction.

    skip_locked: concurrent workers take disjoint rows instead of queueing behind each other.
    of=("self",): only the claimed table's rows are locked (PostgreSQL refuses FOR UPDATE on the
    nullable side of an outer join, such as the outbox's join to booking). SQLite has no row locks;
    Django drops the clause there and the IMMEDIATE transaction mode serialises writers, which gives
    the same guarantee.
    """
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset
