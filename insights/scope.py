"""Which bookings and enrollments an insights report covers: one program or every program of an
organisation, over a period of whole days in the organisation's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from orgs.models import Organisation, Program, ProgramEnrollment
from sessions.models import Booking

DEFAULT_DAYS = 91  # thirteen weeks: a quarter, the period program managers report on
MAX_DAYS = 732  # two years, so the weekly chart stays readable (at most 106 bars)


@dataclass(frozen=True)
class Scope:
    organisation: Organisation
    program: Program | None
    first_day: date  # inclusive, in the organisation's zone
    last_day: date  # inclusive

    @property
    def zone(self) -> ZoneInfo:
        return self.organisation.tzinfo

    @property
    def start(self) -> datetime:
        """The period's first instant (UTC): midnight of first_day where the organisation is."""
        return datetime.combine(self.first_day, time(0), tzinfo=self.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after last_day, so a DST day is 23 or 25 hours long, as it is there."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)

    def weeks(self) -> list[date]:
        """Mondays of every week the period touches (the first and last may be partial)."""
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        out = []
        while monday <= self.last_day:
            out.append(monday)
            monday += timedelta(days=7)
        return out


def default_period(*, organisation: Organisation, today: date | None = None) -> tuple[date, date]:
    """The thirteen weeks up to today, where the organisation is."""
    today = today or timezone.now().astimezone(organisation.tzinfo).date()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def scope_bookings(scope: Scope) -> QuerySet[Booking]:
    """Program bookings in scope whose session starts inside the period (every status)."""
    qs = Booking.objects.filter(program__isnull=False)
    if scope.program is not None:
        qs = qs.filter(program_id=scope.program.pk)
    else:
        qs = qs.filter(program__organisation_id=scope.organisation.pk)
    return qs.filter(start__gte=scope.start, start__lt=scope.end).order_by()


def scope_enrollments(scope: Scope) -> QuerySet[ProgramEnrollment]:
    qs = ProgramEnrollment.objects.all()
    if scope.program is not None:
        qs = qs.filter(program_id=scope.program.pk)
    else:
        qs = qs.filter(program__organisation_id=scope.organisation.pk)
    return qs.order_by()


def period_check(*, first_day: date, last_day: date) -> dict[str, str]:
    """What is wrong with a chosen period, per field ("from", "to"); empty when it is fine. The page
    form and the API serializer both ask here."""
    from mentorship.datetimes import OUT_OF_RANGE, date_in_range

    errors = {}
    for name, day in (("from", first_day), ("to", last_day)):
        if not date_in_range(day):
            errors[name] = OUT_OF_RANGE
    if not errors and last_day < first_day:
        errors["to"] = "The end comes before the start."
    elif not errors and (last_day - first_day).days + 1 > MAX_DAYS:
        errors["to"] = f"Choose at most {MAX_DAYS} days (two years)."
    return errors
