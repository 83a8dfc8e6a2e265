"""Stored match results, the debounced recompute queue, and the embedding cache."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MatchScore(models.Model):
    """One of a mentee's top-N recommended mentors, with the reasons shown to the mentee.

    Lifecycle: written in bulk by matching.services for a mentee (the mentee's previous rows are
    replaced in the same transaction), never edited; replaced again when the mentee's profile, a
    candidate mentor, or the nightly recompute says so. `rank` 1 is the best match.
    """

    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_scores")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["mentee_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="match_unique_pair"),
            models.CheckConstraint(condition=models.Q(score__gte=0) & models.Q(score__lte=1), name="match_score_0_1"),
        ]
        indexes = [models.Index(fields=["mentee", "rank"], name="match_mentee_rank")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.mentor_id} for {self.mentee_id} ({self.score:.2f})"


class RecomputeRequest(models.Model):
    """A debounced "recompute these match lists" row.

    Lifecycle: upserted by matching.triggers when a mentee or mentor changes (due ~30 s later; a
    burst of edits keeps pushing due_at, so it runs once after the burst) -> claimed by the
    periodic processor with SELECT ... FOR UPDATE SKIP LOCKED (claimed_at set) -> deleted when the
    recompute commits. A claim older than STALE_CLAIM (a worker died) is claimable again.
    At most one unclaimed row exists per subject (partial unique constraint).
    """

    class Kind(models.TextChoices):
        MENTEE = "mentee", "Mentee changed"
        MENTOR = "mentor", "Mentor changed"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # A plain id, not a foreign key: a deleted user's pending request is harmless and simply skipped.
    subject_id = models.BigIntegerField()
    due_at = models.DateTimeField()
    first_requested_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id"], condition=models.Q(claimed_at__isnull=True),
                                    name="recompute_one_pending_per_subject"),
        ]
        indexes = [models.Index(fields=["due_at"], name="recompute_due")]

    def __str__(self) -> str:
        return f"recompute {self.kind} {self.subject_id} at {self.due_at:%H:%M:%S}"


class TextEmbedding(models.Model):
    """Cache of sentence embeddings by text hash (model id included), so recomputes skip the encoder.

    Lifecycle: inserted on first use of a text, never updated; rows of texts no longer used are
    harmless (about 1 KB each) and can be deleted at any time.
    """

    key = models.CharField(max_length=40, primary_key=True)
    vector = models.BinaryField()  # float16 x 512, little-endian
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class MentorFeatures(models.Model):
    """One candidate mentor's matching inputs, precomputed so a request never builds them.

    Lifecycle: written by matching.services.mentor_features_refresh (the worker) when a mentor-kind
    RecomputeRequest is processed and nightly for everyone (free-slot counts decay with time); a
    row whose inputs did not change is left alone, so `revision` (random, new on every change)
    lets each web process tell cheaply whether its loaded matrix is still current. Deleted when the
    mentor stops being a candidate (unlisted, inactive, not accepting bookings).
    """

    mentor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                  related_name="+")
    vector = models.BinaryField()  # the profile text's embedding: float16 x 512, little-endian
    # Packed so 10,000 rows load as matrices without parsing each one: int32 little-endian Skill and
    # Industry ids (skills: chosen plus those the headline names), space-separated language codes
    # spoken (empty: English is assumed).
    skill_ids = models.BinaryField(default=b"")
    industry_ids = models.BinaryField(default=b"")
    language_codes = models.CharField(max_length=200, blank=True)
    profile_language = models.CharField(max_length=8, blank=True)  # detected language of headline + bio
    timezone = models.CharField(max_length=64, default="UTC")
    free_slots = models.PositiveIntegerField(null=True)  # free 30-minute slots in the next 14 days
    quality = models.FloatField(default=0.5)
    rating_avg = models.FloatField(null=True)
    rating_count = models.PositiveIntegerField(default=0)
    inputs_hash = models.CharField(max_length=40)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"features of mentor {self.mentor_id}"


class MentorFeaturesVersion(models.Model):
    """A single row naming the current state of all MentorFeatures rows, so a web process can tell in
    one primary-key read whether the matrix it holds is current (an aggregate over 10,000 rows of
    vectors took ~20 ms).

    Lifecycle: created by the first refresh; `revision` takes a new random value in the same
    transaction as every write or delete of MentorFeatures rows, never otherwise.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    revision = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="mentor_features_version_singleton")]

    def __str__(self) -> str:
        return f"mentor features revision {self.revision}"


class MenteeFeatures(models.Model):
    """What a request would otherwise need the language identifier for: the goals' language.

    Lifecycle: written by matching.services.mentee_features_refresh (the worker, on a mentee-kind
    RecomputeRequest and nightly), which also puts the mentee's text embedding in TextEmbedding.
    `goals_key` names the goals it was detected from: a request whose goals differ ignores the row.
    """

    mentee = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                  related_name="+")
    goals_key = models.CharField(max_length=40)
    goal_language = models.CharField(max_length=8, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"features of mentee {self.mentee_id}"
