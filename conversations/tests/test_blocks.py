"""Blocking: the blocked person can no longer book the blocker, see the blocker's free times or
message them; the blocker can lift it. Page and API agree."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as accounts
from accounts.models import Block
from conversations import services
from conversations.errors import ConversationError
from sessions.errors import BookingError
from sessions.models import AvailabilityRule, Booking, BookingPolicy
from sessions.services.bookings import booking_create
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_mentor(mentor):
    AvailabilityRule.objects.bulk_create(
        [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(9), end_time=time(17)) for d in range(7)])
    BookingPolicy.objects.update_or_create(mentor=mentor, defaults={"min_notice_hours": 0, "horizon_days": 60})
    return mentor


def _a_slot(client, mentor) -> str:
    data = client.get(reverse("api:slots-list", kwargs={"mentor_id": mentor.pk}), {"duration": 30}).json()
    return data["slots"][0]["start"] if isinstance(data["slots"][0], dict) else data["slots"][0]


def _book(mentee, mentor, start):
    from django.utils.dateparse import parse_datetime

    return booking_create(mentee=mentee, mentor=mentor, start=parse_datetime(start), duration=30,
                          topic="Interviews", question="How do I prepare for a system design round?")


def test_a_mentee_the_mentor_blocked_cannot_see_free_times_or_book(open_mentor, mentee, client_for):
    client = client_for(mentee)
    start = _a_slot(client, open_mentor)
    accounts.block_create(blocker=open_mentor, blocked=mentee)
    assert client.get(reverse("api:slots-list", kwargs={"mentor_id": open_mentor.pk}),
                      {"duration": 30}).status_code == 404
    assert client.get(reverse("booking:slot_picker", args=[open_mentor.pk])).status_code == 404
    with pytest.raises(BookingError) as info:
        _book(mentee, open_mentor, start)
    assert info.value.code == "not_found"
    response = client.post(reverse("api:booking-list"), {"mentor": open_mentor.pk, "start": start, "duration": 30,
                                                         "topic": "Interviews", "question": "How do I prepare?"},
                           format="json")
    assert response.status_code == 404
    assert not Booking.objects.exists()
    # Everyone else still sees them; lifting the block restores it for the mentee.
    assert Client().get(reverse("api:slots-list", kwargs={"mentor_id": open_mentor.pk}),
                        {"duration": 30}).status_code == 200
    accounts.block_remove(blocker=open_mentor, blocked_id=mentee.pk)
    assert _book(mentee, open_mentor, start).status in ("confirmed", "requested")


def test_a_mentee_who_blocked_a_mentor_is_told_why_they_cannot_book(open_mentor, mentee, client_for):
    start = _a_slot(client_for(mentee), open_mentor)
    accounts.block_create(blocker=mentee, blocked=open_mentor)
    with pytest.raises(BookingError) as info:
        _book(mentee, open_mentor, start)
    assert info.value.code == "forbidden" and "You blocked this mentor" in info.value.message


def test_a_block_either_way_closes_the_conversation(mentor, mentee, client_for):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    services.message_post(booking=booking, author=mentee, body="hello")
    accounts.block_create(blocker=mentee, blocked=mentor)
    with pytest.raises(ConversationError) as info:
        services.message_post(booking=booking, author=mentor, body="hello?")
    assert info.value.code == "thread_closed" and "no longer message" in info.value.message
    api = client_for(mentor).post(reverse("api:booking-messages", kwargs={"pk": booking.pk}), {"body": "hi"},
                                  format="json")
    assert api.status_code == 409
    page = client_for(mentor).get(reverse("conversations:page", args=[booking.pk])).content.decode()
    assert 'id="message-form"' not in page and "no longer message each other" in page


def test_block_and_unblock_on_the_conversation_page(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    client = Client()
    client.force_login(mentee)
    url = reverse("conversations:page", args=[booking.pk])
    assert 'id="block-button"' in client.get(url).content.decode()
    assert client.post(reverse("conversations:block", args=[booking.pk])).status_code == 302
    assert Block.objects.filter(blocker=mentee, blocked=mentor).exists()
    assert 'id="unblock-button"' in client.get(url).content.decode()
    client.post(reverse("conversations:block", args=[booking.pk]), {"unblock": "1"})
    assert not Block.objects.exists()


def test_strangers_cannot_block_through_someone_elses_session(mentor, mentee, stranger):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    client = Client()
    client.force_login(stranger)
    assert client.post(reverse("conversations:block", args=[booking.pk])).status_code == 404
    assert not Block.objects.exists()


def test_blocks_api(mentor, mentee, client_for):
    client = client_for(mentee)
    created = client.post(reverse("api:accounts-blocks"), {"user": mentor.pk}, format="json")
    assert created.status_code == 201 and created.json()["user"] == mentor.pk
    assert client.post(reverse("api:accounts-blocks"), {"user": mentor.pk}, format="json").status_code == 201
    assert Block.objects.count() == 1
    assert [b["user"] for b in client.get(reverse("api:accounts-blocks")).json()["results"]] == [mentor.pk]
    assert client_for(mentor).get(reverse("api:accounts-blocks")).json()["results"] == []  # never told
    myself = client.post(reverse("api:accounts-blocks"), {"user": mentee.pk}, format="json")
    assert myself.status_code == 400 and "yourself" in myself.json()["errors"]["user"][0]
    nobody = client.post(reverse("api:accounts-blocks"), {"user": 10**9}, format="json")
    assert nobody.status_code == 400
    assert client.delete(reverse("api:accounts-block-detail", kwargs={"user_id": mentor.pk})).status_code == 204
    assert client.delete(reverse("api:accounts-block-detail", kwargs={"user_id": mentor.pk})).status_code == 404
