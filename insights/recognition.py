"""Recognition from the record: response time and badges (the rules; accounts stores the outcome).

- Response time: minutes from a request (the booking's creation) to the mentor's answer (their
  confirm or decline), over the mentor's latest answers (by answer time), the last RECOGNITION_RESPONSE_SAMPLE answered requests; the
  median is published from RECOGNITION_RESPONSE_MIN answers on (None below: too few to say).
  Requests that expired unanswered have no response time; they weigh on the acceptance rate.
- "Quick responder": that median is under RECOGNITION_QUICK_MINUTES.
- "Top mentor": at least RECOGNITION_TOP_MIN_SESSIONS completed sessions, a public average (the
  published reviews, as on the profile) of at least RECOGNITION_TOP_MIN_AVERAGE stars, and at least
  RECOGNITION_TOP_MIN_MET_PERCENT of the private expectation answers "met" or "exceeded" (every
  answer a mentee gave except on ratings a moderator removed).
The words shown beside each badge come from accounts.recognition.badge_rules, from the same settings.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from accounts.models import MentorProfile
from accounts.recognition import QUICK_RESPONDER, TOP_MENTOR, mentor_recognition_set
from ratings.models import Direction, Expectation, Rating, State
from sessions.models import Booking, BookingEvent

ANSWERS = (BookingEvent.Kind.CONFIRMED, BookingEvent.Kind.DECLINED)
MET = (Expectation.MET, Expectation.EXCEEDED)


@dataclass(frozen=True)
class Record:
    """What the badges are decided on, for one mentor."""

    response_minutes: list[float]
    completed_sessions: int
    rating_count: int
    rating_sum: int
    expectation_answers: int
    expectation_met: int

    @property
    def response_median(self) -> int | None:
        return response_median(self.response_minutes)

    @property
    def average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    @property
    def met_percent(self) -> float | None:
        return 100 * self.expectation_met / self.expectation_answers if self.expectation_answers else None


def response_median(minutes: list[float]) -> int | None:
    """The median in whole minutes (halves up), or None with fewer than RECOGNITION_RESPONSE_MIN answers."""
    if len(minutes) < settings.RECOGNITION_RESPONSE_MIN:
        return None
    return math.floor(statistics.median(minutes) + 0.5)


def is_quick_responder(median_minutes: int | None) -> bool:
    return median_minutes is not None and median_minutes < settings.RECOGNITION_QUICK_MINUTES


def is_top_mentor(*, completed_sessions: int, average: float | None, met_percent: float | None) -> bool:
    return (completed_sessions >= settings.RECOGNITION_TOP_MIN_SESSIONS
            and average is not None and average >= settings.RECOGNITION_TOP_MIN_AVERAGE
            and met_percent is not None and met_percent >= settings.RECOGNITION_TOP_MIN_MET_PERCENT)


def badges_for(record: Record) -> list[str]:
    badges = []
    if is_quick_responder(record.response_median):
        badges.append(QUICK_RESPONDER)
    if is_top_mentor(completed_sessions=record.completed_sessions, average=record.average,
                     met_percent=record.met_percent):
        badges.append(TOP_MENTOR)
    return badges


def response_minutes(mentor_ids: Iterable[int]) -> dict[int, list[float]]:
    """Each mentor's last RECOGNITION_RESPONSE_SAMPLE response times in minutes, newest first, in
    ONE query for any number of mentors (a row number per mentor, filtered in the database)."""
    ids = list(mentor_ids)
    rows = (BookingEvent.objects
            .filter(kind__in=ANSWERS, booking__mentor_id__in=ids, actor_id=F("booking__mentor_id"))
            .annotate(rank=Window(RowNumber(), partition_by=[F("booking__mentor_id")],
                                  order_by=[F("at").desc(), F("id").desc()]))
            .filter(rank__lte=settings.RECOGNITION_RESPONSE_SAMPLE)
            .values_list("booking__mentor_id", "at", "booking__created_at"))
    out: dict[int, list[float]] = defaultdict(list)
    for mentor_id, answered, asked in rows:
        out[mentor_id].append(max((answered - asked).total_seconds(), 0) / 60)
    return out


def records(mentor_ids: Iterable[int]) -> dict[int, Record]:
    """The record of each mentor, in four queries whatever their number."""
    ids = sorted(set(mentor_ids))
    responses = response_minutes(ids)
    completed = dict(Booking.objects.filter(mentor_id__in=ids, status=Booking.Status.COMPLETED)
                     .values("mentor_id").annotate(n=Count("id")).values_list("mentor_id", "n"))
    stars = {pk: (count, total) for pk, count, total in
             MentorProfile.objects.filter(user_id__in=ids).values_list("user_id", "rating_count", "rating_sum")}
    answers = {row["ratee_id"]: row for row in
               Rating.objects.filter(ratee_id__in=ids, direction=Direction.MENTEE_TO_MENTOR)
               .exclude(state=State.REMOVED).exclude(expectation="")
               .values("ratee_id").annotate(n=Count("id"), met=Count("id", filter=Q(expectation__in=MET)))}
    return {pk: Record(response_minutes=responses.get(pk, []), completed_sessions=completed.get(pk, 0),
                       rating_count=stars.get(pk, (0, 0))[0], rating_sum=stars.get(pk, (0, 0))[1],
                       expectation_answers=answers.get(pk, {}).get("n", 0),
                       expectation_met=answers.get(pk, {}).get("met", 0))
            for pk in ids}


def mentors_recognition_refresh(*, mentor_ids: Iterable[int]) -> int:
    """Recompute and store the recognition of these mentors; returns how many rows changed."""
    changed = 0
    for mentor_id, record in records(mentor_ids).items():
        changed += mentor_recognition_set(mentor_id=mentor_id, response_median_minutes=record.response_median,
                                          badges=badges_for(record))
    return changed


def mentor_recognition_refresh(*, mentor_id: int) -> None:
    """The refresher accounts runs after a mentor's record changed (registered in InsightsConfig.ready)."""
    mentors_recognition_refresh(mentor_ids=[mentor_id])


def recognition_refresh_all(*, batch: int = 500) -> int:
    """Every mentor, a batch at a time (the nightly job); returns how many rows changed."""
    changed, last = 0, 0
    while True:
        ids = list(MentorProfile.objects.filter(user_id__gt=last).order_by("user_id")
                   .values_list("user_id", flat=True)[:batch])
        if not ids:
            return changed
        changed += mentors_recognition_refresh(mentor_ids=ids)
        last = ids[-1]


