"""Ratings after completed sessions, mentor replies, reports and the moderation audit log.

Only participants of a completed booking rate it, once each: the mentee rates the mentor (public
stars and comment, a private expectation answer only staff see), the mentor may leave private
feedback on the mentee. Every write goes through ratings.services, which also keeps the mentor's
published-only aggregate on MentorProfile exactly equal to a recomputation from scratch.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Direction(models.TextChoices):
    MENTEE_TO_MENTOR = "mentee_to_mentor", "Mentee rates mentor"
    MENTOR_TO_MENTEE = "mentor_to_mentee", "Mentor feedback on mentee"


class State(models.TextChoices):
    PUBLISHED = "published", "Published"
    PENDING = "pending", "Pending review"
    HIDDEN = "hidden", "Hidden"
    REMOVED = "removed", "Removed"


class Expectation(models.TextChoices):
    BELOW = "below", "Below my expectations"
    MET = "met", "Met my expectations"
    EXCEEDED = "exceeded", "Exceeded my expectations"


COMMENT_MAX_LENGTH = 1000
FEEDBACK_MAX_LENGTH = 2000
REPLY_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 500


class Rating(models.Model):
    """One participant's rating of one completed booking.

    Lifecycle (state):
        created -> published, or pending when the text has a link, an email address, a phone
                   number or a blocklisted word (a moderator approves or removes it)
        published --(RATINGS_REPORT_HIDE_THRESHOLD open reports that count, see RatingReport)--> hidden
        published/pending --(moderator: hide)--> hidden
        pending/hidden --(moderator: approve)--> published
        hidden/removed --(moderator: restore)--> published
        any but removed --(moderator: remove)--> removed (the author is emailed the reason)
    The author may edit for RATINGS_EDIT_WINDOW_DAYS; an edit that adds flagged text sends a
    published review back to pending. Only published mentee->mentor ratings count in the
    mentor's aggregate and appear in public.
    """

    Direction = Direction
    State = State
    Expectation = Expectation

    booking = models.ForeignKey("booking.Booking", on_delete=models.PROTECT, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings_given")
    ratee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings_received")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    stars = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1-5, public (mentee->mentor only)")
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True, help_text="Public comment")
    expectation = models.CharField(max_length=10, choices=Expectation.choices, blank=True,
                                   help_text="Private: did the session meet expectations? Only staff see it.")
    private_feedback = models.TextField(max_length=FEEDBACK_MAX_LENGTH, blank=True,
                                        help_text="Mentor->mentee feedback; never public")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED, db_index=True)
    # Reports received since the last moderator decision; a decision resolves them.
    open_reports = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("moderate_rating", "Can moderate ratings (approve, hide, restore, remove)")]
        indexes = [
            models.Index(fields=["ratee", "direction", "state", "-created_at"], name="rating_public_list"),
            models.Index(fields=["state", "open_reports"], name="rating_queue"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["booking", "rater"], name="rating_one_per_booking_rater"),
            models.CheckConstraint(condition=~Q(rater=F("ratee")), name="rating_not_self"),
            # Public stars exist exactly on mentee->mentor ratings, and only 1 to 5.
            models.CheckConstraint(
                condition=(Q(direction="mentee_to_mentor", stars__gte=1, stars__lte=5)
                           | Q(direction="mentor_to_mentee", stars__isnull=True)),
                name="rating_stars_1_to_5",
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="rating_state_valid"),
        ]

    def __str__(self) -> str:
        if self.direction == Direction.MENTEE_TO_MENTOR:
            return f"{self.stars}★ for {self.ratee} by {self.rater} ({self.state})"
        return f"Feedback on {self.ratee} by {self.rater} ({self.state})"

    @property
    def is_public_review(self) -> bool:
        return self.direction == Direction.MENTEE_TO_MENTOR


class MentorReply(models.Model):
    """The rated mentor's one public answer to a review. Created once; shown while the review is.

    Lifecycle (state), the same content rules as reviews (ratings.content):
        created -> published, or pending when the text has a link, an email address, a phone
                   number or a blocklisted word
        pending --(moderator: approve reply)--> published
        pending/published --(moderator: remove reply)--> removed (the mentor cannot reply again)
    Only a published reply is shown with the review.
    """

    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Pending review"
        REMOVED = "removed", "Removed"

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="reply")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=REPLY_MAX_LENGTH)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "mentor replies"
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["published", "pending", "removed"]),
                                   name="mentor_reply_state_valid"),
        ]

    def __str__(self) -> str:
        return f"Reply to rating {self.rating_id}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class RatingReport(models.Model):
    """A signed-in user's complaint about a review, once per user and review.

    Lifecycle: open (resolved_at empty) -> resolved by the next moderator decision on that review.
    Every report reaches the moderators, but only some count toward hiding the review: not the
    reviewed mentor's own, not one from an account without a verified email address or younger
    than RATINGS_REPORTER_MIN_AGE_DAYS when it reported (`not_counted`, fixed when the report is
    made), and none from a reporter a moderator has ignored (IgnoredReporter, which also covers
    reports made before the ignore).
    """

    class NotCounted(models.TextChoices):
        REVIEWED_MENTOR = "reviewed_mentor", "the reviewed mentor's own report"
        UNVERIFIED = "unverified", "no verified email address"
        NEW_ACCOUNT = "new_account", "account too new"

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSIVE = "abusive", "Abusive"
        OFF_TOPIC = "off_topic", "Off-topic"
        PRIVATE_INFO = "private_info", "Private information"
        OTHER = "other", "Other"

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_reports")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)
    # Empty: the report counts toward hiding (unless its reporter is ignored).
    not_counted = models.CharField(max_length=16, choices=NotCounted.choices, blank=True, default="")
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rating", "reporter"], name="rating_report_once")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} report on rating {self.rating_id}"


class IgnoredReporter(models.Model):
    """A person whose reports no longer count toward hiding any review (they still reach the queue).

    Set by a moderator with a reason; the matching ModerationDecision (ignore_reporter) is the
    audit trail of who ignored whom and why.
    """

    reporter = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(max_length=REASON_MAX_LENGTH)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Reports by {self.reporter} ignored"


class ModerationDecision(models.Model):
    """Append-only audit log: who changed a review's or a reply's state, or ignored a reporter,
    when, from what to what, and why.

    `moderator` is empty for the system's own decision (hiding after enough reports). Reply actions
    record the reply's states; ignore_reporter names the `reporter` and leaves the review's state.
    """

    class Action(models.TextChoices):
        APPROVE = "approve", "Approve"
        HIDE = "hide", "Hide"
        RESTORE = "restore", "Restore"
        REMOVE = "remove", "Remove"
        APPROVE_REPLY = "approve_reply", "Approve reply"
        REMOVE_REPLY = "remove_reply", "Remove reply"
        IGNORE_REPORTER = "ignore_reporter", "Ignore reporter"

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="decisions")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", help_text="Whose reports were ignored (ignore_reporter only)")
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.TextField(max_length=REASON_MAX_LENGTH)
    from_state = models.CharField(max_length=10, choices=State.choices)
    to_state = models.CharField(max_length=10, choices=State.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} rating {self.rating_id}: {self.from_state} -> {self.to_state}"
