"""Server-side prepared statements for the hot SQL that every request of a kind sends.

A booking's statements each took 1-2 ms of PostgreSQL CPU to *plan* and 0.1-0.5 ms to run
(EXPLAIN ANALYZE on the benchmark's 10,000 mentors): the planner, not the data, was most of the
database's share of a booking, and it ran on the same cores as the web workers. A statement sent
through `execute()` is PREPAREd once per connection and then EXECUTEd, so PostgreSQL plans it a
few times (its plan cache tries custom plans first) and then reuses a generic plan.

Only for SQL whose text is fixed per process (mentorship.rows, the booking service's statements):
the text is the cache key, and each connection keeps at most MAX_PER_CONNECTION of them. The
PREPARE itself goes straight to the database, unlogged: it happens once per connection, and
counting it would make every pinned query count depend on which test ran first on the connection.
What Django logs and what execute wrappers see is the statement's own SQL, as for any query.

Off (a plain execute) on other databases, and with PGBOUNCER_TRANSACTION_POOLING or
DB_PREPARED_STATEMENTS=0: behind a pooler in transaction mode the next transaction may run on a
server connection that never saw the PREPARE.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.backends.utils import CursorDebugWrapper
from django.dispatch import receiver

MAX_PER_CONNECTION = 64
_PLACEHOLDER = re.compile(r"%%|%s")


def numbered(sql: str) -> tuple[str, int]:
    """psycopg2's `%s` placeholders as PostgreSQL's `$1, $2, ...` (and `%%` as `%`), with their count."""
    count = 0

    def sub(match: re.Match) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(sub, sql), count


def statement_name(sql: str) -> str:
    return "mm_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()


@receiver(connection_created)
def _forget_prepared(sender, connection, **kwargs) -> None:
    """A new server connection has prepared nothing yet."""
    connection.prepared_statements = {}


def enabled(connection) -> bool:
    return connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS


def execute(cursor, sql: str, params: list | tuple) -> None:
    """cursor.execute(sql, params), as EXECUTE of a statement prepared on this connection."""
    db = cursor.db
    if not enabled(db):
        cursor.execute(sql, params)
        return
    prepared: dict[str, str] = db.__dict__.setdefault("prepared_statements", {})
    name = prepared.get(sql)
    if name is None:
        text, count = numbered(sql)
        if len(prepared) >= MAX_PER_CONNECTION or count != len(params):
            cursor.execute(sql, params)
            return
        name = statement_name(sql)
        db.validate_no_broken_transaction()
        with db.wrap_database_errors:
            cursor.cursor.execute(f"PREPARE {name} AS {text}")
        prepared[sql] = name  # PREPARE is not transactional: a rollback keeps it
    send = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"

    def executor(_sql, _params, _many, context):
        db.validate_no_broken_transaction()
        with db.wrap_database_errors:
            return context["cursor"].cursor.execute(send, _params)

    if isinstance(cursor, CursorDebugWrapper):
        with cursor.debug_sql(sql, params):
            cursor._execute_with_wrappers(sql, params, many=False, executor=executor)
    else:
        cursor._execute_with_wrappers(sql, params, many=False, executor=executor)
