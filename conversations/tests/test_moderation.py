"""Reported messages: participants report, moderators hide or keep with a reason, audited; nobody
else sees the queue or the message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conversations import services
from conversations.errors import ConversationError
from conversations.models import Message, MessageDecision, MessageReport
from conversations.moderation import message_context, message_report, message_report_decide
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(mentor, mentee):
    return BookingFactory(mentor=mentor, mentee=mentee)


@pytest.fixture
def rude(booking, mentor, mentee):
    services.message_post(booking=booking, author=mentee, body="Thanks for accepting!")
    return services.message_post(booking=booking, author=mentor, body="Pay me on PayPal instead, cheaper")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_participant_reports_and_the_moderator_hides_with_a_reason(rude, mentee, moderator):
    report = message_report(message=rude, reporter=mentee, reason="Asks for payment off the platform")
    context = message_context(message=rude)
    assert [m.body for m in context] == ["Thanks for accepting!", "Pay me on PayPal instead, cheaper"]
    decision = message_report_decide(report=report, moderator=moderator, decision="hide", reason="Off-platform payment")
    rude.refresh_from_db()
    report.refresh_from_db()
    assert rude.hidden_at is not None and rude.hidden_reason == "Off-platform payment"
    assert report.state == "upheld"
    assert (decision.moderator_id, decision.action, decision.reason) == (moderator.pk, "hide", "Off-platform payment")
    with pytest.raises(ConversationError) as again:
        message_report_decide(report=report, moderator=moderator, decision="dismiss", reason="x")
    assert again.value.code == "report_closed"
    assert MessageDecision.objects.count() == 1


def test_a_hidden_message_leaves_the_thread_for_both(booking, rude, mentee, mentor, moderator, client_for):
    report = message_report(message=rude, reporter=mentee, reason="spam")
    message_report_decide(report=report, moderator=moderator, decision="hide", reason="spam")
    bodies = [m["body"] for m in client_for(mentor).get(
        reverse("api:booking-messages", kwargs={"pk": booking.pk})).json()["results"]]
    assert bodies == ["Thanks for accepting!"]
    assert "PayPal" not in _client(mentee).get(reverse("conversations:page", args=[booking.pk])).content.decode()


def test_dismissing_keeps_the_message(rude, mentee, moderator):
    report = message_report(message=rude, reporter=mentee, reason="rude?")
    message_report_decide(report=report, moderator=moderator, decision="dismiss", reason="Not against the rules")
    rude.refresh_from_db()
    assert rude.hidden_at is None
    assert MessageReport.objects.get().state == "dismissed"


@pytest.mark.parametrize("who, code", [("mentor", "forbidden"), ("stranger", "not_found"), ("staff", "not_found")])
def test_only_the_other_participant_can_report(request, rude, who, code):
    with pytest.raises(ConversationError) as info:
        message_report(message=rude, reporter=request.getfixturevalue(who), reason="x")
    assert info.value.code == code
    assert not MessageReport.objects.exists()


def test_one_report_per_person_and_a_reason_is_needed(rude, mentee):
    with pytest.raises(ConversationError) as info:
        message_report(message=rude, reporter=mentee, reason="  ")
    assert info.value.field_errors["reason"]
    message_report(message=rude, reporter=mentee, reason="spam")
    with pytest.raises(ConversationError) as info:
        message_report(message=rude, reporter=mentee, reason="spam again")
    assert info.value.code == "already_reported"


def test_reporting_through_the_page_and_the_api(booking, rude, mentee, client_for):
    response = _client(mentee).post(reverse("conversations:report", args=[booking.pk, rude.pk]), {"reason": "spam"})
    assert response.status_code == 302
    again = client_for(mentee).post(reverse("api:message-report", kwargs={"pk": rude.pk}), {"reason": "spam"},
                                    format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_reported"
    assert MessageReport.objects.count() == 1


def test_strangers_cannot_reach_a_message_to_report_it(rude, stranger, staff, client_for):
    for outsider in (stranger, staff):
        response = client_for(outsider).post(reverse("api:message-report", kwargs={"pk": rude.pk}),
                                             {"reason": "x"}, format="json")
        assert response.status_code == 404
    assert not MessageReport.objects.exists()


def test_queue_is_for_moderators_only(rude, mentee, moderator, stranger, mentor, client_for):
    report = message_report(message=rude, reporter=mentee, reason="spam")
    page = _client(moderator).get(reverse("conversations:moderation")).content.decode()
    assert "Pay me on PayPal" in page and "Thanks for accepting!" in page and "spam" in page
    for outsider in (stranger, mentor, mentee):
        assert _client(outsider).get(reverse("conversations:moderation")).status_code == 404
        assert _client(outsider).post(reverse("conversations:decide", args=[report.pk]),
                                      {"decision": "hide", "reason": "x"}).status_code == 404
        assert client_for(outsider).get(reverse("api:message-reports")).status_code == 403
        assert client_for(outsider).post(reverse("api:message-report-decide", kwargs={"pk": report.pk}),
                                         {"decision": "hide", "reason": "x"}, format="json").status_code == 403
    rude.refresh_from_db()
    assert rude.hidden_at is None
    queue = client_for(moderator).get(reverse("api:message-reports")).json()["results"]
    assert [r["id"] for r in queue] == [report.pk]
    assert [m["body"] for m in queue[0]["context"]] == ["Thanks for accepting!", "Pay me on PayPal instead, cheaper"]


def test_moderator_decides_on_the_page_and_a_missing_reason_rerenders(rude, mentee, moderator):
    report = message_report(message=rude, reporter=mentee, reason="spam")
    client = _client(moderator)
    refused = client.post(reverse("conversations:decide", args=[report.pk]), {"decision": "hide", "reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    done = client.post(reverse("conversations:decide", args=[report.pk]), {"decision": "hide", "reason": "spam"})
    assert done.status_code == 302
    assert Message.objects.get(pk=rude.pk).hidden_at is not None


def test_the_reviews_queue_links_to_reported_messages(moderator):
    page = _client(moderator).get(reverse("ratings:moderation_queue")).content.decode()
    assert f'href="{reverse("conversations:moderation")}"' in page
