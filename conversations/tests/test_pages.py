"""The conversation page: who may see it, what each form does, and that it agrees with the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.markup import UNSAFE_MESSAGE
from conversations.models import ActionItem, AgendaItem, Message, Note
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(mentor, mentee):
    return BookingFactory(mentor=mentor, mentee=mentee)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _posts(booking, mentee):
    agenda = services.agenda_add(booking=booking, author=mentee, text="My CV")
    action = services.action_item_create(booking=booking, actor=mentee, text="Send CV")
    pk = booking.pk
    return [
        (reverse("conversations:message", args=[pk]), {"body": "hi"}),
        (reverse("conversations:close", args=[pk]), {}),
        (reverse("conversations:extend", args=[pk]), {"days": "3"}),
        (reverse("conversations:agenda_add", args=[pk]), {"text": "point"}),
        (reverse("conversations:agenda_remove", args=[pk, agenda.pk]), {}),
        (reverse("conversations:note", args=[pk, "private"]), {"body": "mine"}),
        (reverse("conversations:note", args=[pk, "shared"]), {"body": "ours", "version": "0"}),
        (reverse("conversations:action_add", args=[pk]), {"text": "x", "owner": str(mentee.pk)}),
        (reverse("conversations:action_toggle", args=[pk, action.pk]), {}),
        (reverse("conversations:action_delete", args=[pk, action.pk]), {}),
    ]


def _snapshot():
    return (Message.objects.count(), AgendaItem.objects.count(), Note.objects.count(),
            list(ActionItem.objects.values_list("pk", "done_at")))


def test_anonymous_is_sent_to_sign_in(booking, mentee):
    page = Client().get(reverse("conversations:page", args=[booking.pk]))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    posts = _posts(booking, mentee)
    before = _snapshot()
    for url, data in posts:
        assert Client().post(url, data).status_code == 302
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["stranger", "staff", "moderator"])
def test_everyone_but_the_participants_gets_404(request, booking, mentee, who):
    client = _client(request.getfixturevalue(who))
    assert client.get(reverse("conversations:page", args=[booking.pk])).status_code == 404
    posts = _posts(booking, mentee)
    before = _snapshot()
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert _snapshot() == before


def test_the_session_page_links_participants_to_the_conversation(booking, mentee, stranger, staff):
    link = reverse("conversations:page", args=[booking.pk])
    assert link in _client(mentee).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert link not in _client(staff).get(reverse("booking:detail", args=[booking.pk])).content.decode()


def test_a_message_posted_on_the_page_shows_for_the_other_participant(booking, mentee, mentor):
    response = _client(mentee).post(reverse("conversations:message", args=[booking.pk]),
                                    {"body": "Context: my **draft** is [here](https://example.com/d)"})
    assert response.status_code == 302 and response["Location"].endswith("#thread")
    page = _client(mentor).get(reverse("conversations:page", args=[booking.pk])).content.decode()
    assert "<strong>draft</strong>" in page
    assert 'href="https://example.com/d" rel="nofollow noopener noreferrer ugc"' in page


def test_page_and_api_refuse_unsafe_markup_with_the_same_words(booking, mentee, client_for):
    body = {"body": "<script>alert(1)</script>"}
    page = _client(mentee).post(reverse("conversations:message", args=[booking.pk]), body)
    api = client_for(mentee).post(reverse("api:booking-messages", kwargs={"pk": booking.pk}), body, format="json")
    assert page.status_code == api.status_code == 400
    assert api.json()["errors"]["body"] == [UNSAFE_MESSAGE]
    assert UNSAFE_MESSAGE.replace("<", "&lt;").replace(">", "&gt;") in page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page.content.decode()  # the text is kept
    assert not Message.objects.exists()


def test_closed_thread_shows_why_and_no_message_form(mentor, mentee):
    past = BookingFactory(mentor=mentor, mentee=mentee, status="completed", start=timezone.now() - timedelta(days=30))
    page = _client(mentee).get(reverse("conversations:page", args=[past.pk])).content.decode()
    assert 'data-open="false"' in page and "Book again" in page
    assert 'id="message-form"' not in page
    refused = _client(mentee).post(reverse("conversations:message", args=[past.pk]), {"body": "hello"})
    assert refused.status_code == 409 and "Book again" in refused.content.decode()


def test_window_end_is_shown_in_the_viewers_zone_with_the_zone_named(mentor, mentee, frozen_now):
    # After Europe's change to summer time (28 March 2027), Berlin is UTC+2: CEST, not CET.
    frozen_now.move_to(datetime(2027, 3, 26, 12, tzinfo=UTC), tick=False)
    BookingFactory(mentor=mentor, mentee=mentee, status="completed", start=datetime(2027, 3, 25, 17, tzinfo=UTC))
    past = mentor.bookings_as_mentor.get()
    page = _client(mentor).get(reverse("conversations:page", args=[past.pk]))
    assert "Open until Thu 1 Apr 2027, 19:30 CEST (Europe/Berlin)" in page.content.decode()


def test_mentor_sees_the_follow_up_controls_and_the_mentee_does_not(booking, mentor, mentee):
    url = reverse("conversations:page", args=[booking.pk])
    assert 'id="thread-close"' in _client(mentor).get(url).content.decode()
    assert 'id="thread-manage"' not in _client(mentee).get(url).content.decode()
    refused = _client(mentee).post(reverse("conversations:close", args=[booking.pk]))
    assert refused.status_code == 403


def test_stale_shared_note_save_rerenders_with_the_conflict_and_keeps_the_text(booking, mentor, mentee):
    services.note_save(booking=booking, author=mentor, body="mentor's version", shared=True, version=0)
    response = _client(mentee).post(reverse("conversations:note", args=[booking.pk, "shared"]),
                                    {"body": "my stale version", "version": "0"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed the shared notes" in html and "my stale version" in html
    assert Note.objects.get(shared=True).body == "mentor's version"


def test_action_items_are_added_and_ticked_on_the_page(booking, mentee, mentor):
    client = _client(mentor)
    client.post(reverse("conversations:action_add", args=[booking.pk]),
                {"text": "Rewrite the summary", "owner": str(mentee.pk), "due_date": "2026-11-20"})
    item = ActionItem.objects.get()
    assert (item.owner_id, str(item.due_date)) == (mentee.pk, "2026-11-20")
    client.post(reverse("conversations:action_toggle", args=[booking.pk, item.pk]))
    item.refresh_from_db()
    assert item.done_at is not None
    page = _client(mentee).get(reverse("conversations:page", args=[booking.pk])).content.decode()
    assert 'aria-pressed="true"' in page and "due Fri 20 Nov 2026" in page


def test_page_query_count_does_not_grow_with_content(booking, mentee, mentor):
    client = _client(mentee)
    url = reverse("conversations:page", args=[booking.pk])
    services.message_post(booking=booking, author=mentor, body="first")  # unread: the view marks it read
    services.agenda_add(booking=booking, author=mentee, text="first")
    services.action_item_create(booking=booking, actor=mentor, text="first")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        services.message_post(booking=booking, author=mentor, body=f"m{i}")
        services.agenda_add(booking=booking, author=mentee, text=f"p{i}")
        services.action_item_create(booking=booking, actor=mentor, text=f"a{i}", owner_id=mentor.pk)
    services.note_save(booking=booking, author=mentor, body="shared", shared=True)
    with CaptureQueriesContext(connection) as full:
        assert client.get(url).status_code == 200
    assert len(full) == len(few)


def test_every_other_conversation_page_sends_anonymous_visitors_to_sign_in(booking, mentee, mentor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    message = services.message_post(booking=booking, author=mentor, body="see attached",
                                    files=[SimpleUploadedFile("a.txt", b"plain words", "text/plain")])
    gets = [reverse("conversations:inbox"), reverse("conversations:unread"),
            reverse("conversations:poll", args=[booking.pk]), reverse("conversations:moderation"),
            reverse("conversations:attachment", args=[message.attachments.get().pk])]
    posts = [reverse("conversations:report", args=[booking.pk, message.pk]),
             reverse("conversations:block", args=[booking.pk])]
    for url in gets:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in posts:
        assert Client().post(url, {"reason": "x"}).status_code == 302, url
    from accounts.models import Block
    from conversations.models import MessageReport

    assert not MessageReport.objects.exists() and not Block.objects.exists()
