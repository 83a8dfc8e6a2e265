"""Around a session: the pair's private thread, and each booking's agenda, notes and action items.

One Thread per mentor-mentee pair, not per booking: a follow-up question after the second session
belongs with what was said before the first, and "read-only until the two book again" is then
simply the same thread opening again. Messages name the booking they were written around.

Who sees what: a thread, its messages and a booking's agenda, shared note and action items are
visible to the two participants only; a private note to its author only. Staff see none of it
(a moderator sees a message only through a report, which is a later step).

Thread lifecycle (conversations.selectors.thread_state has the one rule):
    open     while the pair has a live booking (requested, confirmed), or any booking of theirs
             ended less than CONVERSATIONS_FOLLOW_UP_DAYS ago, or the mentor extended it
    closed   otherwise, or when the mentor closed it early (until a newer booking or an extension)
Closed threads stay readable; nobody can post.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from conversations.attachments import private_storage
from sessions.models import Booking

MESSAGE_MAX_LENGTH = 4000
AGENDA_MAX_LENGTH = 280
ACTION_MAX_LENGTH = 280
NOTE_MAX_LENGTH = 10000


class Thread(models.Model):
    """The private conversation of one mentor and one mentee (created with their first booking's
    first message or agenda point; never deleted while either has a booking)."""

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField(null=True, blank=True)
    # The mentor's levers on the follow-up window (conversations.services.thread_close/extend).
    closed_at = models.DateTimeField(null=True, blank=True)
    extended_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mentor", "mentee"], name="thread_one_per_pair")]

    def __str__(self) -> str:
        return f"thread {self.mentor_id}->{self.mentee_id}"

    def participant_ids(self) -> tuple[int, int]:
        return (self.mentor_id, self.mentee_id)


class Message(models.Model):
    """A message in a thread: Markdown as written, and its sanitised HTML rendered once on write.

    Never edited; a moderator may hide it later (hidden_at), which keeps the row for the audit."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    body_html = models.TextField()
    created_at = models.DateTimeField()
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["thread", "id"], name="message_thread_id")]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.thread_id}"


class AgendaItem(models.Model):
    """A point either participant wants to cover in a session (the question itself comes first,
    from the booking). Its author may remove it while the thread is open."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="agenda_items")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=AGENDA_MAX_LENGTH)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class Note(models.Model):
    """Notes on a booking: one private note per participant (author set, shared False) and one
    shared note both may edit (shared True, author = who saved it last). `version` rises on every
    save, so two people saving the shared note at once cannot silently overwrite each other."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared = models.BooleanField(default=False)
    body = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "author"], condition=models.Q(shared=False),
                                    name="note_one_private_per_author"),
            models.UniqueConstraint(fields=["booking"], condition=models.Q(shared=True),
                                    name="note_one_shared_per_booking"),
        ]

    def __str__(self) -> str:
        return f"{'shared' if self.shared else 'private'} note on {self.booking_id}"


class ActionItem(models.Model):
    """Something one participant will do after the session: text, owner (mentor or mentee of the
    booking), an optional due date, done or not. Either participant may add, edit or tick it."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="action_items")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=ACTION_MAX_LENGTH)
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class ReadState(models.Model):
    """One participant's place in a thread: what they have read and what they were mailed.

    Lifecycle: upserted for the recipient when a message arrives (mail_due_at set if no digest is
    pending) and for a reader when they open the thread (last_read_id raised). The digest job
    claims rows whose mail_due_at has passed (skip locked), mails what is still unread in one
    message, sets last_mailed_id / last_mailed_at and clears mail_due_at, in one transaction: a
    message is mailed once, a recipient gets at most one mail per thread per
    CONVERSATIONS_DIGEST_MINUTES, and nothing is mailed that was read on the page meanwhile.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)
    last_mailed_id = models.BigIntegerField(default=0)
    last_mailed_at = models.DateTimeField(null=True, blank=True)
    mail_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="readstate_one_per_user")]
        indexes = [models.Index(fields=["mail_due_at"], name="readstate_mail_due",
                                condition=models.Q(mail_due_at__isnull=False))]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.thread_id}: read {self.last_read_id}, mailed {self.last_mailed_id}"


def _attachment_storage():
    # A callable, so migrations name this function instead of freezing a storage and its path.
    return private_storage()


class Attachment(models.Model):
    """A file sent with a message: stored under an unguessable name in private storage (never
    under MEDIA_URL) and served only to the thread's two participants by a checked view.

    Lifecycle: written with its message, never edited; deleted with it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=_attachment_storage, max_length=200)
    name = models.CharField(max_length=120, help_text="The uploader's file name, cleaned, for display only")
    content_type = models.CharField(max_length=60, help_text="What the bytes are (sniffed), not what was claimed")
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MessageReport(models.Model):
    """A participant's report that a message breaks the rules (harassment, spam, contact-harvesting).

    Lifecycle: open --(a moderator hides the message)--> upheld (the message is hidden for both)
               open --(a moderator keeps it)--> dismissed
    One report per reporter and message; the author cannot report their own message. Reports are
    the only way a moderator reads a private message (with a few around it for context)."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Message hidden"
        DISMISSED = "dismissed", "Dismissed"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="message_report_once")]
        indexes = [models.Index(fields=["state", "created_at"], name="message_report_queue")]

    def __str__(self) -> str:
        return f"report {self.pk} on message {self.message_id} ({self.state})"


class MessageDecision(models.Model):
    """Append-only audit of moderators' decisions on reported messages: who, when, what, why."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hide the message"
        DISMISS = "dismiss", "Keep the message"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField(max_length=1000)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} message {self.message_id}"
