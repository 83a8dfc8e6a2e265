"""A mentor's own record, for their home page and GET /api/v1/me/mentor-stats/: read-only
aggregates over their bookings and the ratings they received, in a fixed number of queries
(MENTOR_STATS_QUERIES, pinned in insights/tests/test_mentor_stats.py) whatever the history's size.

What each figure means (also said on the page):
- Sessions and hours per month: completed sessions by the month of their start, in the mentor's
  zone, over the last MONTHS months (this one included); hours are the booked lengths.
- Distinct mentees: people with at least one completed session with the mentor, ever.
- Rating trend: the average of the published public reviews received each month.
- "Met expectations": the share of mentees' private answers that say met or exceeded (answers on
  reviews a moderator removed do not count). Private answer by answer, so it is shown only from
  INSIGHTS_MIN_CELL answers on, the insights' own privacy threshold.
- Median response time: as insights.recognition (last answered requests, from a minimum count).
- Acceptance rate: of the requests the mentor confirmed, declined or let expire, the confirmed share.
- Late-cancel and no-show rates: of the sessions that were still on within the late-cancel window
  (completed, no-show or cancelled late, by either side), the share the mentor cancelled late,
  and the share the mentor missed (a no-show report upheld against them, alone or with the mentee).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from insights.recognition import MET, response_median, response_minutes
from ratings.models import Direction, Rating, State
from sessions.models import Booking, BookingEvent

MONTHS = 12
MENTOR_STATS_QUERIES = 6


@dataclass(frozen=True)
class Month:
    start: date
    sessions: int = 0
    minutes: int = 0
    rating_average: float | None = None
    ratings: int = 0

    @property
    def label(self) -> str:
        return f"{self.start:%b %y}"

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class MentorStats:
    months: list[Month]
    sessions: int
    hours: float
    distinct_mentees: int
    rating_count: int
    rating_average: float | None
    expectation_answers: int
    met_percent: int | None  # None: no answers, or too few to show
    response_median_minutes: int | None
    responses: int
    accepted: int
    declined: int
    expired: int
    due_sessions: int
    late_cancellations: int
    no_shows: int

    @property
    def acceptance_percent(self) -> int | None:
        return _percent(self.accepted, self.accepted + self.declined + self.expired)

    @property
    def late_cancel_percent(self) -> int | None:
        return _percent(self.late_cancellations, self.due_sessions)

    @property
    def no_show_percent(self) -> int | None:
        return _percent(self.no_shows, self.due_sessions)

    @property
    def met_hidden(self) -> bool:
        return 0 < self.expectation_answers < settings.INSIGHTS_MIN_CELL


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _month_starts(today: date, count: int) -> list[date]:
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def mentor_stats(*, mentor, now: datetime | None = None, months: int = MONTHS) -> MentorStats:
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(mentor.timezone or "UTC")
    starts = _month_starts(now.astimezone(zone).date(), months)
    since = datetime.combine(starts[0], datetime.min.time(), tzinfo=zone)
    mine = Booking.objects.filter(mentor=mentor)
    completed = Q(status=Booking.Status.COMPLETED)

    # 1. Completed sessions and minutes per month of their start, in the mentor's zone.
    per_month = {row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row for row in
                 mine.filter(completed, start__gte=since).annotate(month=TruncMonth("start", tzinfo=zone))
                 .values("month").annotate(n=Count("id"), minutes=Sum("duration_minutes")).order_by()}
    # 2. All-time totals and the base of the reliability rates, in one pass.
    late = Q(status=Booking.Status.CANCELLED, cancelled_late=True)
    no_show = Q(status=Booking.Status.NO_SHOW)
    totals = mine.aggregate(
        sessions=Count("id", filter=completed), minutes=Sum("duration_minutes", filter=completed),
        mentees=Count("mentee_id", filter=completed, distinct=True),
        due=Count("id", filter=completed | no_show | late),
        late=Count("id", filter=late & Q(cancelled_by_id=mentor.pk)),
        no_shows=Count("id", filter=no_show & Q(no_show_party__in=[Booking.NoShowParty.MENTOR,
                                                                   Booking.NoShowParty.BOTH])))
    # 3. Requests answered (by the mentor) or left to expire.
    outcomes = BookingEvent.objects.filter(booking__mentor=mentor).aggregate(
        accepted=Count("id", filter=Q(kind=BookingEvent.Kind.CONFIRMED, actor_id=F("booking__mentor_id"))),
        declined=Count("id", filter=Q(kind=BookingEvent.Kind.DECLINED, actor_id=F("booking__mentor_id"))),
        expired=Count("id", filter=Q(kind=BookingEvent.Kind.EXPIRED)))
    # 4. The last answered requests' response times.
    minutes = response_minutes([mentor.pk]).get(mentor.pk, [])
    # 5. Published reviews per month (the rating trend).
    reviews = Rating.objects.filter(ratee=mentor, direction=Direction.MENTEE_TO_MENTOR)
    published = Q(state=State.PUBLISHED)
    trend = {row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row for row in
             reviews.filter(published, created_at__gte=since).annotate(month=TruncMonth("created_at", tzinfo=zone))
             .values("month").annotate(n=Count("id"), average=Avg("stars")).order_by()}
    # 6. All-time reviews and the private expectation answers.
    answered = ~Q(state=State.REMOVED) & ~Q(expectation="")
    ratings = reviews.aggregate(count=Count("id", filter=published), average=Avg("stars", filter=published),
                                answers=Count("id", filter=answered),
                                met=Count("id", filter=answered & Q(expectation__in=MET)))

    month_rows = []
    for start in starts:
        row, rated = per_month.get(start, {}), trend.get(start, {})
        month_rows.append(Month(start=start, sessions=row.get("n", 0), minutes=row.get("minutes") or 0,
                                rating_average=round(rated["average"], 1) if rated.get("average") is not None else None,
                                ratings=rated.get("n", 0)))
    answers = ratings["answers"]
    show_met = answers >= settings.INSIGHTS_MIN_CELL
    return MentorStats(
        months=month_rows, sessions=totals["sessions"], hours=round((totals["minutes"] or 0) / 60, 1),
        distinct_mentees=totals["mentees"], rating_count=ratings["count"],
        rating_average=round(ratings["average"], 2) if ratings["average"] is not None else None,
        expectation_answers=answers,
        met_percent=_percent(ratings["met"], answers) if show_met else None,
        response_median_minutes=response_median(minutes), responses=len(minutes),
        accepted=outcomes["accepted"], declined=outcomes["declined"], expired=outcomes["expired"],
        due_sessions=totals["due"], late_cancellations=totals["late"], no_shows=totals["no_shows"],
    )

