"""An exclusion constraint that exists on PostgreSQL only.

On PostgreSQL it is the last word against overlapping live bookings. SQLite has no ranges or
exclusion constraints; there the booking service serialises writers (BEGIN IMMEDIATE) and
re-checks overlaps inside the transaction instead, so the constraint is skipped, not emulated.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import DEFAULT_DB_ALIAS, connections


class PostgresExclusionConstraint(ExclusionConstraint):
    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor != "postgresql":
            return
        return super().validate(model, instance, exclude=exclude, using=using)
