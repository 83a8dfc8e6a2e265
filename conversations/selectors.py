"""Reads for threads, agendas, notes and action items, and the one rule of who sees them.

Only the two participants of a booking see anything here; staff are not participants and get the
same 404 as a stranger (a conversation is private; moderators will see a message only when a
participant reports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from conversations.models import ActionItem, AgendaItem, Message, Note, Thread
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
    return thread.messages.select_related("author").filter(hidden_at__isnull=True).order_by("id")


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
