"""`{% mentor_reviews profile %}`: the reviews panel of a mentor page, in three queries whatever
the number of reviews (distribution, recent reviews with replies, what the viewer has reported)."""

from __future__ import annotations

from django import template

from ratings.forms import ReplyForm, ReportForm
from ratings.models import RatingReport
from ratings.selectors import mentor_reviews_summary, moderation_name, public_name
from ratings.services import rating_is_editable

register = template.Library()


@register.inclusion_tag("ratings/_mentor_reviews_panel.html", takes_context=True)
def mentor_reviews(context, profile, limit: int = 5):
    request = context.get("request")
    user = getattr(request, "user", None)
    summary = mentor_reviews_summary(profile=profile, limit=limit)
    signed_in = bool(user and user.is_authenticated)
    reported_ids: set[int] = set()
    if signed_in and summary["reviews"]:
        reported_ids = set(RatingReport.objects.filter(
            reporter=user, rating_id__in=[r.pk for r in summary["reviews"]]).values_list("rating_id", flat=True))
    for review in summary["reviews"]:
        review.reviewer_name = public_name(review.rater)
        review.viewer_reported = review.pk in reported_ids
        review.viewer_is_author = signed_in and review.rater_id == user.pk
        reply = getattr(review, "reply", None)
        review.has_reply = reply is not None and reply.is_published
        # The mentor sees that a held reply waits; nobody else learns of it.
        review.reply_pending = reply is not None and reply.state == reply.State.PENDING
        review.can_reply = reply is None
        # The page's forms, rendered by the one field template; ids carry the review so they stay unique.
        review.reply_form = ReplyForm(auto_id=f"reply-{review.pk}-%s")
        review.report_form = ReportForm(auto_id=f"report-{review.pk}-%s")
    return {
        **summary,
        "profile": profile,
        "request": request,
        "user": user,
        "signed_in": signed_in,
        "viewer_is_mentor": signed_in and user.pk == profile.pk,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }


@register.filter
def moderation_name_for(user, viewer) -> str:
    """`{{ rating.rater|moderation_name_for:request.user }}`: a name for moderators, the email for staff."""
    return moderation_name(user, viewer=viewer)


@register.filter
def star_text(value) -> str:
    """'★★★★☆' for 4, for sighted readers; templates pair it with a text label."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    return "★" * n + "☆" * (5 - n)


@register.simple_tag
def viewer_rating(booking, user):
    """`{% viewer_rating booking user as rating %}`: the viewer's own rating of a booking, or None.

    Lets the booking page say "Edit your rating" instead of inviting a second one (one query)."""
    if not getattr(user, "is_authenticated", False):
        return None
    from ratings.models import Rating

    rating = Rating.objects.filter(booking=booking, rater=user).first()
    if rating is not None:
        rating.editable = rating_is_editable(rating)
    return rating
