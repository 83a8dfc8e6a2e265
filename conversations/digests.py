"""New-message digests: one email per thread per recipient per window, exactly once.

Due rows (ReadState.mail_due_at) are claimed with SELECT ... FOR UPDATE SKIP LOCKED, the mail is
put in the booking outbox (which sends and retries it) and the row is marked, in one transaction:
two dispatchers at once take disjoint rows, a crash rolls back both the mail and the mark, and the
outbox's dedupe key (thread, recipient, last message) refuses a second copy even then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from conversations.models import Message, ReadState
from mentorship.claims import claim
from mentorship.links import absolute_reverse
from sessions.models import Booking
from sessions.services.notifications import mail_enqueue

DIGEST_KIND = "message_digest"
SHOWN = 10  # messages quoted in one mail; the rest are "and N more" behind the link


def _latest_booking(state: ReadState) -> Booking | None:
    return (Booking.objects.filter(mentor_id=state.thread.mentor_id, mentee_id=state.thread.mentee_id)
            .order_by("-start").first())


def _mail(state: ReadState, unread: list[Message], now: datetime) -> None:
    booking = _latest_booking(state)
    other = unread[-1].author
    context = {
        "recipient": state.user, "other": other, "messages": unread[-SHOWN:],
        "more": max(len(unread) - SHOWN, 0), "count": len(unread),
        "reply_url": absolute_reverse("conversations:page", args=[booking.pk]) + "#message-form",
        "booking": booking, "window": settings.CONVERSATIONS_DIGEST_MINUTES,
        "zone": state.user.timezone, "preferences_url": absolute_reverse("accounts:me"),
    }
    subject = (f"New message from {other.display_name}" if len(unread) == 1
               else f"{len(unread)} new messages from {other.display_name}")
    mail_enqueue(
        recipient=state.user, kind=DIGEST_KIND, subject=subject,
        text=render_to_string("conversations/email/digest.txt", context),
        html=render_to_string("conversations/email/digest.html", context),
        dedupe_key=f"digest:thread{state.thread_id}:user{state.user_id}:upto{unread[-1].pk}", now=now,
    )


def digests_send_due(*, now: datetime | None = None, batch: int = 200) -> int:
    """Mail every due digest; returns how many mails were queued. Running it twice mails once."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.CONVERSATIONS_DIGEST_MINUTES)
    sent = 0
    with transaction.atomic():
        due = list(claim(ReadState.objects.filter(mail_due_at__lte=now)
                          .select_related("thread", "user").order_by("mail_due_at", "pk"))[:batch])
        for state in due:
            if state.last_mailed_at is not None and state.last_mailed_at + window > now:
                state.mail_due_at = state.last_mailed_at + window  # too soon after the last mail
                state.save(update_fields=["mail_due_at"])
                continue
            unread = list(
                Message.objects.filter(thread_id=state.thread_id, hidden_at__isnull=True,
                                       pk__gt=max(state.last_read_id, state.last_mailed_id))
                .exclude(author_id=state.user_id).select_related("author").order_by("pk"))
            state.mail_due_at = None
            fields = ["mail_due_at"]
            if unread and state.user.is_active:
                _mail(state, unread, now)
                state.last_mailed_id, state.last_mailed_at = unread[-1].pk, now
                fields += ["last_mailed_id", "last_mailed_at"]
                sent += 1
            state.save(update_fields=fields)
    return sent
