"""The outbox: every email the platform sends is a row here first.

A row has a due time (now for transactional emails, the reminder moment for reminders). A
frequent periodic job claims due rows with select_for_update(skip_locked=True), sends them and
marks them sent in the same transaction as the claim, so a crashed worker or a redelivered task
never sends twice. `dedupe_key` is unique: the same reminder for the same booking, recipient and
booking sequence can only be enqueued once.

Most rows are about a booking and rendered when sent. A row without a booking carries a message
another app wrote (payload: subject, text, html), such as account mail from allauth (kind
`account_mail`): sign-up verification or a password reset may go to an address that has no user yet
("unknown account"), so such a row names its address in `to_email` and may have no recipient.

Lifecycle: pending -> sent | failed (after bounded retries) | cancelled (booking cancelled or
moved before it was due) | skipped (moment passed after the session started).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        SKIPPED = "skipped", "Skipped"

    kind = models.CharField(max_length=40, help_text="booking_requested, booking_confirmed, reminder_24h, ...")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="notifications")
    to_email = models.EmailField(blank=True, help_text="the address, when it is not the recipient's (account mail)")
    booking = models.ForeignKey("booking.Booking", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="notifications")
    dedupe_key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["due_at"], name="notification_pending_due", condition=models.Q(state="pending")),
            models.Index(fields=["booking", "state"]),
        ]
        constraints = [
            # Every row can be delivered somewhere: to its recipient, or to the address it names.
            models.CheckConstraint(condition=models.Q(recipient__isnull=False) | ~models.Q(to_email=""),
                                   name="notification_has_an_address"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id or self.to_email} ({self.state})"
