"""Take a copy of the whole test database once and put it back before each test that needs it.

The journeys start from the database `make run` seeds. Seeding through the real services takes
20-40 s on these machines; eight journeys seeding each spent most of every suite run's browser
time there. The copy is taken right after the first seed and restored in well under a second.

PostgreSQL: every table is copied into a schema of its own; a restore truncates the live tables,
copies the rows back (Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so order does not
matter inside the transaction) and moves each id sequence past the restored rows.
SQLite (the in-memory test database the live server shares): the backup API copies the whole file.
"""

from __future__ import annotations

import sqlite3

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

SCHEMA = "test_snapshot"


class Snapshot:
    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._tables: list[str] = []

    def take(self) -> None:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._sqlite)
            return
        self._tables = connection.introspection.table_names(include_views=False)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
            for table in self._tables:
                name = connection.ops.quote_name(table)
                cursor.execute(f"CREATE TABLE {SCHEMA}.{name} AS TABLE public.{name}")

    def restore(self) -> None:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self._sqlite.backup(connection.connection)
            return
        names = [connection.ops.quote_name(table) for table in self._tables]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(f"public.{n}" for n in names) + " CASCADE")
            for name in names:
                cursor.execute(f"INSERT INTO public.{name} SELECT * FROM {SCHEMA}.{name}")
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                cursor.execute(statement)

    def drop(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        elif self._tables:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
