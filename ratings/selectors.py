"""Reads shaped for the mentor page, the reviews endpoint and the moderation queue."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from ratings.models import Direction, IgnoredReporter, MentorReply, ModerationDecision, Rating, RatingReport, State


def public_name(user) -> str:
    """How a reviewer is shown in public: first name and initial, never the email address."""
    parts = (user.name or "").split()
    if not parts:
        return "A mentee"
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0]}."


def moderation_name(user, *, viewer) -> str:
    """How a person is named to moderators: their name; staff also see the email address.

    Moderators who are not staff never see an email address (not even as a fallback name), so
    a person without a name is "Member #id".
    """
    if user is None:
        return ""
    name = (user.name or "").strip() or f"Member #{user.pk}"
    if viewer is not None and getattr(viewer, "is_staff", False):
        return f"{name} <{user.email}>"
    return name


def published_reviews(*, mentor_id: int) -> QuerySet[Rating]:
    """A mentor's public reviews, newest first, each with its reply: one query per page."""
    return (
        Rating.objects.filter(ratee_id=mentor_id, direction=Direction.MENTEE_TO_MENTOR, state=State.PUBLISHED)
        .select_related("rater", "reply")
        .order_by("-created_at", "-id")
    )


def star_distribution(*, mentor_id: int) -> list[dict]:
    """Published reviews per star value, 5 down to 1, with the share of each (one query)."""
    counts = dict(
        Rating.objects.filter(ratee_id=mentor_id, direction=Direction.MENTEE_TO_MENTOR, state=State.PUBLISHED)
        .values_list("stars").annotate(n=Count("id")).values_list("stars", "n")
    )
    total = sum(counts.values())
    return [
        {"stars": stars, "count": counts.get(stars, 0),
         "percent": round(100 * counts.get(stars, 0) / total) if total else 0}
        for stars in range(5, 0, -1)
    ]


def mentor_reviews_summary(*, profile, limit: int = 5) -> dict:
    """Everything the reviews panel of a mentor page shows, in two queries.

    The average and count come from the aggregate stored on the profile (kept exact by the
    services), so the panel never recomputes them.
    """
    count = profile.rating_count
    return {
        "count": count,
        "bayes": profile.rating_bayes,
        "mean": (profile.rating_sum / count) if count else None,
        "distribution": star_distribution(mentor_id=profile.pk),
        "reviews": list(published_reviews(mentor_id=profile.pk)[:limit]),
    }


def open_reports_with_reporters() -> QuerySet[RatingReport]:
    """Open reports, oldest first, each with its reporter and whether a moderator ignores them."""
    return (RatingReport.objects.filter(resolved_at__isnull=True).select_related("reporter")
            .annotate(reporter_ignored=Exists(IgnoredReporter.objects.filter(reporter_id=OuterRef("reporter_id"))))
            .order_by("created_at", "id"))


def moderation_queue(*, state: str | None = None, reported: bool | None = None) -> QuerySet[Rating]:
    """Public reviews for moderators, most-reported first; filter by state and by open reports.

    "Pending" also finds published reviews whose mentor's reply waits for a moderator. Each row's
    `open_report_list` holds its open reports with their reporters (one query for the page).
    """
    qs = (
        Rating.objects.filter(direction=Direction.MENTEE_TO_MENTOR)
        .select_related("rater", "ratee", "reply")
        .prefetch_related(Prefetch("reports", queryset=open_reports_with_reporters(), to_attr="open_report_list"))
        .order_by("-open_reports", "-created_at", "-id")
    )
    if state == State.PENDING:
        qs = qs.filter(Q(state=State.PENDING) | Q(reply__state=MentorReply.State.PENDING))
    elif state:
        qs = qs.filter(state=state)
    if reported is True:
        qs = qs.filter(open_reports__gt=0)
    elif reported is False:
        qs = qs.filter(open_reports=0)
    return qs


def audit_log(*, rating_id: int | None = None) -> QuerySet[ModerationDecision]:
    qs = (ModerationDecision.objects.select_related("moderator", "reporter", "rating__ratee", "rating__rater")
          .order_by("-at", "-id"))
    if rating_id is not None:
        qs = qs.filter(rating_id=rating_id)
    return qs
