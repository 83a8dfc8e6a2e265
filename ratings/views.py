"""Ratings pages: rate a session, reply, report, and the moderators' queue and audit log.

Thin: load with a permission check, call the service, render. A refused request re-renders its
form with the service's message and a 4xx status.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.models import MentorProfile
from accounts.selectors import mentor_listed_q, mentor_visible_q
from mentorship.errors import form_add_domain_error
from ratings import selectors, services
from ratings.errors import RatingError
from ratings.forms import (
    DecideForm,
    IgnoreReporterForm,
    MenteeRatingForm,
    MentorFeedbackForm,
    QueueFilterForm,
    ReplyForm,
    ReportForm,
)
from ratings.models import Rating, RatingReport, State
from sessions.models import Booking


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _mentor_page(mentor_id: int) -> str:
    slug = MentorProfile.objects.filter(pk=mentor_id).values_list("slug", flat=True).first()
    return reverse("accounts:mentor_detail", args=[slug]) if slug else reverse("home")


def _held_message(request, obj, what: str = "review") -> None:
    if getattr(obj, "held_because", None):
        messages.info(request, f"Your {what} will appear once a moderator has checked it, because it contains "
                               f"{' and '.join(obj.held_because)}.")


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, booking_id: int):
    booking = get_object_or_404(Booking.objects.select_related("mentor", "mentee"), pk=booking_id)
    if not booking.can_view(request.user):
        raise Http404("No such session.")  # a 403 would tell a stranger the session exists
    if not booking.is_participant(request.user):
        raise PermissionDenied("You can only rate sessions you took part in.")
    is_mentee = request.user.pk == booking.mentee_id
    form_class = MenteeRatingForm if is_mentee else MentorFeedbackForm
    existing = Rating.objects.filter(booking=booking, rater=request.user).first()
    completed = booking.status == Booking.Status.COMPLETED
    editable = completed and (existing is None or services.rating_is_editable(existing))
    status = 200

    if request.method == "POST":
        form = form_class(request.POST)
        if not completed or not editable:
            status = 409
            form.add_error(None, "This session cannot be rated now." if not completed
                           else "This rating can no longer be edited.")
        elif form.is_valid():
            try:
                if existing:
                    rating = services.rating_update(rating_id=existing.pk, editor=request.user, **form.cleaned_data)
                else:
                    rating = services.rating_create(booking_id=booking.pk, rater=request.user, **form.cleaned_data)
            except RatingError as error:
                form_add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, "Thank you: your rating is saved." if not existing
                                 else "Your rating is updated.")
                _held_message(request, rating)
                return redirect("ratings:rate", booking_id=booking.pk)
        else:
            status = 400
    else:
        initial = {}
        if existing:
            initial = {"stars": existing.stars, "comment": existing.comment, "expectation": existing.expectation,
                       "private_feedback": existing.private_feedback}
        form = form_class(initial=initial)
    context = {
        "booking": booking, "form": form, "existing": existing, "is_mentee": is_mentee, "completed": completed,
        "editable": editable, "other": booking.mentor if is_mentee else booking.mentee,
        "edit_deadline": services.edit_deadline(existing) if existing else None,
    }
    return render(request, "ratings/rate.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reply(request, rating_id: int):
    rating = get_object_or_404(Rating.objects.select_related("rater", "ratee"), pk=rating_id,
                               state=State.PUBLISHED, direction=Rating.Direction.MENTEE_TO_MENTOR)
    # The same answers as the API (ratings.services.reply_create): 404 to whoever may not know the
    # review's booking, 403 to its author and staff.
    if not services.may_know_rating(request.user, rating):
        raise Http404("No such review.")
    if request.user.pk != rating.ratee_id:
        raise PermissionDenied("Only the mentor who was reviewed can reply.")
    fallback = _mentor_page(rating.ratee_id)
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                reply = services.reply_create(rating_id=rating.pk, author=request.user,
                                              body=form.cleaned_data["body"])
            except RatingError as error:
                form_add_domain_error(form, error)
                status = error.status
            else:
                if reply.held_because:
                    _held_message(request, reply, "reply")
                else:
                    messages.success(request, "Your reply is published.")
                return redirect(_next_url(request, fallback))
        else:
            status = 400
    else:
        form = ReplyForm()
    return render(request, "ratings/reply.html", {"rating": rating, "form": form, "next": _next_url(request, fallback)},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, rating_id: int):
    # A review of an internal mentor is reported only by someone who may see that mentor.
    rating = get_object_or_404(Rating.objects.select_related("rater", "ratee").filter(
        mentor_visible_q(viewer=request.user, prefix="ratee__mentor_profile__")), pk=rating_id,
                               state=State.PUBLISHED, direction=Rating.Direction.MENTEE_TO_MENTOR)
    fallback = _mentor_page(rating.ratee_id)
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_create(rating_id=rating.pk, reporter=request.user, **form.cleaned_data)
            except RatingError as error:
                form_add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, "Thank you: a moderator will look at this review.")
                return redirect(_next_url(request, fallback))
        else:
            status = 400
    else:
        form = ReportForm()
    return render(request, "ratings/report.html", {"rating": rating, "form": form, "next": _next_url(request, fallback)},
                  status=status)


def _require_moderator(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not services.can_moderate(request.user):
        raise PermissionDenied("Only moderators can see the moderation queue.")
    return None


@require_http_methods(["GET", "POST"])
def moderation_queue(request):
    if (response := _require_moderator(request)) is not None:
        return response
    filters = QueueFilterForm(request.GET or None)
    state, reported = None, None
    if filters.is_valid():
        state = filters.cleaned_data["state"] or None
        reported = {"1": True, "0": False}.get(filters.cleaned_data["reported"])
    status = 200
    if request.method == "POST":
        decide = DecideForm(request.POST)
        if decide.is_valid():
            try:
                decisions = services.moderate(ratings=decide.cleaned_data["ids"], moderator=request.user,
                                              action=decide.cleaned_data["action"],
                                              reason=decide.cleaned_data["reason"])
            except RatingError as error:
                form_add_domain_error(decide, error)
                status = error.status
            else:
                action = services.PAST_TENSE[decide.cleaned_data["action"]]
                messages.success(request, f"{len(decisions)} review(s) {action}.")
                return redirect(request.get_full_path())
        else:
            status = 400
    else:
        decide = DecideForm()
    page = Paginator(selectors.moderation_queue(state=state, reported=reported), 25).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "decide": decide, "show_private": request.user.is_staff,
               "min_age_days": settings.RATINGS_REPORTER_MIN_AGE_DAYS}
    return render(request, "ratings/moderation_queue.html", context, status=status)


@require_http_methods(["GET", "POST"])
def ignore_reporter(request, report_id: int):
    """Stop counting one reporter's reports (the page behind "Ignore this reporter" in the queue)."""
    if (response := _require_moderator(request)) is not None:
        return response
    report = get_object_or_404(RatingReport.objects.select_related("reporter", "rating"), pk=report_id)
    fallback = reverse("ratings:moderation_queue")
    status = 200
    if request.method == "POST":
        form = IgnoreReporterForm(request.POST)
        if form.is_valid():
            try:
                services.reporter_ignore(report_id=report.pk, moderator=request.user,
                                         reason=form.cleaned_data["reason"])
            except RatingError as error:
                form_add_domain_error(form, error)
                status = error.status
            else:
                name = selectors.moderation_name(report.reporter, viewer=request.user)
                messages.success(request, f"Reports by {name} no longer count toward hiding reviews.")
                return redirect(_next_url(request, fallback))
        else:
            status = 400
    else:
        form = IgnoreReporterForm()
    context = {"report": report, "form": form, "next": _next_url(request, fallback),
               "reporter_name": selectors.moderation_name(report.reporter, viewer=request.user)}
    return render(request, "ratings/ignore_reporter.html", context, status=status)


def moderation_audit(request):
    if (response := _require_moderator(request)) is not None:
        return response
    page = Paginator(selectors.audit_log(), 50).get_page(request.GET.get("page"))
    return render(request, "ratings/moderation_audit.html", {"page": page})


def mentor_reviews(request, mentor_id: int):
    """All of a mentor's public reviews on one page (the mentor page shows the recent ones)."""
    profile = get_object_or_404(MentorProfile.objects.select_related("user").filter(
        mentor_visible_q(viewer=request.user), mentor_listed_q()), pk=mentor_id)
    return render(request, "ratings/mentor_reviews.html", {"profile": profile})
