"""The public slot picker: a month calendar that marks the days with free times and lists the
chosen day's times, in the viewer's zone with the mentor's own time beside each.

Without JavaScript it is a page of links (?month=2026-11&day=2026-11-12 pick a month and a day);
with it, htmx swaps months in place and static/js/picker.js shows a day's times without a request
(all of the month's times are in the page, the other days' lists hidden). The slots come from
sessions.selectors.mentor_slots_payload, the same call the slots API makes, over the month in the
viewer's zone: one slot rule, and the calendar marks exactly the days the API has times for.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, timedelta
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.selectors import blocked_by, mentor_bookable_get
from accounts.timezones import canonical_timezone, timezone_choices
from sessions import selectors
from sessions.errors import BookingError
from sessions.forms_availability import SlotPickerForm
from sessions.picker import add_months, booking_terms, month_bounds, month_weeks, slots_by_day
from sessions.slot_query import slot_query_parse, viewer_zone

WEEKDAY_NAMES = [("Mo", "Monday"), ("Tu", "Tuesday"), ("We", "Wednesday"), ("Th", "Thursday"),
                 ("Fr", "Friday"), ("Sa", "Saturday"), ("Su", "Sunday")]
MONTHS_AHEAD = 12  # the calendar pages no further; the policy's horizon usually stops it sooner


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _month_param(value: str | None) -> date | None:
    try:
        year, month = (value or "").split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _day_param(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@require_GET
def slot_picker(request, mentor_id: int):
    """The picker: an htmx fragment inside the mentor page, a full page without JS."""
    mentor = mentor_bookable_get(mentor_id=mentor_id, viewer=request.user)
    if mentor is None or blocked_by(blocker_id=mentor.pk, user=request.user):
        raise Http404("No such mentor.")
    profile = mentor.mentor_profile
    lengths = profile.session_lengths
    default_tz = viewer_zone(request)
    program_id = _int(request.GET.get("program"))
    errors: dict = {}
    payload = None
    context: dict = {}
    try:
        # Zone and length read the one way the slots API reads them; an old-style ?start= still
        # names the month to show (and is refused with the API's words when out of range).
        base = slot_query_parse(start=request.GET.get("start", ""), duration=request.GET.get("duration"),
                                tz=request.GET.get("tz", ""), lengths=lengths, default_tz=default_tz)
    except BookingError as exc:
        errors = exc.field_errors
    else:
        zone = zoneinfo.ZoneInfo(base["tz"])
        today = timezone.now().astimezone(zone).date()
        this_month = today.replace(day=1)
        chosen = _day_param(request.GET.get("day"))
        month = (_month_param(request.GET.get("month")) or (chosen and chosen.replace(day=1))
                 or (base["start"].date().replace(day=1) if request.GET.get("start") else None))
        # No month asked for: look at this month and the next in one query, and open the next
        # when this one has nothing left (late in a month, or a mentor booked out).
        auto = month is None
        month = min(max(month or this_month, this_month), add_months(this_month, MONTHS_AHEAD))
        first, last = month_bounds(month)
        if auto:
            last = month_bounds(add_months(month, 1))[1]
        query = slot_query_parse(start=first.isoformat(), end=last.isoformat(), duration=base["duration"],
                                 tz=base["tz"], lengths=lengths, default_tz=default_tz)
        slots_mentor = selectors.slots_mentor_of(mentor)
        payload = selectors.mentor_slots_payload(mentor=slots_mentor, query=query)
        by_day = slots_by_day(payload["slots"])
        if auto and not any(d.month == month.month for d in by_day) and by_day:
            month = add_months(month, 1)
        by_day = {d: s for d, s in by_day.items() if (d.year, d.month) == (month.year, month.month)}
        selected = chosen if chosen and chosen.replace(day=1) == month else next(iter(sorted(by_day)), None)
        for slots in by_day.values():
            for slot in slots:
                slot["iso"] = slot["start"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                # Formatted here: the template's |time would convert to the request's zone first.
                slot["mentor_time"] = f"{slot['mentor_local_start']:%H:%M}"
        picker_url = reverse("booking:slot_picker", args=[mentor.pk])
        keep = {"duration": payload["duration"], "tz": payload["timezone"]}
        if program_id:
            keep["program"] = program_id

        def link(**params) -> str:
            return f"{picker_url}?{urlencode({**keep, **params})}"

        last_bookable = today + timedelta(days=slots_mentor.policy.horizon_days)
        next_month = add_months(month, 1)
        context = {
            "month": month,
            "weekday_names": WEEKDAY_NAMES,
            "weeks": month_weeks(month, by_day=by_day, today=today, selected=selected),
            "days": sorted(by_day.items()),
            "selected": selected,
            "selected_slots": by_day.get(selected, []) if selected else [],
            "prev_url": link(month=f"{add_months(month, -1):%Y-%m}") if month > this_month else "",
            "prev_month": add_months(month, -1),
            "next_url": (link(month=f"{next_month:%Y-%m}")
                         if next_month <= min(last_bookable, add_months(this_month, MONTHS_AHEAD)) else ""),
            "next_month": next_month,
            "day_url": link(month=f"{month:%Y-%m}"),
            "other_lengths": [(n, link(month=f"{month:%Y-%m}", duration=n)) for n in lengths if n != payload["duration"]],
            "terms": booking_terms(mentor_name=mentor.display_name, requires_approval=slots_mentor.policy.requires_approval,
                                   response_median_minutes=profile.response_median_minutes),
        }
    tz_name = payload["timezone"] if payload else default_tz
    form = SlotPickerForm(
        initial={"duration": payload["duration"] if payload else (lengths[0] if lengths else 30),
                 "tz": canonical_timezone(tz_name)},
        lengths=lengths, zones=timezone_choices(),
    )
    context.update({
        "profile": profile, "mentor": mentor, "form": form, "errors": errors, "payload": payload, "tz_name": tz_name,
        "zones_differ": payload is not None and payload["timezone"] != mentor.timezone,
        # Picking a time from a program's page: the booking page preselects that program.
        "program_id": program_id,
    })
    status = 400 if errors and not _is_htmx(request) else 200
    template = "booking/_slot_picker.html" if _is_htmx(request) else "booking/_slot_picker_page.html"
    return render(request, template, context, status=status)
