"""Hot reads written as SQL once per process, their rows turned back into model instances.

The ORM compiles a queryset on every call; for the one-row reads every API request makes (the token
and its owner, the bookable mentor with profile) compiling cost more CPU than the database round trip.
The SQL here is built from each model's own field list, so a new column is read with the rest, and
the instances come from Model.from_db, as the ORM's own would (fields left out are deferred).
"""

from __future__ import annotations

from django.db import connections


def select_list(model, alias: str, using: str, *, exclude: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """`alias."column", ...` for the model's concrete fields except `exclude` (field names), and
    the attnames in the same order, for instances_from_row."""
    qn = connections[using].ops.quote_name
    fields = [f for f in model._meta.concrete_fields if f.name not in exclude]
    return ", ".join(f"{alias}.{qn(f.column)}" for f in fields), [f.attname for f in fields]


def instance_from_row(model, using: str, attnames: list[str], row, start: int = 0):
    """The instance in row[start:start + len(attnames)] (a row of a select_list), as the ORM builds it."""
    return model.from_db(using, attnames, row[start:start + len(attnames)])
