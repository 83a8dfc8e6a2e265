"""What one booking costs the database, end to end, and what it leaves for after the response.

Counted with real transactions (BEGIN and COMMIT are statements too, as in production): a booking
through the API with a token, through the page with a session, and the service alone. The budget
is 15 statements (issue 11); each test pins the exact count so that any new statement is a choice
someone made, not a drift. The publish to the broker happens after the response, on a thread.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from sessions.models import Booking, BookingPolicy, Notification
from sessions.services import notifications
from sessions.tasks import send_notifications_task
from sessions.tests.test_bookings_support import book, iso, local_slot, open_every_day, set_policy

# serialized_rollback: the seeded languages (a data migration) survive the flush between tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BUDGET = 15
QUESTION = "How do I answer system design questions at staff level?"


@pytest.fixture
def open_mentor(mentor):
    open_every_day(mentor)
    set_policy(mentor)  # a mentor who has taken bookings before has a policy row
    return mentor


def _token_client(user) -> APIClient:
    _, key = api_token_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _statements(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.postgres
def test_booking_through_the_api_with_a_token_takes_seven_statements(open_mentor, mentee):
    client = _token_client(mentee)
    payload = {"mentor": open_mentor.pk, "start": iso(local_slot(open_mentor)), "duration": 30,
               "topic": "Interviews", "question": QUESTION}

    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("api:booking-list"), payload, format="json")

    assert response.status_code == 201, response.json()
    statements = _statements(ctx)
    # token, mentor | BEGIN, the locks (mentee and policy), the mentee's caps with the mentor's
    # calendar, the booking with its event and outbox rows, COMMIT. The answer's history is the
    # event just written: nothing is read back.
    assert len(statements) == 7 <= BUDGET, "\n".join(statements)
    assert [s for s in statements if s in ("BEGIN", "COMMIT")] == ["BEGIN", "COMMIT"]
    assert not [s for s in statements if "SAVEPOINT" in s]
    [lock] = [s for s in statements if '"booking_bookingpolicy"' in s]  # read once, locked with the mentee
    assert lock.endswith("FOR NO KEY UPDATE OF me FOR UPDATE OF p")
    assert not [s for s in statements if s.startswith("INSERT")]  # all three are WITH queries of one statement
    [write] = [s for s in statements if s.startswith("WITH")]
    assert all(f'INSERT INTO "{table}"' in write for table in ("booking_booking", "booking_bookingevent",
                                                               "booking_notification"))
    booking = Booking.objects.get(pk=response.json()["id"])
    # Two confirmations and four reminders (24 h and 1 h, each person), all from that one INSERT.
    assert sorted(booking.notifications.values_list("kind", flat=True)) == [
        "booking_confirmed", "booking_confirmed", "reminder_1h", "reminder_1h", "reminder_24h", "reminder_24h"]
    assert [e["kind"] for e in response.json()["events"]] == ["confirmed"]


@pytest.mark.postgres
def test_booking_through_the_page_takes_eight_statements(open_mentor, mentee):
    client = Client()
    client.force_login(mentee)
    payload = {"start": iso(local_slot(open_mentor)), "duration": 30, "topic": "Interviews", "question": QUESTION}

    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("booking:book", args=[open_mentor.pk]), payload)

    assert response.status_code == 302
    statements = _statements(ctx)
    # session, user, mentor | the service's five.
    assert len(statements) == 8 <= BUDGET, "\n".join(statements)


@pytest.mark.postgres
@pytest.mark.parametrize("requires_approval", [False, True], ids=["confirmed", "request"])
def test_the_service_takes_five_statements_confirmed_or_requested(open_mentor, mentee, requires_approval):
    set_policy(open_mentor, requires_approval=requires_approval)

    with CaptureQueriesContext(connection) as ctx:
        booking = book(mentee, open_mentor, local_slot(open_mentor))

    assert booking.status == ("requested" if requires_approval else "confirmed")
    # BEGIN, lock, read, write, COMMIT.
    assert len(_statements(ctx)) == 5, "\n".join(_statements(ctx))


@pytest.mark.postgres
def test_a_mentors_first_booking_creates_the_policy_row_for_six_statements_more(mentor, mentee):
    open_every_day(mentor)
    assert not BookingPolicy.objects.filter(pk=mentor.pk).exists()

    with CaptureQueriesContext(connection) as ctx:
        book(mentee, mentor, local_slot(mentor))

    # The lock finds no row; then the mentee's lock alone, whether the mentor is bookable at all,
    # the policy's insert and its lock; with no id reserved, three INSERTs instead of one.
    assert len(_statements(ctx)) == 5 + 6, "\n".join(_statements(ctx))
    assert BookingPolicy.objects.filter(pk=mentor.pk).count() == 1


def test_the_response_does_not_wait_for_the_broker(open_mentor, mentee, monkeypatch):
    """A broker that takes its time (or is down) costs the person nothing: the send tasks are
    published after the response, and each new mail's id is published once."""
    assert notifications.publisher.flush()  # nothing of an earlier test is still on its way
    broker_answers = threading.Event()
    handed: list[int] = []

    def slow_publish(args, **options):
        assert broker_answers.wait(timeout=10), "the test never let the broker answer"
        handed.extend(args[0])

    monkeypatch.setattr(send_notifications_task, "apply_async", slow_publish)
    client = _token_client(mentee)
    payload = {"mentor": open_mentor.pk, "start": iso(local_slot(open_mentor)), "duration": 30,
               "topic": "Interviews", "question": QUESTION}
    try:
        response = client.post(reverse("api:booking-list"), payload, format="json")
        assert response.status_code == 201
        assert handed == []  # answered while the publish is still waiting for the broker
    finally:
        broker_answers.set()
    assert notifications.publisher.flush(timeout=10)

    mails = Notification.objects.filter(booking_id=response.json()["id"], kind="booking_confirmed")
    assert sorted(handed) == sorted(mails.values_list("pk", flat=True)) and len(handed) == 2


@pytest.mark.postgres
def test_racing_writers_of_the_same_mails_store_and_publish_each_once(open_mentor, mentee, monkeypatch):
    """Two transactions notifying the same event at once: ON CONFLICT (dedupe_key) makes one of
    them the writer of each row, and only the writer publishes it."""
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    assert notifications.publisher.flush()  # the booking's own mails are published before we watch
    Notification.objects.all().delete()
    handed: list[int] = []
    monkeypatch.setattr(send_notifications_task, "apply_async", lambda args, **options: handed.extend(args[0]))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def notify():
        try:
            barrier.wait(timeout=30)
            from django.db import transaction

            with transaction.atomic():
                notifications.booking_notify_and_arm(booking=booking, event="confirmed", actor=mentee)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=notify) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert notifications.publisher.flush(timeout=10)

    assert errors == []
    assert Notification.objects.filter(booking=booking).count() == 6
    mails = Notification.objects.filter(booking=booking, kind="booking_confirmed").values_list("pk", flat=True)
    assert sorted(handed) == sorted(mails)


# --- the three statements, on either database ----------------------------------------------------

@pytest.mark.postgres
def test_a_constraint_that_fires_in_the_one_statement_write_leaves_nothing_behind(open_mentor, mentee, monkeypatch):
    """The booking, its event and its mails are one statement: when the exclusion constraint refuses
    the booking (checks bypassed here, as when two writers hold different locks), none of the three
    is written and the person gets the 409 with next slots."""
    from sessions.errors import BookingError
    from sessions.models import BookingEvent
    from sessions.services import bookings
    from tests.factories import BookingFactory

    start = local_slot(open_mentor)
    BookingFactory(mentor=open_mentor, start=start, duration_minutes=30)
    monkeypatch.setattr(bookings, "_slot_check", lambda **kwargs: None)
    before = (Booking.objects.count(), BookingEvent.objects.count(), Notification.objects.count())

    with pytest.raises(BookingError) as refused:
        book(mentee, open_mentor, start)

    assert refused.value.code == "slot_taken" and "next_slots" in refused.value.extra
    assert (Booking.objects.count(), BookingEvent.objects.count(), Notification.objects.count()) == before


@pytest.mark.postgres
def test_the_booking_id_taken_from_the_sequence_is_the_rows_and_later_rows_follow_it(open_mentor, mentee):
    from tests.factories import BookingFactory

    booking = book(mentee, open_mentor, local_slot(open_mentor))
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.mentee_id, stored.start, stored.uid) == (mentee.pk, booking.start, booking.uid)
    assert [e.pk for e in booking.events.all()] == list(stored.events.values_list("pk", flat=True))
    assert sorted(n.pk for n in booking.notifications.all()) == sorted(stored.notifications.values_list("pk", flat=True))
    assert BookingFactory(mentor=open_mentor, start=local_slot(open_mentor, days=4)).pk > booking.pk


@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "first-booking"])
def test_when_the_lock_finds_no_policy_the_locks_one_by_one_tell_why(mentor, mentee, listed):
    """No row from the combined lock: an unlisted mentor is 'not found' (and gets no policy row);
    a listed mentor's first booking creates the row and books. Both databases."""
    from sessions.errors import BookingError

    open_every_day(mentor)
    mentor.mentor_profile.is_listed = listed
    mentor.mentor_profile.save()
    if listed:
        assert book(mentee, mentor, local_slot(mentor)).status == "confirmed"
    else:
        with pytest.raises(BookingError) as refused:
            book(mentee, mentor, local_slot(mentor))
        assert refused.value.code == "not_found"
    assert BookingPolicy.objects.filter(pk=mentor.pk).exists() is listed


def test_the_answer_carries_the_new_bookings_history_without_reading_it(open_mentor, mentee, django_assert_num_queries):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    with django_assert_num_queries(0):
        history = list(booking.events.all())
    assert [(e.kind, e.actor_id, e.to_start) for e in history] == [("confirmed", mentee.pk, booking.start)]
    assert history[0].pk is not None
