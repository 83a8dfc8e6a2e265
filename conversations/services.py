"""Every write around a session: messages, the mentor's levers on the thread, agenda, notes, action items.

Callers load the booking with selectors.booking_for_participant (404 for anyone else); the services
check again (a task or a future caller may not have), validate, then write. Refusals are
ConversationError with registered codes, so the page and the API say the same thing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from conversations import attachments, markup
from conversations.errors import ConversationError
from conversations.models import (
    ACTION_MAX_LENGTH,
    AGENDA_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    ActionItem,
    AgendaItem,
    Attachment,
    Message,
    Note,
    ReadState,
    Thread,
)
from conversations.selectors import thread_of, thread_state
from mentorship.datetimes import OUT_OF_RANGE, date_in_range
from mentorship.text import multi_line_error, single_line_error
from sessions.models import Booking
from sessions.models.bookings import LIVE_STATUSES

_UNSET = object()


def _require_participant(booking: Booking, user: User) -> None:
    if not booking.is_participant(user):
        raise ConversationError("Session not found.", code="not_found")


def _require_mentor(booking: Booking, user: User, verb: str) -> None:
    _require_participant(booking, user)
    if user.pk != booking.mentor_id:
        raise ConversationError(f"Only the mentor can {verb} the conversation.", code="forbidden")


def _field_error(field: str, message: str) -> ConversationError:
    return ConversationError(message, code="invalid", field_errors={field: [message]})


def _single_line(field: str, value: str, max_length: int, label: str) -> str:
    if (message := single_line_error(value)) is not None:
        raise _field_error(field, message)
    value = (value or "").strip()
    if not value:
        raise _field_error(field, f"Write the {label}.")
    if len(value) > max_length:
        raise _field_error(field, f"Keep the {label} to {max_length} characters (it has {len(value)}).")
    return value


def _require_open(booking: Booking, now: datetime) -> Thread | None:
    thread = thread_of(booking=booking)
    state = thread_state(mentor_id=booking.mentor_id, mentee_id=booking.mentee_id, thread=thread, now=now)
    if not state.open:
        raise ConversationError(state.why, code="thread_closed")
    return thread


def _thread_for(booking: Booking, now: datetime) -> Thread:
    """The pair's thread, created with both participants' read states on first use."""
    try:
        with transaction.atomic():
            thread, created = Thread.objects.get_or_create(mentor_id=booking.mentor_id, mentee_id=booking.mentee_id,
                                                           defaults={"created_at": now})
            if created:
                ReadState.objects.bulk_create([ReadState(thread=thread, user_id=pk) for pk in thread.participant_ids()])
    except IntegrityError:  # the other participant created it at the same moment
        thread = Thread.objects.get(mentor_id=booking.mentor_id, mentee_id=booking.mentee_id)
    return thread


def _checked_files(files) -> list[tuple[object, attachments.Kind]]:
    files = list(files or [])
    limit = settings.CONVERSATIONS_ATTACHMENTS_PER_MESSAGE
    if len(files) > limit:
        raise _field_error("files", f"Attach at most {limit} files to one message.")
    checked = []
    for upload in files:
        try:
            checked.append((upload, attachments.check_upload(upload)))
        except attachments.AttachmentRefused as exc:
            raise _field_error("files", str(exc))
    return checked


def message_post(*, booking: Booking, author: User, body: str, files=(), now: datetime | None = None) -> Message:
    """Post to the pair's thread while it is open; the body is Markdown, stored with its safe HTML.
    Files (at most CONVERSATIONS_ATTACHMENTS_PER_MESSAGE, each checked by its bytes) go with it."""
    now = now or timezone.now()
    _require_participant(booking, author)
    if (message := multi_line_error(body)) is not None:
        raise _field_error("body", message)
    body = (body or "").strip()
    checked = _checked_files(files)
    if not body and not checked:
        raise _field_error("body", "Write a message first.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise _field_error("body", f"Keep a message to {MESSAGE_MAX_LENGTH} characters (this one has {len(body)}).")
    if markup.unsafe_markup(body):
        raise ConversationError(markup.UNSAFE_MESSAGE, code="unsafe_markup", field_errors={"body": [markup.UNSAFE_MESSAGE]})
    _require_open(booking, now)
    with transaction.atomic():
        thread = _thread_for(booking, now)
        message = Message.objects.create(thread=thread, author=author, booking=booking, body=body,
                                         body_html=markup.render(body), created_at=now)
        storage = attachments.private_storage()
        for upload, kind in checked:
            stored = storage.save(attachments.random_name(kind), upload)
            Attachment.objects.create(message=message, file=stored, name=attachments.clean_name(upload.name),
                                      content_type=kind.content_type, size=upload.size)
        Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
        thread_mark_read(thread=thread, user=author, upto_id=message.pk)
        _digest_arm(thread=thread, recipient_id=booking.mentee_id if author.pk == booking.mentor_id
                    else booking.mentor_id, now=now)
    return message


def thread_mark_read(*, thread: Thread, user: User, upto_id: int) -> None:
    """The user has seen the thread up to this message (one UPDATE; never moves backwards)."""
    if user.pk in thread.participant_ids() and upto_id:
        ReadState.objects.filter(thread=thread, user_id=user.pk, last_read_id__lt=upto_id).update(last_read_id=upto_id)


def _digest_arm(*, thread: Thread, recipient_id: int, now: datetime) -> None:
    """Schedule the recipient's digest unless one is pending. The first message after a quiet
    spell waits a short delay (a burst becomes one mail; reading it on the page cancels it); the
    digest job holds back a mail that would come too soon after the last one."""
    due = now + timedelta(seconds=settings.CONVERSATIONS_DIGEST_DELAY_SECONDS)
    ReadState.objects.filter(thread=thread, user_id=recipient_id, mail_due_at__isnull=True).update(mail_due_at=due)


def thread_close(*, booking: Booking, actor: User, now: datetime | None = None) -> Thread:
    """The mentor ends the follow-up early; a newer booking (or an extension) opens it again."""
    now = now or timezone.now()
    _require_mentor(booking, actor, "close")
    thread = _thread_for(booking, now)
    thread.closed_at, thread.extended_until = now, None
    thread.save(update_fields=["closed_at", "extended_until"])
    return thread


def thread_extend(*, booking: Booking, actor: User, days: int, now: datetime | None = None) -> Thread:
    """The mentor keeps the thread open `days` more days from now (also reopens a closed one)."""
    now = now or timezone.now()
    _require_mentor(booking, actor, "extend")
    limit = settings.CONVERSATIONS_EXTEND_MAX_DAYS
    if not isinstance(days, int) or not 1 <= days <= limit:
        raise _field_error("days", f"Extend by 1 to {limit} days.")
    thread = _thread_for(booking, now)
    thread.closed_at, thread.extended_until = None, now + timedelta(days=days)
    thread.save(update_fields=["closed_at", "extended_until"])
    return thread


def agenda_add(*, booking: Booking, author: User, text: str, now: datetime | None = None) -> AgendaItem:
    """A point to cover: either side, while the session is still ahead and the request is live."""
    now = now or timezone.now()
    _require_participant(booking, author)
    text = _single_line("text", text, AGENDA_MAX_LENGTH, "agenda point")
    if booking.end <= now:
        raise ConversationError("This session is over; add what is left as an action item.", code="too_late")
    if booking.status not in LIVE_STATUSES:
        raise ConversationError("This session is not going ahead, so its agenda is closed.", code="wrong_state")
    return AgendaItem.objects.create(booking=booking, author=author, text=text, created_at=now)


def agenda_remove(*, item: AgendaItem, actor: User, now: datetime | None = None) -> None:
    now = now or timezone.now()
    _require_participant(item.booking, actor)
    if item.author_id != actor.pk:
        raise ConversationError("Only whoever added a point can remove it.", code="forbidden")
    if item.booking.end <= now:
        raise ConversationError("This session is over; its agenda is kept as it was.", code="too_late")
    item.delete()


def note_save(*, booking: Booking, author: User, body: str, shared: bool, version: int | None = None,
              now: datetime | None = None) -> Note:
    """Save the author's private note, or the shared note. For the shared note, `version` is the one
    the writer started from: if the other participant saved meanwhile, refuse rather than overwrite."""
    now = now or timezone.now()
    _require_participant(booking, author)
    if (message := multi_line_error(body)) is not None:
        raise _field_error("body", message)
    body = (body or "").strip()
    if len(body) > NOTE_MAX_LENGTH:
        raise _field_error("body", f"Keep notes to {NOTE_MAX_LENGTH} characters (these have {len(body)}).")
    with transaction.atomic():
        qs = Note.objects.select_for_update().filter(booking=booking, shared=shared)
        note = (qs.filter(author=author) if not shared else qs).first()
        if note is None:
            try:
                with transaction.atomic():
                    return Note.objects.create(booking=booking, author=author, shared=shared, body=body,
                                               updated_at=now)
            except IntegrityError:  # created by the other side a moment ago
                note = qs.get() if shared else qs.get(author=author)
                if version is None:
                    version = 0  # the writer never saw that note: a conflict, not an overwrite
        if shared and version is not None and version != note.version:
            raise ConversationError(
                "The other participant changed the shared notes while you were editing. "
                "Copy your text, reload, and add it again.", code="edit_conflict")
        note.body, note.author, note.updated_at, note.version = body, author, now, note.version + 1
        note.save(update_fields=["body", "author", "updated_at", "version"])
    return note


def _owner(booking: Booking, owner_id) -> User:
    for user in (booking.mentor, booking.mentee):
        if owner_id == user.pk:
            return user
    raise _field_error("owner", "The owner is one of the two people in this session.")


def _due(due_date: date | None) -> date | None:
    if due_date is not None and not date_in_range(due_date):
        raise _field_error("due_date", OUT_OF_RANGE)
    return due_date


def action_item_create(*, booking: Booking, actor: User, text: str, owner_id: int | None = None,
                       due_date: date | None = None, now: datetime | None = None) -> ActionItem:
    """Either participant; the owner defaults to the mentee (the one who usually leaves with a task)."""
    now = now or timezone.now()
    _require_participant(booking, actor)
    text = _single_line("text", text, ACTION_MAX_LENGTH, "action item")
    owner = _owner(booking, booking.mentee_id if owner_id is None else owner_id)
    return ActionItem.objects.create(booking=booking, created_by=actor, owner=owner, text=text,
                                     due_date=_due(due_date), created_at=now)


def action_item_update(*, item: ActionItem, actor: User, text=_UNSET, owner_id=_UNSET, due_date=_UNSET,
                       done=_UNSET, now: datetime | None = None) -> ActionItem:
    """Change what was given (omitted arguments stay as they are); `done` ticks or unticks it."""
    now = now or timezone.now()
    booking = item.booking
    _require_participant(booking, actor)
    fields = []
    if text is not _UNSET:
        item.text = _single_line("text", text, ACTION_MAX_LENGTH, "action item")
        fields.append("text")
    if owner_id is not _UNSET:
        item.owner = _owner(booking, owner_id)
        fields.append("owner")
    if due_date is not _UNSET:
        item.due_date = _due(due_date)
        fields.append("due_date")
    if done is not _UNSET:
        item.done_at = (item.done_at or now) if done else None
        fields.append("done_at")
    if fields:
        item.save(update_fields=fields)
    return item


def action_item_delete(*, item: ActionItem, actor: User) -> None:
    _require_participant(item.booking, actor)
    item.delete()
