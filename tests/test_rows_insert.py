"""mentorship.rows.insert_sql: the INSERT Django's compiler writes, compiled once per process and
shape. Each call after the first must send exactly what the compiler would for the same rows
(the same SQL, the same values in the same order), on either database: one row, and several
(PostgreSQL's compiler sends those as one array per column)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from mentorship import rows
from sessions.models import Booking, BookingEvent, Notification
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _fields(model) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _notifications(booking, n: int, *, tag: str) -> list[Notification]:
    return [Notification(dedupe_key=f"t:{tag}:{i}", kind="booking_confirmed", recipient=booking.mentee,
                         booking=booking, due_at=booking.start - timedelta(hours=i),
                         payload={"event": "confirmed", "n": i, "tag": tag})
            for i in range(n)]


def _plain(value):
    """Parameters as comparable values: psycopg's JSON wrappers compare by identity."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return getattr(value, "adapted", value)


@pytest.fixture
def still(monkeypatch):
    """One instant for every auto_now_add, so that two INSERTs of the same rows can be compared."""
    instant = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


@pytest.mark.parametrize("n", [1, 2, 6])
def test_the_precompiled_insert_sends_what_the_compiler_would(still, n):
    booking = BookingFactory()
    rows._insert_plans.clear()
    fields = _fields(Notification)
    rows.insert_sql(Notification, fields, _notifications(booking, n, tag="first"), connection.alias)  # compiles
    assert len(rows._insert_plans) == 1

    again = _notifications(booking, n, tag="second")
    cached = rows.insert_sql(Notification, fields, again, connection.alias)

    compiled = rows._compiled_insert(Notification, fields, again, connection.alias)
    assert cached[0] == compiled[0]
    assert _plain(cached[1]) == _plain(compiled[1])
    assert len(rows._insert_plans) == 1


def test_the_precompiled_insert_writes_the_rows_and_fills_auto_now_add(still):
    booking = BookingFactory()
    rows._insert_plans.clear()
    event_fields = _fields(BookingEvent)
    for kind in ("confirmed", "cancelled"):
        event = BookingEvent(booking=booking, kind=kind, actor=booking.mentee)
        sql, params = rows.insert_sql(BookingEvent, event_fields, [event], connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        assert event.at == still  # pre_save stamped the instance, as save() would

    stored = list(BookingEvent.objects.filter(booking=booking).order_by("pk").values_list("kind", "actor_id", "at"))
    assert stored == [("confirmed", booking.mentee_id, still), ("cancelled", booking.mentee_id, still)]


def test_an_expression_among_the_values_goes_through_the_compiler(still):
    from django.db.models import Value

    booking = BookingFactory()
    rows._insert_plans.clear()
    fields = _fields(Booking)
    copy = Booking(**{f.attname: getattr(booking, f.attname) for f in fields})
    copy.topic = Value("Compiled")  # an expression: its SQL is the compiler's to write

    sql, params = rows.insert_sql(Booking, fields, [copy], connection.alias)

    assert rows._insert_plans == {}
    assert (sql, params) == rows._compiled_insert(Booking, fields, [copy], connection.alias)


# --- db_prep_save: the fast path sends what Django would ------------------------------------------

def _samples(field):
    from datetime import UTC, date, datetime
    from uuid import uuid4

    return [None, "", "text", 0, 7, -3, True, False, 1.5, date(2026, 11, 2), datetime(2026, 11, 2, 6, 0, tzinfo=UTC),
            datetime(2026, 11, 2, 6, 0), uuid4(), str(uuid4()), "42", [1, 2], {"a": 1}]


def test_db_prep_save_sends_what_the_field_would_for_every_column_of_every_model():
    """Every concrete field of every model, with values of every common type: the fast path's
    answer equals get_db_prep_save's, or both refuse the value."""
    import warnings

    from django.apps import apps

    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            fast = rows.db_prep_save(field, connection.vendor)
            for value in _samples(field):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # naive datetimes warn, on both paths
                    try:
                        expected = field.get_db_prep_save(value, connection)
                    except Exception as exc:  # noqa: BLE001 - the fast path must refuse it too
                        with pytest.raises(type(exc)):
                            fast(value, connection)
                        continue
                    got = fast(value, connection)
                assert _plain(got) == _plain(expected) and type(_plain(got)) is type(_plain(expected)), (
                    f"{model.__name__}.{field.name} <- {value!r}: {got!r} != {expected!r}")
                checked += 1
    assert checked > 1000
