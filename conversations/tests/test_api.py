"""The conversation API: every endpoint for every role, bad input, paging and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conversations import services
from conversations.models import ActionItem, AgendaItem, Message, Note
from tests.factories import BookingFactory, MenteeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(mentor, mentee):
    return BookingFactory(mentor=mentor, mentee=mentee)


@pytest.fixture
def items(booking, mentee):
    agenda = services.agenda_add(booking=booking, author=mentee, text="My CV")
    action = services.action_item_create(booking=booking, actor=mentee, text="Send CV")
    return {"agenda": agenda.pk, "action": action.pk}


def _endpoints(booking_id: int, items: dict) -> list[tuple[str, str, dict | None]]:
    b = {"pk": booking_id}
    return [
        ("get", reverse("api:booking-thread", kwargs=b), None),
        ("post", reverse("api:booking-thread-close", kwargs=b), {}),
        ("post", reverse("api:booking-thread-extend", kwargs=b), {"days": 3}),
        ("get", reverse("api:booking-messages", kwargs=b), None),
        ("post", reverse("api:booking-messages", kwargs=b), {"body": "hi"}),
        ("get", reverse("api:booking-agenda", kwargs=b), None),
        ("post", reverse("api:booking-agenda", kwargs=b), {"text": "a point"}),
        ("delete", reverse("api:agenda-item", kwargs={"pk": items["agenda"]}), None),
        ("get", reverse("api:booking-note-private", kwargs=b), None),
        ("put", reverse("api:booking-note-private", kwargs=b), {"body": "mine"}),
        ("get", reverse("api:booking-note-shared", kwargs=b), None),
        ("put", reverse("api:booking-note-shared", kwargs=b), {"body": "ours", "version": 0}),
        ("get", reverse("api:booking-action-items", kwargs=b), None),
        ("post", reverse("api:booking-action-items", kwargs=b), {"text": "do it"}),
        ("patch", reverse("api:action-item", kwargs={"pk": items["action"]}), {"done": True}),
        ("delete", reverse("api:action-item", kwargs={"pk": items["action"]}), None),
    ]


def _call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


def _snapshot():
    return (Message.objects.count(), AgendaItem.objects.count(), Note.objects.count(),
            list(ActionItem.objects.values_list("pk", "done_at")))


def test_anonymous_gets_401_everywhere(booking, items):
    client = APIClient()
    before = _snapshot()
    for method, url, body in _endpoints(booking.pk, items):
        assert _call(client, method, url, body).status_code == 401, (method, url)
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["stranger", "staff", "moderator"])
def test_everyone_but_the_two_participants_gets_404(request, booking, items, client_for, who):
    client = client_for(request.getfixturevalue(who))
    before = _snapshot()
    for method, url, body in _endpoints(booking.pk, items):
        response = _call(client, method, url, body)
        assert response.status_code == 404, (who, method, url, response.status_code)
        assert response.json()["code"] == "not_found"
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_each_participant_can_use_every_endpoint(request, booking, items, client_for, who):
    client = client_for(request.getfixturevalue(who))
    for method, url, body in _endpoints(booking.pk, items):
        if "close" in url and who == "mentee":
            assert _call(client, method, url, body).status_code == 403
            continue
        if "extend" in url and who == "mentee":
            assert _call(client, method, url, body).status_code == 403
            continue
        if method == "delete" and "agenda" in url and who == "mentor":
            assert _call(client, method, url, body).status_code == 403  # the mentee's point
            continue
        response = _call(client, method, url, body)
        assert response.status_code in (200, 201, 204), (who, method, url, response.content)


def test_message_round_trip_and_thread_state(booking, mentee, mentor, client_for):
    client = client_for(mentee)
    url = reverse("api:booking-messages", kwargs={"pk": booking.pk})
    posted = client.post(url, {"body": "Here is my **draft**"}, format="json")
    assert posted.status_code == 201
    assert posted.json()["body_html"] == "<p>Here is my <strong>draft</strong></p>"
    listed = client_for(mentor).get(url).json()
    assert [m["body"] for m in listed["results"]] == ["Here is my **draft**"]
    assert listed["results"][0]["author"] == {"id": mentee.pk, "name": mentee.display_name}
    thread = client.get(reverse("api:booking-thread", kwargs={"pk": booking.pk})).json()
    assert thread["open"] is True and thread["message_count"] == 1 and thread["can_manage"] is False


@pytest.mark.parametrize("body, code", [
    ({"body": ""}, "invalid"),
    ({"body": "x" * 4001}, "invalid"),
    ({"body": "<script>alert(1)</script>"}, "unsafe_markup"),
    ({"body": "[x](javascript:alert(1))"}, "unsafe_markup"),
    ({}, "invalid"),
])
def test_bad_messages_get_400_with_a_field_message_and_nothing_is_written(booking, mentee, client_for, body, code):
    response = client_for(mentee).post(reverse("api:booking-messages", kwargs={"pk": booking.pk}), body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["errors"]["body"] and data["error_codes"]["body"][0] in (code, "required")
    assert not Message.objects.exists()


def test_posting_after_the_window_is_409_thread_closed(mentor, mentee, client_for, frozen_now):
    from datetime import timedelta

    from django.utils import timezone

    past = BookingFactory(mentor=mentor, mentee=mentee, status="completed",
                          start=timezone.now() - timedelta(days=30))
    response = client_for(mentee).post(reverse("api:booking-messages", kwargs={"pk": past.pk}), {"body": "hi"},
                                       format="json")
    assert response.status_code == 409 and response.json()["code"] == "thread_closed"
    assert client_for(mentee).get(reverse("api:booking-messages", kwargs={"pk": past.pk})).status_code == 200


def test_messages_page_by_cursor_oldest_first(booking, mentee, client_for):
    for i in range(5):
        services.message_post(booking=booking, author=mentee, body=f"message {i}")
    client = client_for(mentee)
    first = client.get(reverse("api:booking-messages", kwargs={"pk": booking.pk}), {"page_size": 2}).json()
    assert [m["body"] for m in first["results"]] == ["message 0", "message 1"]
    second = client.get(first["next"]).json()
    assert [m["body"] for m in second["results"]] == ["message 2", "message 3"]


def test_message_list_query_count_does_not_grow_with_messages(booking, mentee, mentor, client_for):
    client = client_for(mentee)
    url = reverse("api:booking-messages", kwargs={"pk": booking.pk})
    services.message_post(booking=booking, author=mentor, body="one")  # unread: the list marks it read
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(10):
        services.message_post(booking=booking, author=mentor, body=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["results"]) == 11
    assert len(many) == len(few)


def test_shared_note_conflict_is_409_and_keeps_the_other_text(booking, mentor, mentee, client_for):
    url = reverse("api:booking-note-shared", kwargs={"pk": booking.pk})
    assert client_for(mentee).put(url, {"body": "v1", "version": 0}, format="json").json()["version"] == 1
    assert client_for(mentor).put(url, {"body": "v2", "version": 1}, format="json").status_code == 200
    stale = client_for(mentee).put(url, {"body": "v3", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    assert client_for(mentee).get(url).json()["body"] == "v2"


def test_private_note_is_the_callers_own(booking, mentor, mentee, client_for):
    url = reverse("api:booking-note-private", kwargs={"pk": booking.pk})
    client_for(mentee).put(url, {"body": "only mine"}, format="json")
    assert client_for(mentor).get(url).json()["body"] == ""
    assert client_for(mentee).get(url).json()["body"] == "only mine"


def test_action_item_owner_outside_the_session_is_400(booking, mentee, client_for):
    other = MenteeFactory()
    response = client_for(mentee).post(reverse("api:booking-action-items", kwargs={"pk": booking.pk}),
                                       {"text": "x", "owner": other.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.json()["errors"]
    assert not ActionItem.objects.exists()


def test_agenda_point_of_another_booking_is_404_for_someone_outside_it(booking, mentee, client_for):
    from datetime import timedelta

    other_booking = BookingFactory(mentee=mentee, start=booking.start + timedelta(days=1))
    foreign = services.agenda_add(booking=other_booking, author=other_booking.mentor, text="theirs")
    # booking.mentor mentors the same mentee, but not in that session.
    assert client_for(booking.mentor).delete(reverse("api:agenda-item", kwargs={"pk": foreign.pk})).status_code == 404
    assert AgendaItem.objects.filter(pk=foreign.pk).exists()


def test_anonymous_gets_401_on_the_other_endpoints(booking, mentee, mentor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    message = services.message_post(booking=booking, author=mentor, body="see attached",
                                    files=[SimpleUploadedFile("a.txt", b"plain words", "text/plain")])
    client = APIClient()
    calls = [("get", reverse("api:threads")), ("get", reverse("api:threads-unread")),
             ("get", reverse("api:attachment", kwargs={"pk": message.attachments.get().pk})),
             ("post", reverse("api:message-report", kwargs={"pk": message.pk})),
             ("get", reverse("api:message-reports")),
             ("get", reverse("api:accounts-blocks")), ("post", reverse("api:accounts-blocks")),
             ("delete", reverse("api:accounts-block-detail", kwargs={"user_id": mentor.pk}))]
    for method, url in calls:
        assert getattr(client, method)(url).status_code == 401, (method, url)
