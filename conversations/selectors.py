"""Reads for threads, agendas, notes and action items, and the one rule of who sees them.

Only the two participants of a booking see anything here; staff are not participants and get the
same 404 as a stranger (a conversation is private; moderators will see a message only when a
participant reports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.selectors import block_between
from conversations.models import ActionItem, AgendaItem, Attachment, Message, Note, ReadState, Thread
from sessions.models import Booking
from sessions.models.bookings import LIVE_STATUSES


def booking_for_participant(*, user: User, pk: int) -> Booking | None:
    """The booking if this user is its mentor or mentee, else None (the caller answers 404)."""
    if not user.is_authenticated:
        return None
    return (Booking.objects.select_related("mentor", "mentee")
            .filter(Q(mentor=user) | Q(mentee=user), pk=pk).first())


def thread_of(*, booking: Booking) -> Thread | None:
    return Thread.objects.filter(mentor_id=booking.mentor_id, mentee_id=booking.mentee_id).first()


@dataclass(frozen=True)
class ThreadState:
    open: bool
    # When an open thread closes by itself (None: while a session is still ahead, or when closed).
    open_until: datetime | None
    why: str


def follow_up_window() -> timedelta:
    return timedelta(days=settings.CONVERSATIONS_FOLLOW_UP_DAYS)


def thread_state(*, mentor_id: int, mentee_id: int, thread: Thread | None, now: datetime | None = None) -> ThreadState:
    """Whether the pair may post: the one rule, used by the services, the pages and the API."""
    now = now or timezone.now()
    pair = Booking.objects.filter(mentor_id=mentor_id, mentee_id=mentee_id)
    facts = pair.aggregate(
        last_end=Max("end"),
        last_booked=Max("created_at"),
        live_end=Max("end", filter=Q(status__in=LIVE_STATUSES)),
    )
    if block_between(a_id=mentor_id, b_id=mentee_id) is not None:
        return ThreadState(False, None, "You can no longer message each other.")
    closed_at = thread.closed_at if thread else None
    extended_until = thread.extended_until if thread else None
    if closed_at and (facts["last_booked"] is None or closed_at >= facts["last_booked"]):
        return ThreadState(False, None, "The mentor closed this conversation. Book again to reopen it.")
    if facts["last_end"] is None:
        return ThreadState(False, None, "There is no session between you.")
    window_end = facts["last_end"] + follow_up_window()
    if facts["live_end"] is not None:
        days = settings.CONVERSATIONS_FOLLOW_UP_DAYS
        return ThreadState(True, None, f"Open until {days} day{'s' if days != 1 else ''} after your session.")
    until = max(window_end, extended_until) if extended_until else window_end
    if until > now:
        return ThreadState(True, until, "Open for follow-up questions.")
    return ThreadState(False, None, "The follow-up window has ended. Book again to continue the conversation.")


def messages_of(*, thread: Thread | None) -> QuerySet[Message]:
    if thread is None:
        return Message.objects.none()
    return (thread.messages.select_related("author").prefetch_related("attachments")
            .filter(hidden_at__isnull=True).order_by("id"))


def agenda_of(*, booking: Booking) -> QuerySet[AgendaItem]:
    return booking.agenda_items.select_related("author").order_by("id")


def action_items_of(*, booking: Booking) -> QuerySet[ActionItem]:
    # Open items first, soonest due first (no due date last), then by creation.
    return (booking.action_items.select_related("owner")
            .order_by(F("done_at").asc(nulls_first=True), F("due_date").asc(nulls_last=True), "id"))


def action_item_for_participant(*, user: User, pk: int) -> ActionItem | None:
    if not user.is_authenticated:
        return None
    return (ActionItem.objects.select_related("booking", "owner")
            .filter(Q(booking__mentor=user) | Q(booking__mentee=user), pk=pk).first())


def agenda_item_for_participant(*, user: User, pk: int) -> AgendaItem | None:
    if not user.is_authenticated:
        return None
    return (AgendaItem.objects.select_related("booking", "author")
            .filter(Q(booking__mentor=user) | Q(booking__mentee=user), pk=pk).first())


def note_private(*, booking: Booking, user: User) -> Note | None:
    return booking.notes.filter(shared=False, author=user).first()


def note_shared(*, booking: Booking) -> Note | None:
    return booking.notes.select_related("author").filter(shared=True).first()


def _read_upto(user: User, thread_ref: str):
    read = ReadState.objects.filter(thread=OuterRef(thread_ref), user=user).values("last_read_id")[:1]
    return Coalesce(Subquery(read, output_field=IntegerField()), 0)


def unread_count(*, user: User) -> int:
    """Messages written to this user that they have not seen, across all their threads (one query)."""
    if not user.is_authenticated:
        return 0
    return (Message.objects.filter(Q(thread__mentor=user) | Q(thread__mentee=user), hidden_at__isnull=True)
            .exclude(author=user).annotate(read_upto=_read_upto(user, "thread_id"))
            .filter(pk__gt=F("read_upto")).count())


def threads_of(*, user: User) -> QuerySet[Thread]:
    """The user's conversations, latest message first, each with its unread count and the pair's
    latest booking (where the conversation page lives): one query for any number of threads."""
    latest = Booking.objects.filter(mentor_id=OuterRef("mentor_id"), mentee_id=OuterRef("mentee_id")).order_by("-start")
    unread = Count("messages", filter=Q(messages__hidden_at__isnull=True, messages__pk__gt=F("read_upto"))
                   & ~Q(messages__author=user))
    return (Thread.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related("mentor", "mentee")
            .annotate(read_upto=_read_upto(user, "pk"))
            .annotate(unread=unread, booking_id=Subquery(latest.values("pk")[:1]),
                      booking_topic=Subquery(latest.values("topic")[:1]))
            .order_by(F("last_message_at").desc(nulls_last=True), "-pk"))


def attachment_for_participant(*, user: User, pk: int) -> Attachment | None:
    """A file if this user is one of its thread's two participants (and its message is not hidden)."""
    if not user.is_authenticated:
        return None
    return (Attachment.objects.select_related("message__thread")
            .filter(Q(message__thread__mentor=user) | Q(message__thread__mentee=user),
                    message__hidden_at__isnull=True, pk=pk).first())


def message_for_participant(*, user: User, pk: int) -> Message | None:
    if not user.is_authenticated:
        return None
    return (Message.objects.select_related("thread", "author")
            .filter(Q(thread__mentor=user) | Q(thread__mentee=user), hidden_at__isnull=True, pk=pk).first())
