"""What the insights pages need that no other app keeps: the skills each program booking asks about.

Matching a booking's topic and question against the skill taxonomy is text work (a regular
expression over every name and synonym); done on every page view it would read and scan every
question of an organisation's history. So each program booking is scanned once, in the background
(insights.services.booking_skills_refresh, run by beat), and the page counts the stored matches
with one GROUP BY. A scan records the taxonomy it was made with (`taxonomy`, a fingerprint): when
skills or synonyms change, bookings are scanned again, a batch at a time.
"""

from __future__ import annotations

from django.db import models


class SkillScan(models.Model):
    """One program booking's topic and question have been matched against the taxonomy.

    Lifecycle: created by the refresh job after the booking exists -> rewritten (with its
    BookingSkill rows) when the taxonomy's fingerprint changes -> deleted with the booking.
    """

    booking = models.OneToOneField("booking.Booking", on_delete=models.CASCADE, primary_key=True,
                                   related_name="+")
    taxonomy = models.CharField(max_length=16, help_text="Fingerprint of the skills and synonyms used")
    scanned_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["taxonomy"], name="skillscan_taxonomy")]

    def __str__(self) -> str:
        return f"Scan of booking {self.booking_id}"


class BookingSkill(models.Model):
    """A skill named in a program booking's topic or question (one row per booking and skill)."""

    booking = models.ForeignKey("booking.Booking", on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey("accounts.Skill", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "skill"], name="bookingskill_once")]
        indexes = [models.Index(fields=["skill", "booking"], name="bookingskill_skill")]

    def __str__(self) -> str:
        return f"{self.skill_id} in booking {self.booking_id}"
