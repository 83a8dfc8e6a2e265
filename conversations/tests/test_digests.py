"""New-message mail: one digest per thread per recipient per window, exactly once, never for what
was read; unread counts, the inbox, the badge and the page's poller."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.digests import DIGEST_KIND, digests_send_due
from conversations.models import ReadState
from conversations.selectors import threads_of, unread_count
from sessions.models import Notification
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(mentor, mentee):
    return BookingFactory(mentor=mentor, mentee=mentee)


@pytest.fixture
def still(frozen_now):
    frozen_now.move_to(timezone.now(), tick=False)
    return frozen_now


def _digests(to=None):
    rows = Notification.objects.filter(kind=DIGEST_KIND)
    return rows.filter(recipient=to) if to is not None else rows


def test_a_message_is_mailed_once_after_the_short_delay(booking, mentee, mentor, still, settings):
    settings.CONVERSATIONS_DIGEST_DELAY_SECONDS = 60
    services.message_post(booking=booking, author=mentee, body="Here is **my draft**: https://example.com/d")
    assert digests_send_due() == 0  # not yet due: a burst would still become one mail
    still.shift(timedelta(seconds=61))
    assert digests_send_due() == 1
    assert digests_send_due() == 0  # the second run finds nothing
    row = _digests().get()
    assert row.recipient_id == mentor.pk and "Manu Mentee" in row.subject
    notifications_dispatch_due()
    [sent] = mail.outbox
    assert sent.to == [mentor.email]
    html = sent.alternatives[0][0]
    reply = f"/sessions/{booking.pk}/conversation/#message-form"
    assert "Here is **my draft**" in sent.body and reply in sent.body
    assert "<strong>my draft</strong>" in html and reply in html
    assert "CET (Europe/Berlin)" in sent.body  # the mentor's zone, named


def test_a_burst_becomes_one_mail_and_the_author_gets_none(booking, mentee, mentor, still):
    for i in range(4):
        services.message_post(booking=booking, author=mentee, body=f"point {i}")
    still.shift(timedelta(minutes=2))
    assert digests_send_due() == 1
    row = _digests().get()
    assert row.recipient_id == mentor.pk and row.subject == "4 new messages from Manu Mentee"
    assert all(f"point {i}" in row.payload["text"] for i in range(4))


def test_what_was_read_on_the_page_is_not_mailed(booking, mentee, mentor, still):
    services.message_post(booking=booking, author=mentee, body="hello")
    client = Client()
    client.force_login(mentor)
    assert client.get(reverse("conversations:page", args=[booking.pk])).status_code == 200
    still.shift(timedelta(minutes=2))
    assert digests_send_due() == 0
    assert not _digests().exists()
    assert ReadState.objects.get(user=mentor).mail_due_at is None


def test_reading_through_the_api_also_counts(booking, mentee, mentor, still, client_for):
    services.message_post(booking=booking, author=mentee, body="hello")
    client_for(mentor).get(reverse("api:booking-messages", kwargs={"pk": booking.pk}))
    still.shift(timedelta(minutes=2))
    assert digests_send_due() == 0


def test_at_most_one_mail_per_window(booking, mentee, mentor, still, settings):
    settings.CONVERSATIONS_DIGEST_MINUTES = 15
    services.message_post(booking=booking, author=mentee, body="first")
    still.shift(timedelta(minutes=2))
    assert digests_send_due() == 1
    still.shift(timedelta(minutes=1))
    services.message_post(booking=booking, author=mentee, body="second")
    still.shift(timedelta(minutes=5))
    assert digests_send_due() == 0  # 8 minutes after the first mail
    still.shift(timedelta(minutes=9))
    assert digests_send_due() == 1  # 17 minutes after it
    second = _digests().order_by("pk").last()
    assert "second" in second.payload["text"] and "first" not in second.payload["text"]


def test_each_participant_gets_their_own_digest(booking, mentee, mentor, still):
    services.message_post(booking=booking, author=mentee, body="from the mentee")
    still.shift(timedelta(minutes=2))
    assert digests_send_due() == 1
    services.message_post(booking=booking, author=mentor, body="from the mentor")  # replying reads the thread
    still.shift(timedelta(minutes=2))
    assert digests_send_due() == 1
    assert "from the mentor" in _digests(to=mentee).get().payload["text"]
    assert "from the mentee" in _digests(to=mentor).get().payload["text"]


def test_unread_counts_inbox_and_badge(booking, mentee, mentor):
    for i in range(3):
        services.message_post(booking=booking, author=mentee, body=f"m{i}")
    assert unread_count(user=mentor) == 3 and unread_count(user=mentee) == 0
    [thread] = threads_of(user=mentor)
    assert thread.unread == 3 and thread.booking_id == booking.pk
    client = Client()
    client.force_login(mentor)
    assert '<span class="badge" aria-label="3 unread">3</span>' in client.get(reverse("conversations:unread")).content.decode()
    inbox = client.get(reverse("conversations:inbox")).content.decode()
    assert "Manu Mentee" in inbox and 'aria-label="3 unread"' in inbox
    client.get(reverse("conversations:page", args=[booking.pk]))
    assert unread_count(user=mentor) == 0
    assert client.get(reverse("conversations:unread")).content == b""


def test_inbox_is_empty_with_help_for_someone_without_threads(stranger):
    client = Client()
    client.force_login(stranger)
    page = client.get(reverse("conversations:inbox")).content.decode()
    assert 'id="threads-empty"' in page and reverse("booking:my_sessions") in page


def test_api_lists_threads_with_unread_counts_only_for_the_caller(booking, mentee, mentor, stranger, client_for):
    services.message_post(booking=booking, author=mentee, body="hello")
    rows = client_for(mentor).get(reverse("api:threads")).json()["results"]
    assert [(r["booking"], r["unread"]) for r in rows] == [(booking.pk, 1)]
    assert client_for(stranger).get(reverse("api:threads")).json()["results"] == []
    assert client_for(mentor).get(reverse("api:threads-unread")).json() == {"unread": 1}


def test_the_poller_brings_only_newer_messages_and_moves_on(booking, mentee, mentor):
    first = services.message_post(booking=booking, author=mentee, body="first")
    second = services.message_post(booking=booking, author=mentee, body="second")
    client = Client()
    client.force_login(mentor)
    html = client.get(reverse("conversations:poll", args=[booking.pk]), {"after": first.pk}).content.decode()
    assert f'id="message-{second.pk}"' in html and f'id="message-{first.pk}"' not in html
    assert f"?after={second.pk}" in html and 'hx-swap-oob="beforeend:#thread-messages"' in html
    quiet = client.get(reverse("conversations:poll", args=[booking.pk]), {"after": second.pk}).content.decode()
    assert "hx-swap-oob" not in quiet and f"?after={second.pk}" in quiet


def test_strangers_get_404_from_the_poller(booking, stranger):
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("conversations:poll", args=[booking.pk])).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the migrations' languages and groups
def test_two_dispatchers_at_once_send_one_mail(mentor, mentee, frozen_now):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    for i in range(5):
        services.message_post(booking=booking, author=mentee, body=f"m{i}")
    later = timezone.now() + timedelta(minutes=2)
    barrier = threading.Barrier(2)
    results = []

    def dispatcher():
        try:
            barrier.wait()
            results.append(digests_send_due(now=later))
        finally:
            connection.close()

    workers = [threading.Thread(target=dispatcher) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(results) == [0, 1]
    assert _digests().count() == 1
