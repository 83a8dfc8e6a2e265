"""Hot reads written as SQL once per process, their rows turned back into model instances.

The ORM compiles a queryset on every call; for the one-row reads every API request makes (the token
and its owner, the bookable mentor with profile) compiling cost more CPU than the database round trip.
The SQL here is built from each model's own field list, so a new column is read with the rest, and
the instances come from Model.from_db after the same value converters the ORM applies (SQLite
answers naive datetimes and text that the converters turn into what the fields hold; fields left
out are deferred).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.db import connections, models
from django.db.models.sql import InsertQuery


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


# --- INSERTs compiled once ------------------------------------------------------------------------

@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    unnest: bool  # PostgreSQL's multi-row form: one array per column (Django's InsertUnnest)


_insert_plans: dict[tuple, _InsertPlan] = {}


def insert_sql(model, fields, objs, using: str) -> tuple[str, list]:
    """Django's INSERT of `objs` into `model` for database `using`: the SQL its compiler writes,
    with the values it would send (each field's pre_save, so auto_now_add is filled in, then
    get_db_prep_save). The SQL depends only on the model, the fields, the number of rows and the
    database once no field picks its placeholder per value and no value is an expression, so it
    is compiled once per process for each of those; compiling (the compiler's per-value
    machinery around the same two calls) took ~0.5 ms of a booking's CPU. Anything else goes
    through the compiler every time."""
    fields = tuple(fields)
    if not objs or any(hasattr(field, "get_placeholder") for field in fields):
        return _compiled_insert(model, fields, objs, using)
    connection = connections[using]
    saved = [[field.pre_save(obj, True) for field in fields] for obj in objs]
    if any(hasattr(value, "resolve_expression") for row in saved for value in row):
        return _compiled_insert(model, fields, objs, using)
    prepare = [db_prep_save(field, connection.vendor) for field in fields]
    values = [[prep(value, connection) for prep, value in zip(prepare, row, strict=True)] for row in saved]
    key = (model, tuple(field.column for field in fields), len(objs), using)
    plan = _insert_plans.get(key)
    if plan is None:
        sql, params = _compiled_insert(model, fields, objs, using)
        # With several rows, PostgreSQL's compiler sends one array per column instead of the
        # values row after row: the only other shape its parameters take.
        unnest = len(objs) > 1 and len(params) == len(fields)
        _insert_plans[key] = _InsertPlan(sql, unnest)
        return sql, params
    if plan.unnest:
        return plan.sql, [list(column) for column in zip(*values, strict=True)]
    return plan.sql, [value for row in values for value in row]


# Field classes whose get_db_prep_save sends a value of these exact types unchanged to PostgreSQL
# (their to_python and get_prep_value return it as it is, and the backend's adapt_* does too).
# Exact classes only: a subclass may convert differently.
_UNCHANGED_ON_POSTGRES: dict[type, tuple[type, ...]] = {
    **dict.fromkeys((models.CharField, models.TextField, models.EmailField, models.URLField, models.SlugField),
                    (str,)),
    **dict.fromkeys((models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
                     models.PositiveIntegerField, models.PositiveBigIntegerField, models.PositiveSmallIntegerField,
                     models.AutoField, models.BigAutoField), (int,)),
    models.BooleanField: (bool,),
    models.DateField: (date,),
    models.UUIDField: (uuid.UUID,),
}


@cache
def db_prep_save(field, vendor: str) -> Callable:
    """A function (value, connection) equal to field.get_db_prep_save(value, connection), which
    skips Django's conversion chain for the values it would send unchanged (on PostgreSQL: a str to
    a CharField, an int to an IntegerField or to a foreign key to one, an aware datetime to a
    DateTimeField, None to any of them). A booking's INSERT prepares ~90 values, and that chain took
    about a millisecond of its CPU. Anything else goes through Django."""
    slow = field.get_db_prep_save
    if vendor != "postgresql":
        return slow
    target = field.target_field if type(field) in (models.ForeignKey, models.OneToOneField) else field
    kind = type(target)
    if kind is models.DateTimeField:
        return lambda value, connection: (
            value if value is None or (type(value) is datetime and value.tzinfo is not None) else slow(value, connection))
    types = _UNCHANGED_ON_POSTGRES.get(kind)
    if types is None:
        return slow
    exact = types[0]
    return lambda value, connection: value if value is None or type(value) is exact else slow(value, connection)


def _compiled_insert(model, fields, objs, using: str) -> tuple[str, list]:
    query = InsertQuery(model)
    query.insert_values(fields, objs)
    [(sql, params)] = query.get_compiler(using=using).as_sql()
    return sql, list(params)
