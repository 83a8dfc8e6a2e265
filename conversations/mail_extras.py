"""What conversations add to booking mail (registered in ConversationsConfig.ready()).

- Reminders: the agenda points, the latest message if it still waits for the recipient's answer,
  and the action items still open from earlier sessions of the same two people.
- The recap after a session ("How was your session?"): its action items, and for the mentee a
  one-click way to book the same mentor again.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from accounts.models import MentorProfile
from accounts.selectors import mentor_listed_q, mentor_visible_q
from conversations.models import ActionItem, Message
from conversations.selectors import agenda_of, thread_of
from mentorship.links import absolute_reverse, absolute_url

REMINDER_KINDS = ("reminder_24h", "reminder_1h")


def _render(name: str, context: dict) -> dict:
    return {"extras_text": render_to_string(f"conversations/email/{name}.txt", context),
            "extras_html": render_to_string(f"conversations/email/{name}.html", context)}


def _pair_items(booking):
    return (ActionItem.objects.select_related("owner")
            .filter(booking__mentor_id=booking.mentor_id, booking__mentee_id=booking.mentee_id))


def _book_again_url(booking, recipient) -> str:
    """The mentor's page at its booking panel, while the mentor is listed and the recipient may
    still see them (an internal mentor, once the mentee left their organisation: no offer)."""
    profile = (MentorProfile.objects.filter(mentor_visible_q(viewer=recipient), mentor_listed_q(),
                                            user_id=booking.mentor_id).only("slug").first())
    return absolute_url(profile.get_absolute_url()) + "#booking-panel-heading" if profile else ""


def booking_mail_extras(*, notification, booking, recipient, zone: str) -> dict | None:
    conversation_url = absolute_reverse("conversations:page", args=[booking.pk])
    if notification.kind in REMINDER_KINDS:
        thread = thread_of(booking=booking)
        last = (Message.objects.filter(thread=thread, hidden_at__isnull=True).select_related("author")
                .order_by("-pk").first() if thread else None)
        context = {
            "agenda": list(agenda_of(booking=booking)),
            "waiting": last if last and last.author_id != recipient.pk else None,
            "open_items": list(_pair_items(booking).filter(done_at__isnull=True, booking__start__lt=booking.start)
                               .order_by("due_date", "pk")),
            "conversation_url": conversation_url, "zone": zone,
        }
        if not (context["agenda"] or context["waiting"] or context["open_items"]):
            return None
        return _render("reminder_extras", context)
    if notification.kind == "session_completed":
        context = {
            "items": list(_pair_items(booking).filter(booking=booking).order_by("done_at", "due_date", "pk")),
            "book_again_url": _book_again_url(booking, recipient) if recipient.pk == booking.mentee_id else "",
            "conversation_url": conversation_url,
        }
        return _render("recap_extras", context)
    return None
