"""The slot picker's shapes: a month grid that marks the days with free times, and the plain
words said before booking (confirmation, usual answer time, cancellation rules).

Pure functions over what the slot selectors already returned (sessions.selectors.
mentor_slots_payload): the days marked are exactly the local days of the slots the API gives for
the same query, because they are grouped from the very same list. No second slot rule here.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

_WEEKS = calendar.Calendar(firstweekday=0)  # ISO weeks: Monday first


@dataclass
class DayCell:
    day: date
    slots: list[dict] = field(default_factory=list)
    is_today: bool = False
    selected: bool = False

    @property
    def free(self) -> int:
        return len(self.slots)


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the month `month` falls in."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_months(month: date, n: int) -> date:
    """The first day of the month `n` months after (or before) `month`'s."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def slots_by_day(slots: list[dict]) -> dict[date, list[dict]]:
    """The payload's slots grouped by their local day in the viewer's zone (the `local_start` the
    selector computed, so a slot at 23:30 before a DST change and one at 00:00 after it land on the
    days the viewer sees on their own clock)."""
    days: dict[date, list[dict]] = {}
    for slot in slots:
        days.setdefault(slot["local_start"].date(), []).append(slot)
    return days


def month_weeks(month: date, *, by_day: dict[date, list[dict]], today: date,
                selected: date | None) -> list[list[DayCell | None]]:
    """The weeks of `month` (Monday first) as rows of seven cells; None outside the month."""
    weeks = []
    for week in _WEEKS.monthdatescalendar(month.year, month.month):
        weeks.append([DayCell(day=d, slots=by_day.get(d, []), is_today=d == today, selected=d == selected)
                      if d.month == month.month else None for d in week])
    return weeks


def _duration_words(minutes: int) -> str:
    if minutes < 60:
        minutes = max(minutes, 1)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(minutes / (60 * 24))
    return f"{days} days"


def booking_terms(*, mentor_name: str, requires_approval: bool, response_median_minutes: int | None) -> dict:
    """What a mentee should know before booking, in plain words: whether the mentor confirms
    requests or the booking is instant, how long they usually take to answer (nothing when no
    record says it), and the cancellation rules the booking service applies
    (BOOKING_LATE_CANCEL_HOURS, BOOKING_REQUEST_EXPIRY_HOURS)."""
    late = settings.BOOKING_LATE_CANCEL_HOURS
    expiry = settings.BOOKING_REQUEST_EXPIRY_HOURS
    if requires_approval:
        mode = (f"{mentor_name} confirms each request. One left unanswered lapses after "
                f"{expiry} hours, or when the session would start.")
    else:
        mode = "Bookings are instant: the time is yours as soon as you book."
    cancel = ["You can cancel until the session starts; you give a short reason, which the other person reads.",
              f"Cancelling a confirmed session less than {late} hour{'s' if late != 1 else ''} before it "
              "starts counts as a late cancellation on your record."]
    if requires_approval:
        cancel.append("Withdrawing a request that has not been answered yet costs nothing.")
    response = (f"{mentor_name} usually answers within {_duration_words(response_median_minutes)}."
                if response_median_minutes is not None else "")
    summary = f"cancel up to {late} hour{'s' if late != 1 else ''} before the start without a late mark"
    return {"requires_approval": requires_approval, "mode": mode, "response": response, "cancel": cancel,
            "cancel_summary": summary}
