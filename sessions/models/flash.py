"""Flash questions: "who can help me with X this week?", asked inside a company program.

A mentee of a program that allows them posts one open question (topic, question, length) to the
program's mentors. Mentors who may mentor this mentee under the program's rules see it and offer a
slot from their free times. The mentee accepts one offer: it becomes a booking through
booking_create(program=...) (quota, capacity and rules included) and the other offers are
withdrawn, their mentors told through the outbox.

FlashQuestion lifecycle: open -> accepted (an offer became `booking`) | withdrawn (by the mentee) |
expired (its week ended: `expires_at` is next Monday 00:00 in the organisation's zone, and a
periodic job closes it). One open question per mentee per program (a partial unique constraint).

FlashOffer lifecycle: offered -> accepted (the mentee took it) | withdrawn (another offer was
accepted, the question closed, or the mentor offered another time). One live offer per mentor and
question.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class FlashQuestion(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    program = models.ForeignKey("orgs.Program", on_delete=models.CASCADE, related_name="flash_questions")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flash_questions")
    topic = models.CharField(max_length=140)
    question = models.TextField(max_length=2000)
    duration_minutes = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="End of the organisation's week it was asked in")
    closed_at = models.DateTimeField(null=True, blank=True)
    booking = models.OneToOneField("booking.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="flash_question")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "mentee"], condition=Q(status="open"),
                                    name="flash_one_open_question"),
        ]
        indexes = [models.Index(fields=["expires_at"], condition=Q(status="open"), name="flash_open_due")]

    def __str__(self) -> str:
        return f"{self.topic} ({self.status})"


class FlashOffer(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    question = models.ForeignKey(FlashQuestion, on_delete=models.CASCADE, related_name="offers")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flash_offers")
    start = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "mentor"], condition=Q(status="offered"),
                                    name="flash_one_live_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} at {self.start:%Y-%m-%d %H:%M} ({self.status})"
