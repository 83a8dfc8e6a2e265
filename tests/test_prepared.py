"""mentorship.prepared: the hot statements are PREPAREd once per connection and EXECUTEd after,
with the same rows as a plain execute, the statement's own SQL in Django's query log, and nothing
that a rollback, an error or a new connection could leave pointing at a statement the server
does not have."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.selectors import mentor_bookable_get
from accounts.tokens import api_token_authenticate, api_token_create
from mentorship import prepared
from tests.factories import MenteeFactory, MentorFactory

SQL = "SELECT %s::int + 1, 'a%%b'"


def _server_statements() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def test_placeholders_are_numbered_and_a_literal_percent_stays_one():
    assert prepared.numbered("SELECT %s, %s FROM t WHERE x LIKE 'a%%'") == ("SELECT $1, $2 FROM t WHERE x LIKE 'a%'", 2)
    assert prepared.numbered("SELECT 1") == ("SELECT 1", 0)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_is_prepared_once_and_answers_as_a_plain_execute():
    name = prepared.statement_name(SQL)
    answers = []
    with CaptureQueriesContext(connection) as ctx:
        for n in (1, 2, 3):
            with connection.cursor() as cursor:
                prepared.execute(cursor, SQL, [n])
                answers.append(cursor.fetchone())
    assert answers == [(2, "a%b"), (3, "a%b"), (4, "a%b")]
    assert name in _server_statements()
    assert list(_server_statements()).count(name) == 1
    # The log shows the statement itself, once per call; the PREPARE is not a query of the request.
    assert [q["sql"] for q in ctx.captured_queries] == [SQL] * 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rollback_or_a_failed_statement_keeps_the_connection_usable():
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            prepared.execute(cursor, SQL, [1])  # prepared inside a transaction that rolls back
            cursor.execute("SELECT 1/0")
    with connection.cursor() as cursor:
        prepared.execute(cursor, SQL, [5])  # still there: PREPARE is not transactional
        assert cursor.fetchone() == (6, "a%b")
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        prepared.execute(cursor, "SELECT %s::int / 0", [1])  # prepares, then fails on EXECUTE
    with connection.cursor() as cursor:
        prepared.execute(cursor, SQL, [7])
        assert cursor.fetchone() == (8, "a%b")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_connection_prepares_again():
    with connection.cursor() as cursor:
        prepared.execute(cursor, SQL, [1])
    connection.close()
    with connection.cursor() as cursor:
        assert connection.prepared_statements == {}
        prepared.execute(cursor, SQL, [2])
        assert cursor.fetchone() == (3, "a%b")


@pytest.mark.postgres
@pytest.mark.django_db
def test_off_or_past_the_limit_it_is_a_plain_execute(monkeypatch):
    sql = "SELECT %s::int + 2"  # a statement no other test prepares on this connection
    with override_settings(DB_PREPARED_STATEMENTS=False), connection.cursor() as cursor:
        prepared.execute(cursor, sql, [1])
        assert cursor.fetchone() == (3,)
    assert prepared.statement_name(sql) not in _server_statements()
    monkeypatch.setattr(prepared, "MAX_PER_CONNECTION", len(getattr(connection, "prepared_statements", {})))
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, [1])
        assert cursor.fetchone() == (3,)
    assert prepared.statement_name(sql) not in _server_statements()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_token_and_the_bookable_mentor_reads_go_through_prepared_statements():
    mentee, mentor = MenteeFactory(), MentorFactory()
    _, key = api_token_create(user=mentee)
    assert api_token_authenticate(key=key) == mentee
    assert mentor_bookable_get(mentor_id=mentor.pk, viewer=mentee) == mentor
    after_first = _server_statements()
    assert any('"accounts_apitoken"' in sql for sql in after_first.values())
    assert any('"accounts_mentorprofile"' in sql for sql in after_first.values())
    for _ in range(2):
        assert api_token_authenticate(key=key) == mentee
        assert mentor_bookable_get(mentor_id=mentor.pk, viewer=mentee) == mentor
    assert _server_statements() == after_first  # each prepared once, however often asked
