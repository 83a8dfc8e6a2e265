"""Membership writes of a directory sync (orgs.sync plans them; this writes them, set-based).

Every function here takes many rows and writes them in a bounded number of statements (BATCH rows
a statement), so an organisation of 20,000 people syncs in seconds, not minutes of row-by-row
saves. Callers hold the transaction (orgs.sync.directory_sync applies a whole plan in one).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import connection

from orgs.models import Membership, Organisation

BATCH = 1000
# The fields a directory file may change on a membership (manager separately: it names another
# membership, which may be created in the same sync).
HR_FIELDS = ("department_id", "level_id", "title", "location", "employee_id")


def memberships_bulk_create(*, organisation: Organisation, people: list[dict], now: datetime) -> dict[int, int]:
    """Memberships (role member, active) for `people` ({"user_id", and HR_FIELDS}); returns
    {user id: membership id}."""
    rows = [Membership(organisation=organisation, joined_at=now, **person) for person in people]
    for start in range(0, len(rows), BATCH):
        Membership.objects.bulk_create(rows[start:start + BATCH])
    if rows and not all(r.pk for r in rows):  # old SQLite: no RETURNING
        ids = dict(Membership.objects.filter(organisation=organisation, user_id__in=[r.user_id for r in rows])
                   .values_list("user_id", "pk"))
        for row in rows:
            row.pk = ids[row.user_id]
    return {r.user_id: r.pk for r in rows}


def memberships_bulk_update(*, organisation: Organisation, changes: dict[int, dict]) -> None:
    """Set each membership's changed HR fields ({membership id: {field: value}}).

    Employee ids are unique per organisation and a file may swap two (or hand one over): those
    rows first give theirs up, so no single statement sees the same id twice.
    """
    handing_over = [pk for pk, fields in changes.items() if "employee_id" in fields]
    if handing_over:
        for start in range(0, len(handing_over), BATCH):
            Membership.objects.filter(organisation=organisation, pk__in=handing_over[start:start + BATCH]) \
                .update(employee_id="")
    by_fields: dict[tuple[str, ...], list[Membership]] = defaultdict(list)
    for pk, fields in changes.items():
        by_fields[tuple(sorted(fields))].append(Membership(pk=pk, **fields))
    for fields, rows in by_fields.items():
        _update_rows(rows, list(fields))


def memberships_managers_set(*, organisation: Organisation, managers: dict[int, int | None]) -> None:
    """{membership id: manager membership id or None}."""
    _update_rows([Membership(pk=pk, manager_id=manager) for pk, manager in managers.items()], ["manager_id"])


def memberships_activate(*, organisation: Organisation, membership_ids: list[int]) -> None:
    for start in range(0, len(membership_ids), BATCH):
        Membership.objects.filter(organisation=organisation, pk__in=membership_ids[start:start + BATCH]) \
            .update(is_active=True, deactivated_at=None)


def memberships_deactivate(*, organisation: Organisation, membership_ids: list[int], now: datetime) -> None:
    """Left the organisation: inactive from now on; the row (and what refers to it) stays."""
    for start in range(0, len(membership_ids), BATCH):
        Membership.objects.filter(organisation=organisation, pk__in=membership_ids[start:start + BATCH]) \
            .update(is_active=False, deactivated_at=now)


def _update_rows(rows: list[Membership], fields: list[str]) -> None:
    """One UPDATE per BATCH rows. On PostgreSQL an UPDATE ... FROM (VALUES ...), as the outbox's
    _mark_sent does: Django's bulk_update builds a CASE WHEN per row and field in Python, and the
    first sync sets 20,000 managers (not measured against bulk_update here; SQLite uses it)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Membership.objects.bulk_update(rows, fields, batch_size=BATCH)
        return
    meta = Membership._meta
    qn = connection.ops.quote_name
    columns = [meta.get_field(f) for f in fields]
    casts = ["bigint" if c.many_to_one else "text" for c in columns]
    assignments = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in columns)
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        values = ", ".join(["(%s::bigint, " + ", ".join(f"%s::{cast}" for cast in casts) + ")"] * len(chunk))
        params: list = []
        for row in chunk:
            params.append(row.pk)
            params.extend(getattr(row, c.attname) for c in columns)
        names = ", ".join(["id", *(qn(c.column) for c in columns)])
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {qn(meta.db_table)} AS m SET {assignments} FROM (VALUES {values}) AS v({names}) "
                           f"WHERE m.id = v.id", params)
