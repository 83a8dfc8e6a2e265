"""Booking pages: book a slot, my sessions, one session with its actions, the calendar feed.

Thin: parse, load with a permission check (404 for anyone who may not see a booking), call the
service, render. BookingErrors re-render the page with the message and, for a lost race, the next
free slots.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.selectors import mentor_bookable_get
from mentorship.converters import MAX_ID
from mentorship.datetimes import datetime_in_range
from mentorship.errors import form_add_domain_error
from orgs.selectors_programs import programs_shared
from sessions.errors import BookingError
from sessions.forms import BookingForm, CancelForm, DeclineForm, RescheduleForm
from sessions.models import Booking, BookingPolicy
from sessions.selectors import (
    BOOKING_ROLES,
    BOOKING_WHENS,
    JOIN_OPENS_BEFORE,
    booking_can_join,
    booking_invite_method,
    booking_visible_get,
    bookings_mine,
    mentee_shared_with,
    mentor_slots,
)
from sessions.services import bookings as services
from sessions.services import calendar as calendar_services
from sessions.views.noshow_panel import noshow_context

PAGE_SIZE = 10
RESCHEDULE_PER_DAY = 8


def _parse_start(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))  # a "+" in a query string arrives as a space
    except ValueError:
        return None
    if value is None or timezone.is_naive(value) or not datetime_in_range(value):
        return None
    return value.astimezone(UTC)


def _program_param(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 < value <= MAX_ID else None


def _bookable_mentor(mentor_id: int, viewer) -> User:
    mentor = mentor_bookable_get(mentor_id=mentor_id, viewer=viewer)
    if mentor is None:
        raise Http404("No such mentor.")
    return mentor


@login_required
def book(request, mentor_id: int):
    mentor = _bookable_mentor(mentor_id, request.user)
    profile = mentor.mentor_profile
    lengths = profile.session_lengths
    next_slots: list[datetime] = []
    error = None
    status = 200
    if request.method == "POST":
        # A booking outside programs (the usual post) asks nothing about programs: the booking
        # page's statement count stays what test_booking_queries pins.
        programs = list(programs_shared(mentee=request.user, mentor=mentor)) if request.POST.get("program") else []
        form = BookingForm(request.POST, lengths=lengths, programs=programs)
        if form.is_valid():
            values = form.cleaned_data
            program = next((p for p in programs if p.pk == values.get("program")), None)
            try:
                booking = services.booking_create(
                    mentee=request.user, mentor=mentor, start=values["start"], duration=values["duration"],
                    topic=values["topic"], question=values["question"], context_url=values["context_url"],
                    program=program,
                )
            except BookingError as exc:
                # Shown once: by the field it names when that field is on the form (topic, question),
                # otherwise (the time, the mentor, no field) as the page's alert.
                status = exc.status
                if set(exc.field_errors) - {"start", "mentor", "non_field_errors", "program"}:
                    form_add_domain_error(form, exc)
                else:
                    error = exc.message
                next_slots = [_parse_start(s) for s in exc.extra.get("next_slots", [])]
            else:
                if booking.status == Booking.Status.CONFIRMED:
                    messages.success(request, "Your session is booked and confirmed.")
                else:
                    messages.success(request, "Your request was sent; the mentor will confirm or decline it.")
                return redirect("booking:detail", pk=booking.pk)
        else:
            status = 400
        start = form.cleaned_data.get("start") if hasattr(form, "cleaned_data") else None
        start = start or _parse_start(request.POST.get("start"))
        if not programs:  # the page comes back: offer the choice as a GET would
            form.offer_programs(list(programs_shared(mentee=request.user, mentor=mentor)))
    else:
        programs = list(programs_shared(mentee=request.user, mentor=mentor))
        start = _parse_start(request.GET.get("start"))
        try:
            duration = int(request.GET.get("duration", ""))
        except ValueError:
            duration = lengths[0] if lengths else None
        if duration not in lengths and lengths:
            duration = lengths[0]
        chosen = _program_param(request.GET.get("program"))
        form = BookingForm(initial={"start": start.isoformat() if start else "", "duration": duration,
                                    "program": chosen if any(p.pk == chosen for p in programs) else ""},
                           lengths=lengths, programs=programs)
        if start is None:
            error = "Pick a time on the mentor's page first."
            status = 400
    end = None
    if start is not None:
        try:
            end = start + timedelta(minutes=int(form["duration"].value() or 0))
        except (TypeError, ValueError):
            end = None
    context = {
        "mentor": mentor, "profile": profile, "form": form, "start": start, "end": end, "error": error,
        "next_slots": [s for s in next_slots if s is not None], "zones_differ": mentor.timezone != request.tz_name,
        "duration": form["duration"].value(),
        "requires_approval": BookingPolicy.objects.filter(pk=mentor.pk, requires_approval=True).exists(),
    }
    return render(request, "booking/book.html", context, status=status)


@login_required
def my_sessions(request):
    user = request.user
    when = request.GET.get("when", "upcoming")
    when = when if when in BOOKING_WHENS else "upcoming"
    role = request.GET.get("role", "")
    role = role if role in BOOKING_ROLES else ""
    now = timezone.now()
    qs = bookings_mine(user=user, role=role, when=when, now=now)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "booking/my_sessions.html", {"page": page, "when": when, "role": role, "now": now})


def _visible_booking(request, pk: int) -> Booking:
    booking = booking_visible_get(user=request.user, pk=pk)
    if booking is None:
        raise Http404("Booking not found.")
    return booking


def _reschedule_options(booking: Booking, zone_name: str) -> list[tuple[str, list[datetime]]]:
    """Free starts for the next two weeks, grouped by the viewer's local day, a few per day."""

    now = timezone.now()
    try:
        starts = mentor_slots(mentor=booking.mentor, start=now, end=now + timedelta(days=14),
                              duration=booking.duration_minutes, now=now)
    except BookingError:
        return []
    zone = zoneinfo.ZoneInfo(zone_name)
    days: dict = {}
    for start in starts:
        if start == booking.start:
            continue
        day = days.setdefault(start.astimezone(zone).date(), [])
        if len(day) < RESCHEDULE_PER_DAY:
            day.append(start)
    return [(f"{day:%a} {day.day} {day:%b}", slots) for day, slots in days.items()]


def _render_detail(request, booking: Booking, *, status: int = 200, **forms):
    user = request.user
    now = timezone.now()
    is_mentor = user.pk == booking.mentor_id
    is_participant = booking.is_participant(user)
    can_change = is_participant and booking.is_live and booking.start > now
    context = {
        "booking": booking,
        "is_mentor": is_mentor,
        "is_participant": is_participant,
        "other": booking.mentee if is_mentor else booking.mentor,
        "can_respond": is_mentor and booking.status == Booking.Status.REQUESTED and booking.start > now,
        "can_cancel": can_change,
        "can_reschedule": can_change,
        "can_join": booking_can_join(booking=booking, user=user, now=now),
        "join_opens_at": booking.start - JOIN_OPENS_BEFORE,
        "offer_invite": is_participant and booking_invite_method(booking=booking) == "REQUEST",
        "events": booking.events.select_related("actor"),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "reschedule_form": forms.get("reschedule_form") or RescheduleForm(),
        "reschedule_options": _reschedule_options(booking, request.tz_name) if can_change else [],
        "next_slots": forms.get("next_slots") or [],
        "shared_profile": mentee_shared_with(booking=booking, viewer=user),
        **noshow_context(booking=booking, user=user, now=now, forms=forms),
    }
    return render(request, "booking/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    return _render_detail(request, _visible_booking(request, pk))


def _act(request, pk: int, form_class, form_key: str, call, success: str):
    booking = _visible_booking(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _render_detail(request, booking, status=400, **{form_key: form})
    try:
        call(booking, form.cleaned_data if form is not None else {})
    except BookingError as exc:
        if exc.status == 404:
            raise Http404(exc.message)
        messages.error(request, exc.message)
        if form is not None:
            form_add_domain_error(form, exc)
        next_slots = [_parse_start(s) for s in exc.extra.get("next_slots", [])]
        booking.refresh_from_db()
        return _render_detail(request, booking, status=exc.status, next_slots=[s for s in next_slots if s],
                              **({form_key: form} if form is not None else {}))
    messages.success(request, success)
    return redirect("booking:detail", pk=pk)


@login_required
@require_POST
def confirm(request, pk: int):
    return _act(request, pk, None, "", lambda b, v: services.booking_confirm(booking=b, actor=request.user),
                "Session confirmed. The mentee has been told.")


@login_required
@require_POST
def decline(request, pk: int):
    return _act(request, pk, DeclineForm, "decline_form",
                lambda b, v: services.booking_decline(booking=b, actor=request.user, reason=v["reason"]),
                "Request declined.")


@login_required
@require_POST
def cancel(request, pk: int):
    return _act(request, pk, CancelForm, "cancel_form",
                lambda b, v: services.booking_cancel(booking=b, actor=request.user, reason=v["reason"]),
                "Session cancelled.")


@login_required
@require_POST
def reschedule(request, pk: int):
    return _act(request, pk, RescheduleForm, "reschedule_form",
                lambda b, v: services.booking_reschedule(booking=b, actor=request.user, new_start=v["start"]),
                "Session moved to the new time.")


@login_required
@require_GET
def invite(request, pk: int):
    booking = _visible_booking(request, pk)
    method = booking_invite_method(booking=booking)
    if method is None:
        raise Http404("No calendar invite for a session that is not confirmed.")
    body = calendar_services.booking_ics(booking=booking, method=method, recipient=request.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{booking.pk}.ics"'
    return response


# --- calendar feed -------------------------------------------------------------------------------

@login_required
def calendar_page(request):
    token = calendar_services.calendar_token_ensure(user=request.user)
    path = reverse("booking:calendar_feed", args=[token])
    https_url = request.build_absolute_uri(path)
    webcal_url = "webcal://" + https_url.split("://", 1)[1]
    return render(request, "booking/calendar.html", {"https_url": https_url, "webcal_url": webcal_url})


@login_required
@require_POST
def calendar_reset(request):
    calendar_services.calendar_token_rotate(user=request.user)
    messages.success(request, "Your calendar link was reset. Subscribe again with the new link; the old one stopped working.")
    return redirect("booking:calendar")


@require_GET
def calendar_feed(request, token: str):
    # The token is the only credential (calendar apps cannot log in), so an unknown or rotated
    # token is a plain 404.
    user = User.objects.filter(calendar_token=token, is_active=True).first() if token else None
    if user is None:
        raise Http404("Unknown calendar.")
    response = HttpResponse(calendar_services.user_calendar_feed(user=user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
