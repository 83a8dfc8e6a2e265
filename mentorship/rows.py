"""Hot reads written as SQL once per process, their rows turned back into model instances.

The ORM compiles a queryset on every call; for the one-row reads every API request makes (the token
and its owner, the bookable mentor with profile) compiling cost more CPU than the database round trip.
The SQL here is built from each model's own field list, so a new column is read with the rest, and
the instances come from Model.from_db after the same value converters the ORM applies (SQLite
answers naive datetimes and text that the converters turn into what the fields hold; fields left
out are deferred).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections


@dataclass(frozen=True)
class Columns:
    """A model's columns in a SELECT of one's own: `sql` for the select list, and instance() to
    read them back from a row."""

    model: type
    sql: str
    attnames: list[str]
    converters: list[tuple[int, list, object]]  # (position, converters, column expression)

    def instance(self, using: str, row, start: int = 0):
        """The instance in row[start:start + len(attnames)], as the ORM would build it."""
        values = list(row[start:start + len(self.attnames)])
        connection = connections[using]
        for i, converters, expression in self.converters:
            for converter in converters:
                values[i] = converter(values[i], expression, connection)
        return self.model.from_db(using, self.attnames, values)


def select_list(model, alias: str, using: str, *, exclude: tuple[str, ...] = ()) -> Columns:
    """`alias."column", ...` for the model's concrete fields except `exclude` (field names)."""
    connection = connections[using]
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if f.name not in exclude]
    converters = []
    for i, field in enumerate(fields):
        expression = field.get_col(alias)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if found:
            converters.append((i, found, expression))
    return Columns(model=model, sql=", ".join(f"{alias}.{qn(f.column)}" for f in fields),
                   attnames=[f.attname for f in fields], converters=converters)
