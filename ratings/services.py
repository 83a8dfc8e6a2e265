"""Every write to ratings: create, edit, reply, report, moderate, and the mentor aggregate.

Each service that can change what counts in a mentor's aggregate locks that mentor's profile row
first and recomputes the aggregate from scratch inside the same transaction. Two reviews of one
mentor written at the same moment therefore queue on the lock, and the second recomputation sees
the first one's row: the stored aggregate is always exactly what a fresh recomputation would give.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import MentorProfile
from accounts.recognition import mentor_recognition_changed
from accounts.services import mentor_rating_aggregate_set
from matching import triggers
from mentorship.text import text_errors
from ratings.content import flagged_reasons
from ratings.errors import RatingError
from ratings.models import (
    COMMENT_MAX_LENGTH,
    FEEDBACK_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    Direction,
    Expectation,
    IgnoredReporter,
    MentorReply,
    ModerationDecision,
    Rating,
    RatingReport,
    State,
)
from sessions.models import Booking
from sessions.services.notifications import mail_enqueue

logger = logging.getLogger(__name__)

Action = ModerationDecision.Action

# Which states each moderator action may start from, and where it leads.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    Action.APPROVE: ({State.PENDING, State.HIDDEN}, State.PUBLISHED),
    Action.HIDE: ({State.PUBLISHED, State.PENDING}, State.HIDDEN),
    Action.RESTORE: ({State.HIDDEN, State.REMOVED}, State.PUBLISHED),
    Action.REMOVE: ({State.PUBLISHED, State.PENDING, State.HIDDEN}, State.REMOVED),
}
# The same for the mentor's reply of each selected review.
REPLY_TRANSITIONS: dict[str, tuple[set[str], str]] = {
    Action.APPROVE_REPLY: ({MentorReply.State.PENDING}, MentorReply.State.PUBLISHED),
    Action.REMOVE_REPLY: ({MentorReply.State.PENDING, MentorReply.State.PUBLISHED}, MentorReply.State.REMOVED),
}
PAST_TENSE = {Action.APPROVE: "approved", Action.HIDE: "hidden", Action.RESTORE: "restored",
              Action.REMOVE: "removed", Action.APPROVE_REPLY: "approved (reply)",
              Action.REMOVE_REPLY: "removed (reply)"}
MAX_BATCH = 100
_UNSET = object()


def can_moderate(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active
        and (user.is_staff or user.has_perm("ratings.moderate_rating"))
    )


def may_know_rating(user, rating: Rating) -> bool:
    """Whether this person may learn that the rating exists: its author, the mentor a public
    review is about, and staff. Everyone else is told 404 (a 403 would confirm the booking and
    the rating), including the mentee a mentor's private feedback is about."""
    if user is None or not user.is_authenticated:
        return False
    return (user.is_staff or user.pk == rating.rater_id
            or (rating.is_public_review and user.pk == rating.ratee_id))


# --- Aggregate ------------------------------------------------------------------------------


def bayesian_average(*, count: int, total: int) -> float:
    """Smoothed average: as if every mentor had RATING_PRIOR_WEIGHT reviews at RATING_PRIOR_MEAN.

    One 5-star review must not outrank forty reviews averaging 4.8. A mentor with no published
    review has no score (0.0, the profile default), so "unrated" never sorts above "rated".
    """
    if count == 0:
        return 0.0
    weight = settings.RATING_PRIOR_WEIGHT
    return (settings.RATING_PRIOR_MEAN * weight + total) / (weight + count)


def mentor_aggregate_compute(*, mentor_id: int) -> tuple[int, int, float]:
    row = Rating.objects.filter(
        ratee_id=mentor_id, direction=Direction.MENTEE_TO_MENTOR, state=State.PUBLISHED
    ).aggregate(count=Count("id"), total=Sum("stars"))
    count, total = row["count"], row["total"] or 0
    return count, total, bayesian_average(count=count, total=total)


def mentor_aggregates_refresh(*, mentor_ids: Iterable[int]) -> None:
    """Recompute and store the published-only aggregate of each mentor, then tell matching."""
    ids = sorted(set(mentor_ids))
    if not ids:
        return
    for mentor_id in ids:
        count, total, bayes = mentor_aggregate_compute(mentor_id=mentor_id)
        mentor_rating_aggregate_set(mentor_id=mentor_id, count=count, total=total, bayes=bayes)
        mentor_recognition_changed(mentor_id=mentor_id)  # "Top mentor" reads the same ratings
    triggers.mentors_changed(mentor_ids=ids)


def _lock_mentors(mentor_ids: Iterable[int]) -> None:
    # Sorted, so two batches touching the same mentors lock them in the same order (no deadlock).
    list(MentorProfile.objects.select_for_update().filter(user_id__in=sorted(set(mentor_ids)))
         .order_by("pk").values_list("pk", flat=True))


# --- Ratings ------------------------------------------------------------------------------------


def _validate_fields(*, direction: str, stars, comment: str, expectation: str, private_feedback: str) -> None:
    errors: dict[str, list[str]] = {}
    if direction == Direction.MENTEE_TO_MENTOR:
        if stars is None or stars == "":
            errors["stars"] = ["Choose from 1 to 5 stars."]
        elif isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
            errors["stars"] = ["Stars must be a whole number from 1 to 5."]
        if len(comment) > COMMENT_MAX_LENGTH:
            errors["comment"] = [f"Keep the comment to {COMMENT_MAX_LENGTH} characters (it has {len(comment)})."]
        if expectation not in ("", *Expectation.values):
            errors["expectation"] = [f"Choose one of: {', '.join(Expectation.values)}."]
        if private_feedback:
            errors["private_feedback"] = ["Private feedback is for mentors rating a mentee."]
    else:
        if stars not in (None, ""):
            errors["stars"] = ["Mentors leave private feedback on a mentee, not stars."]
        if comment:
            errors["comment"] = ["Mentors leave private feedback on a mentee, not a public comment."]
        if expectation:
            errors["expectation"] = ["Only the mentee answers the expectations question."]
        if not private_feedback.strip():
            errors["private_feedback"] = ["Write some feedback for the mentee."]
        elif len(private_feedback) > FEEDBACK_MAX_LENGTH:
            errors["private_feedback"] = [f"Keep the feedback to {FEEDBACK_MAX_LENGTH} characters."]
    for field, messages in text_errors(multi_line={"comment": comment, "private_feedback": private_feedback}).items():
        errors.setdefault(field, messages)
    if errors:
        raise RatingError("Please correct the rating.", field_errors=errors)


def edit_deadline(rating: Rating) -> datetime:
    return rating.created_at + timedelta(days=settings.RATINGS_EDIT_WINDOW_DAYS)


def rating_is_editable(rating: Rating, *, now: datetime | None = None) -> bool:
    return rating.state != State.REMOVED and (now or timezone.now()) <= edit_deadline(rating)


@transaction.atomic
def rating_create(*, booking_id: int, rater, stars: int | None = None, comment: str = "", expectation: str = "",
                  private_feedback: str = "", now: datetime | None = None) -> Rating:
    """Rate a completed booking as one of its two participants, once.

    The returned rating carries `held_because` (why it is pending, empty when published).
    """
    now = now or timezone.now()
    if rater is None or not rater.is_authenticated:
        raise RatingError("Sign in to rate a session.", code="not_authenticated")
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        raise RatingError("There is no such session.", code="not_found",
                          field_errors={"booking": ["There is no such session."]})
    if not booking.can_view(rater):
        # Not "not yours": that would tell a stranger the session exists.
        raise RatingError("There is no such session.", code="not_found",
                          field_errors={"booking": ["There is no such session."]})
    if rater.pk not in (booking.mentor_id, booking.mentee_id):
        raise RatingError("You can only rate sessions you took part in.", code="not_participant",
                          field_errors={"booking": ["You can only rate sessions you took part in."]})
    if booking.status != Booking.Status.COMPLETED:
        msg = "You can rate a session once it has taken place and is marked completed."
        raise RatingError(msg, code="not_completed", field_errors={"booking": [msg]})

    is_mentee = rater.pk == booking.mentee_id
    direction = Direction.MENTEE_TO_MENTOR if is_mentee else Direction.MENTOR_TO_MENTEE
    comment = (comment or "").strip()
    private_feedback = (private_feedback or "").strip()
    expectation = expectation or ""
    _validate_fields(direction=direction, stars=stars, comment=comment, expectation=expectation,
                     private_feedback=private_feedback)

    _lock_mentors([booking.mentor_id])
    if Rating.objects.filter(booking=booking, rater=rater).exists():
        msg = "You have already rated this session; you can edit your rating instead."
        raise RatingError(msg, code="already_rated", field_errors={"booking": [msg]})

    held_because = flagged_reasons(comment) if is_mentee else []
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                booking=booking, rater=rater, ratee_id=booking.mentor_id if is_mentee else booking.mentee_id,
                direction=direction, stars=stars if is_mentee else None, comment=comment, expectation=expectation,
                private_feedback=private_feedback, state=State.PENDING if held_because else State.PUBLISHED,
                created_at=now,
            )
    except IntegrityError:
        # The unique constraint is the last word when two requests race past the check above.
        msg = "You have already rated this session."
        raise RatingError(msg, code="already_rated", field_errors={"booking": [msg]})
    if is_mentee:
        mentor_aggregates_refresh(mentor_ids=[booking.mentor_id])
    rating.held_because = held_because
    return rating


@transaction.atomic
def rating_update(*, rating_id: int, editor, stars=_UNSET, comment=_UNSET, expectation=_UNSET,
                  private_feedback=_UNSET, now: datetime | None = None) -> Rating:
    """Edit your own rating within the edit window. Flagged new text sends it back to pending."""
    now = now or timezone.now()
    probe = Rating.objects.filter(pk=rating_id).values("ratee_id", "direction").first()
    if probe is None:
        raise RatingError("There is no such rating.", code="not_found")
    if probe["direction"] == Direction.MENTEE_TO_MENTOR:
        _lock_mentors([probe["ratee_id"]])
    rating = Rating.objects.select_for_update().get(pk=rating_id)
    if not may_know_rating(editor, rating):
        raise RatingError("There is no such rating.", code="not_found")
    if editor.pk != rating.rater_id:
        raise RatingError("Only the author can edit this rating.", code="not_author")
    if rating.state == State.REMOVED:
        raise RatingError("A removed rating cannot be edited.", code="removed")
    if now > edit_deadline(rating):
        days = settings.RATINGS_EDIT_WINDOW_DAYS
        raise RatingError(f"Ratings can be edited for {days} days after they were written.",
                          code="edit_window_closed")

    new_stars = rating.stars if stars is _UNSET else stars
    new_comment = rating.comment if comment is _UNSET else (comment or "").strip()
    new_expectation = rating.expectation if expectation is _UNSET else (expectation or "")
    new_feedback = rating.private_feedback if private_feedback is _UNSET else (private_feedback or "").strip()
    _validate_fields(direction=rating.direction, stars=new_stars, comment=new_comment,
                     expectation=new_expectation, private_feedback=new_feedback)

    held_because: list[str] = []
    if rating.is_public_review and new_comment != rating.comment:
        held_because = flagged_reasons(new_comment)
        # Otherwise a clean review could be published and then edited into spam.
        if held_because and rating.state == State.PUBLISHED:
            rating.state = State.PENDING
    rating.stars, rating.comment, rating.expectation = new_stars, new_comment, new_expectation
    rating.private_feedback = new_feedback
    rating.edited_at = now
    rating.save(update_fields=["stars", "comment", "expectation", "private_feedback", "state", "edited_at"])
    if rating.is_public_review:
        mentor_aggregates_refresh(mentor_ids=[rating.ratee_id])
    rating.held_because = held_because
    return rating


# --- Replies and reports ---------------------------------------------------------------------------


def _published_review(rating_id: int, *, lock: bool = False) -> Rating:
    qs = Rating.objects.filter(pk=rating_id, direction=Direction.MENTEE_TO_MENTOR, state=State.PUBLISHED)
    rating = (qs.select_for_update() if lock else qs).first()
    if rating is None:
        raise RatingError("There is no such review.", code="not_found")
    return rating


@transaction.atomic
def reply_create(*, rating_id: int, author, body: str, now: datetime | None = None) -> MentorReply:
    """The rated mentor answers a published review in public, once.

    The reply passes the same content rules as reviews (ratings.content): flagged text waits as
    pending until a moderator approves it. The returned reply carries `held_because`.
    """
    now = now or timezone.now()
    if author is None or not author.is_authenticated:
        raise RatingError("Sign in to reply.", code="not_authenticated")
    rating = _published_review(rating_id, lock=True)
    if not may_know_rating(author, rating):
        raise RatingError("There is no such review.", code="not_found")
    if author.pk != rating.ratee_id:
        raise RatingError("Only the mentor who was reviewed can reply.", code="not_ratee")
    body = (body or "").strip()
    if not body:
        raise RatingError("Write a reply.", field_errors={"body": ["Write a reply."]})
    if len(body) > REPLY_MAX_LENGTH:
        msg = f"Keep the reply to {REPLY_MAX_LENGTH} characters (it has {len(body)})."
        raise RatingError(msg, field_errors={"body": [msg]})
    if errors := text_errors(multi_line={"body": body}):
        raise RatingError("Please correct the reply.", field_errors=errors)
    if MentorReply.objects.filter(rating=rating).exists():
        raise RatingError("You have already replied to this review.", code="already_replied")
    held_because = flagged_reasons(body)
    try:
        with transaction.atomic():
            reply = MentorReply.objects.create(
                rating=rating, author=author, body=body, created_at=now,
                state=MentorReply.State.PENDING if held_because else MentorReply.State.PUBLISHED)
    except IntegrityError:
        raise RatingError("You have already replied to this review.", code="already_replied")
    reply.held_because = held_because
    return reply


def report_not_counted_because(*, rating: Rating, reporter, now: datetime) -> str:
    """Why a new report will not count toward hiding the review ("" when it counts).

    Decided when the report is made: an account that ages or verifies later does not turn its
    earlier reports into votes.
    """
    Reason = RatingReport.NotCounted
    if reporter.pk == rating.ratee_id:
        return Reason.REVIEWED_MENTOR
    if not EmailAddress.objects.filter(user=reporter, verified=True).exists():
        return Reason.UNVERIFIED
    if reporter.date_joined > now - timedelta(days=settings.RATINGS_REPORTER_MIN_AGE_DAYS):
        return Reason.NEW_ACCOUNT
    return ""


def counting_reports(*, rating_id: int) -> int:
    """Open reports on a review that count toward hiding it."""
    return (RatingReport.objects.filter(rating_id=rating_id, resolved_at__isnull=True, not_counted="")
            .exclude(reporter_id__in=IgnoredReporter.objects.values("reporter_id")).count())


@transaction.atomic
def report_create(*, rating_id: int, reporter, reason: str, note: str = "",
                  now: datetime | None = None) -> RatingReport:
    """Report a published review, once per person. Every report reaches the queue; enough open
    reports that count (report_not_counted_because, ignored reporters) hide it until a moderator decides."""
    now = now or timezone.now()
    if reporter is None or not reporter.is_authenticated:
        raise RatingError("Sign in to report a review.", code="not_authenticated")
    probe = _published_review(rating_id)
    _lock_mentors([probe.ratee_id])
    rating = _published_review(rating_id, lock=True)
    if reporter.pk == rating.rater_id:
        raise RatingError("You cannot report your own review.", code="own_review")
    errors = {}
    if reason not in RatingReport.Reason.values:
        errors["reason"] = [f"Choose a reason: {', '.join(RatingReport.Reason.values)}."]
    note = (note or "").strip()
    if len(note) > REASON_MAX_LENGTH:
        errors["note"] = [f"Keep the note to {REASON_MAX_LENGTH} characters."]
    errors.update(text_errors(multi_line={"note": note}))
    if errors:
        raise RatingError("Please correct the report.", field_errors=errors)
    if RatingReport.objects.filter(rating=rating, reporter=reporter).exists():
        raise RatingError("You have already reported this review.", code="already_reported")
    try:
        with transaction.atomic():
            report = RatingReport.objects.create(
                rating=rating, reporter=reporter, reason=reason, note=note, created_at=now,
                not_counted=report_not_counted_because(rating=rating, reporter=reporter, now=now))
    except IntegrityError:
        raise RatingError("You have already reported this review.", code="already_reported")

    # Every report reaches the queue; only counting ones can hide the review.
    rating.open_reports += 1
    fields = ["open_reports"]
    counted = counting_reports(rating_id=rating.pk) if not report.not_counted else 0
    if counted >= settings.RATINGS_REPORT_HIDE_THRESHOLD:
        ModerationDecision.objects.create(
            moderator=None, rating=rating, action=Action.HIDE, from_state=rating.state, to_state=State.HIDDEN,
            reason=f"Hidden automatically after {counted} reports, until a moderator decides.", at=now,
        )
        rating.state = State.HIDDEN
        fields.append("state")
    rating.save(update_fields=fields)
    if rating.state == State.HIDDEN:
        mentor_aggregates_refresh(mentor_ids=[rating.ratee_id])
    return report


# --- Moderation -------------------------------------------------------------------------------------


@transaction.atomic
def moderate(*, ratings: Iterable[int | Rating], moderator, action: str, reason: str,
             now: datetime | None = None) -> list[ModerationDecision]:
    """Approve, hide, restore or remove one or many ratings (or approve or remove their mentors'
    replies), all or nothing, with an audit row each.

    A decision on a review resolves its open reports. Authors of removed ratings are emailed the
    reason after commit.
    """
    now = now or timezone.now()
    if not can_moderate(moderator):
        raise RatingError("Only moderators can do that.", code="not_moderator")
    errors: dict[str, list[str]] = {}
    if action not in TRANSITIONS and action not in REPLY_TRANSITIONS:
        errors["action"] = [f"Choose an action: {', '.join([*TRANSITIONS, *REPLY_TRANSITIONS])}."]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Give a reason; it is kept in the audit log (and sent to the author on removal)."]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [f"Keep the reason to {REASON_MAX_LENGTH} characters."]
    errors.update(text_errors(multi_line={"reason": reason}))
    try:
        ids = sorted({r.pk if isinstance(r, Rating) else int(r) for r in ratings})
    except (TypeError, ValueError):
        ids = None
    if ids is None:
        errors["ids"] = ["Ratings are given by their numeric ids."]
    elif not ids:
        errors["ids"] = ["Select at least one rating."]
    elif len(ids) > MAX_BATCH:
        errors["ids"] = [f"Select at most {MAX_BATCH} ratings at a time."]
    if errors:
        raise RatingError("Please correct the decision.", field_errors=errors)
    if action in REPLY_TRANSITIONS:
        return _replies_moderate(ids=ids, moderator=moderator, action=action, reason=reason, now=now)

    mentor_ids = list(Rating.objects.filter(pk__in=ids, direction=Direction.MENTEE_TO_MENTOR)
                      .values_list("ratee_id", flat=True))
    _lock_mentors(mentor_ids)
    locked = list(Rating.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {r.pk for r in locked})
    if missing:
        msg = f"No such rating: {', '.join(map(str, missing))}."
        raise RatingError(msg, code="not_found", field_errors={"ids": [msg]})
    allowed_from, to_state = TRANSITIONS[action]
    refused = [f"Rating {r.pk} is {r.state}; it cannot be {PAST_TENSE[action]}." for r in locked
               if r.state not in allowed_from]
    if refused:
        raise RatingError("Nothing was changed: some ratings cannot take that action.",
                          code="invalid_transition", field_errors={"ids": refused})

    decisions = []
    for rating in locked:
        decisions.append(ModerationDecision.objects.create(
            moderator=moderator, rating=rating, action=action, reason=reason, from_state=rating.state,
            to_state=to_state, at=now,
        ))
        rating.state = to_state
        rating.open_reports = 0
        rating.save(update_fields=["state", "open_reports"])
    RatingReport.objects.filter(rating_id__in=ids, resolved_at__isnull=True).update(resolved_at=now)
    mentor_aggregates_refresh(mentor_ids=[r.ratee_id for r in locked if r.is_public_review])
    if action == Action.REMOVE:
        for decision in decisions:
            removal_email_enqueue(decision=decision)
    return decisions


def _replies_moderate(*, ids: list[int], moderator, action: str, reason: str,
                      now: datetime) -> list[ModerationDecision]:
    # A reply never counts in an aggregate, so no mentor lock: only the replies themselves.
    replies = list(MentorReply.objects.select_for_update().filter(rating_id__in=ids).order_by("rating_id"))
    found = {r.rating_id for r in replies}
    missing = sorted(set(ids) - set(Rating.objects.filter(pk__in=ids).values_list("pk", flat=True)))
    if missing:
        msg = f"No such rating: {', '.join(map(str, missing))}."
        raise RatingError(msg, code="not_found", field_errors={"ids": [msg]})
    allowed_from, to_state = REPLY_TRANSITIONS[action]
    refused = [f"Rating {pk} has no reply." for pk in ids if pk not in found]
    refused += [f"The reply to rating {r.rating_id} is {r.state}; it cannot be {PAST_TENSE[action]}."
                for r in replies if r.state not in allowed_from]
    if refused:
        raise RatingError("Nothing was changed: some replies cannot take that action.",
                          code="invalid_transition", field_errors={"ids": refused})
    decisions = []
    for reply in replies:
        decisions.append(ModerationDecision.objects.create(
            moderator=moderator, rating_id=reply.rating_id, action=action, reason=reason, from_state=reply.state,
            to_state=to_state, at=now,
        ))
        reply.state = to_state
        reply.save(update_fields=["state"])
    return decisions


@transaction.atomic
def reporter_ignore(*, report_id: int, moderator, reason: str, now: datetime | None = None) -> ModerationDecision:
    """Stop counting the reports of the person who made this report, on every review, from now on
    and for their reports still open. They still reach the queue. The audit log keeps who ignored
    whom, why, and from which review."""
    now = now or timezone.now()
    if not can_moderate(moderator):
        raise RatingError("Only moderators can do that.", code="not_moderator")
    report = RatingReport.objects.select_related("rating", "reporter").filter(pk=report_id).first()
    if report is None:
        raise RatingError("There is no such report.", code="not_found")
    reason = (reason or "").strip()
    if not reason:
        raise RatingError("Please correct the decision.",
                          field_errors={"reason": ["Give a reason; it is kept in the audit log."]})
    if len(reason) > REASON_MAX_LENGTH:
        raise RatingError("Please correct the decision.",
                          field_errors={"reason": [f"Keep the reason to {REASON_MAX_LENGTH} characters."]})
    try:
        with transaction.atomic():
            IgnoredReporter.objects.create(reporter=report.reporter, moderator=moderator, reason=reason, at=now)
    except IntegrityError:
        raise RatingError("This reporter is already ignored.", code="already_ignored")
    rating = report.rating
    return ModerationDecision.objects.create(
        moderator=moderator, rating=rating, reporter=report.reporter, action=Action.IGNORE_REPORTER,
        reason=reason, from_state=rating.state, to_state=rating.state, at=now,
    )


def removal_email_enqueue(*, decision: ModerationDecision) -> None:
    """Tell the author their rating was removed, and why, through the outbox (retried like every
    mail; it commits or rolls back with the decision)."""
    rating = decision.rating
    context = {"decision": decision, "rating": rating, "recipient": rating.rater}
    mail_enqueue(
        recipient=rating.rater, kind="rating_removed", subject="Your review was removed",
        text=render_to_string("ratings/email/removed.txt", context),
        html=render_to_string("ratings/email/removed.html", context),
        dedupe_key=f"rating:{rating.pk}:removed:decision{decision.pk}",
    )
