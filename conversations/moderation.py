"""Reported messages: a participant reports, a moderator hides or keeps the message, audited.

A conversation is private: moderators read a message only through a report on it, with the few
messages around it that a fair decision needs, and every decision is logged (MessageDecision).
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from conversations.errors import ConversationError
from conversations.models import Message, MessageDecision, MessageReport
from mentorship.text import multi_line_error
from ratings.services import can_moderate

REASON_MAX_LENGTH = 1000
CONTEXT = 3  # messages shown before and after the reported one


def _reason(value: str, *, required: bool) -> str:
    if (message := multi_line_error(value)) is not None:
        raise ConversationError(message, code="invalid", field_errors={"reason": [message]})
    value = (value or "").strip()
    if required and not value:
        raise ConversationError("Say why, in a sentence.", code="invalid",
                                field_errors={"reason": ["Say why, in a sentence."]})
    if len(value) > REASON_MAX_LENGTH:
        raise ConversationError("Too long.", code="invalid",
                                field_errors={"reason": [f"Keep it to {REASON_MAX_LENGTH} characters."]})
    return value


def message_report(*, message: Message, reporter: User, reason: str, now: datetime | None = None) -> MessageReport:
    """A participant reports the other's message; it joins the moderators' queue."""
    now = now or timezone.now()
    if reporter.pk not in message.thread.participant_ids() or message.hidden_at is not None:
        raise ConversationError("Message not found.", code="not_found")
    if message.author_id == reporter.pk:
        raise ConversationError("You cannot report your own message.", code="forbidden")
    reason = _reason(reason, required=True)
    try:
        with transaction.atomic():
            return MessageReport.objects.create(message=message, reporter=reporter, reason=reason, created_at=now)
    except IntegrityError:
        raise ConversationError("You already reported this message.", code="already_reported")


def message_reports_open() -> QuerySet[MessageReport]:
    return (MessageReport.objects.filter(state=MessageReport.State.OPEN)
            .select_related("message__author", "message__thread__mentor", "message__thread__mentee", "reporter")
            .order_by("created_at", "id"))


def message_context(*, message: Message) -> list[Message]:
    """The reported message with up to CONTEXT messages either side (two queries)."""
    around = Message.objects.filter(thread_id=message.thread_id).select_related("author")
    before = list(around.filter(pk__lt=message.pk).order_by("-pk")[:CONTEXT])[::-1]
    after = list(around.filter(pk__gt=message.pk).order_by("pk")[:CONTEXT])
    return [*before, message, *after]


def message_report_decide(*, report: MessageReport, moderator: User, decision: str, reason: str,
                          now: datetime | None = None) -> MessageDecision:
    """Hide the message (every open report on it is upheld) or keep it (this report is dismissed)."""
    now = now or timezone.now()
    if not can_moderate(moderator):  # the same people who moderate reviews
        raise ConversationError("Only moderators can do that.", code="not_moderator")
    if decision not in MessageDecision.Action.values:
        raise ConversationError("Choose hide or keep.", code="invalid",
                                field_errors={"decision": ["Choose hide or keep."]})
    reason = _reason(reason, required=True)
    with transaction.atomic():
        report = MessageReport.objects.select_for_update().select_related("message").get(pk=report.pk)
        if report.state != MessageReport.State.OPEN:
            raise ConversationError("This report was already decided.", code="report_closed")
        message = report.message
        if decision == MessageDecision.Action.HIDE:
            Message.objects.filter(pk=message.pk).update(hidden_at=now, hidden_reason=reason)
            MessageReport.objects.filter(message=message, state=MessageReport.State.OPEN).update(
                state=MessageReport.State.UPHELD)
        else:
            MessageReport.objects.filter(pk=report.pk).update(state=MessageReport.State.DISMISSED)
        return MessageDecision.objects.create(message=message, moderator=moderator, action=decision, reason=reason,
                                              at=now)
