"""A believable past and near future for the demo: sessions, reviews, no-shows and requests.

Everything goes through the platform's own services with their clock pinned (`now=`) at the moment
each step would have happened: a session three months ago was booked a few days before it, confirmed,
completed 15 minutes after its end and rated a day later. So slot rules, aggregates, reliability
records, matching triggers and search documents are exactly what real use would have left behind.

Two things the services cannot be told, written here directly and only here (demo-only path):
- `auto_now_add` timestamps (Booking.created_at, BookingEvent.at) are set to the pinned moments
  afterwards, or a session from May would say it was booked today;
- the outbox rows of the history are marked skipped: nobody should get hundreds of mails about
  sessions that never happened. Reminders of upcoming demo sessions stay pending, as they would.

The history is relative to `now`, so the demo looks current whenever it is seeded: past sessions
in the last PAST_DAYS, upcoming ones in the next UPCOMING_DAYS. A seeded random generator makes it
the same for the same `now`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from accounts import demo_data
from accounts.models import User
from ratings import services as ratings
from ratings.models import Expectation
from sessions.errors import BookingError
from sessions.models import Booking, BookingEvent, Notification
from sessions.selectors import mentor_slots, policy_for
from sessions.services import availability, bookings, lifecycle, noshow

PAST_DAYS = 180
UPCOMING_DAYS = 14
NEW_MENTORS = 4  # listed with no history yet: they legitimately say "New mentor"
SKIPPED_NOTE = "Demo history: never sent"


def _no_show_reason(booking: Booking) -> str:
    # Not drawn from the story's random generator: one more draw would change every later event of
    # the seeded history, which tests and demo scripts rely on.
    return demo_data.NO_SHOW_REASONS[booking.pk % len(demo_data.NO_SHOW_REASONS)]


@dataclass
class _Stamps:
    """The pinned moment of every event a service wrote, per booking, in the order written."""

    by_booking: dict[int, list[datetime]] = field(default_factory=dict)

    def add(self, booking: Booking, at: datetime) -> None:
        self.by_booking.setdefault(booking.pk, []).append(at)


class History:
    # How far back the story reaches, and the program its sessions count in (accounts.demo_company
    # tells a company program's year with the same machinery).
    past_days = PAST_DAYS
    program = None

    def __init__(self, *, mentors: list[tuple[User, str]], mentees: list[User], demo_mentor: User,
                 demo_mentee: User, now: datetime, rng: random.Random,
                 progress: Callable[[str], None] | None = None) -> None:
        self.now = now
        self.rng = rng
        self.progress = progress or (lambda message: None)
        self.fields = {m.pk: f for m, f in mentors}
        self.mentors = [m for m, _ in mentors]
        self.mentees = mentees
        self.demo_mentor, self.demo_mentee = demo_mentor, demo_mentee
        self.stamps = _Stamps()
        self.policies: dict = {}
        self.counts = {"completed": 0, "reviews": 0, "no_shows": 0, "late_cancellations": 0, "upcoming": 0,
                       "requests": 0}
        self.interests = {m.pk: {s.name for s in m.mentee_profile.interests.all()} for m in mentees}
        self.skills = {m.pk: {s.name for s in m.mentor_profile.skills.all()} for m in self.mentors}

    def _policy(self, mentor: User):
        if mentor.pk not in self.policies:
            self.policies[mentor.pk] = policy_for(mentor=mentor)
        return self.policies[mentor.pk]

    # --- choosing -----------------------------------------------------------------------------

    def _mentee_for(self, mentor: User) -> User:
        pool = [m for m in self.mentees if m.pk != self.demo_mentee.pk]
        weights = [6 if self.interests[m.pk] & self.skills[mentor.pk] else 1 for m in pool]
        return self.rng.choices(pool, weights=weights)[0]

    def _question(self, mentor: User) -> tuple[str, str]:
        return self.rng.choice(demo_data.QUESTIONS[self.fields[mentor.pk]])

    def _slot(self, *, mentor: User, begin: datetime, end: datetime, duration: int, listed_at: datetime):
        starts = mentor_slots(mentor=mentor, start=begin, end=end, duration=duration, now=listed_at)
        return self.rng.choice(starts) if starts else None

    # --- booking through the services -----------------------------------------------------------

    def _book(self, *, mentor: User, mentee: User, start: datetime, duration: int, booked_at: datetime) -> Booking | None:
        topic, question = self._question(mentor)
        try:
            booking = bookings.booking_create(mentee=mentee, mentor=mentor, start=start, duration=duration,
                                              topic=topic, question=question, now=booked_at, program=self.program)
        except BookingError:
            return None  # the mentee is busy then, or a cap is reached: the story simply skips it
        self.stamps.add(booking, booked_at)
        return booking

    def _confirm(self, booking: Booking, booked_at: datetime) -> Booking:
        at = booked_at + min(timedelta(hours=self.rng.randint(1, 8)), (booking.start - booked_at) / 2)
        at = min(at, self.now - timedelta(minutes=1))
        booking = bookings.booking_confirm(booking=booking, actor=booking.mentor, now=at)
        self.stamps.add(booking, at)
        return booking

    def _past_one(self, mentor: User, *, mentee: User | None = None, day: datetime | None = None,
                  outcome: str | None = None) -> Booking | None:
        policy = self._policy(mentor)
        profile = mentor.mentor_profile
        duration = self.rng.choice(profile.session_lengths)
        for _ in range(4):
            center = day or self._random_day()
            begin = center - timedelta(days=2)
            end = min(center + timedelta(days=3), self.now - timedelta(hours=2))
            notice = timedelta(hours=policy.min_notice_hours)
            start = self._slot(mentor=mentor, begin=begin, end=end, duration=duration,
                               listed_at=begin - notice - timedelta(hours=1))
            if start is None or start + timedelta(minutes=duration + 30) > self.now:
                day = None
                continue
            longest = min(timedelta(days=policy.horizon_days) - timedelta(hours=1), notice + timedelta(days=6))
            booked_at = start - notice - (longest - notice) * self.rng.random() - timedelta(minutes=30)
            who = mentee or self._mentee_for(mentor)
            booking = self._book(mentor=mentor, mentee=who, start=start, duration=duration, booked_at=booked_at)
            if booking is None:
                day = None
                continue
            return self._past_outcome(booking, booked_at, outcome or self._outcome(policy.requires_approval))
        return None

    def _random_day(self) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(1.5, self.past_days))

    def _outcome(self, approval: bool) -> str:
        roll = self.rng.random()
        if roll < 0.04:
            return "late_cancel"
        if roll < 0.09:
            return "cancel"
        if roll < 0.12:
            return "no_show"
        if approval and roll < 0.16:
            return self.rng.choice(["declined", "expired"])
        return "completed"

    def _past_outcome(self, booking: Booking, booked_at: datetime, outcome: str) -> Booking:
        rng = self.rng
        if booking.status == Booking.Status.REQUESTED:
            if outcome == "declined":
                at = booked_at + min(timedelta(hours=3), (booking.start - booked_at) / 2)
                booking = bookings.booking_decline(booking=booking, actor=booking.mentor, now=at,
                                                   reason=rng.choice(demo_data.DECLINE_REASONS))
                self.stamps.add(booking, at)
                return booking
            if outcome == "expired":
                return booking  # requests_expire_due expires it at the end
            booking = self._confirm(booking, booked_at)
        elif outcome in ("declined", "expired"):
            outcome = "completed"
        if outcome == "cancel" and booking.start - booked_at > timedelta(hours=settings.BOOKING_LATE_CANCEL_HOURS + 2):
            at = booked_at + timedelta(minutes=rng.randint(20, 90))
            booking = bookings.booking_cancel(booking=booking, actor=booking.mentee, now=at,
                                              reason=rng.choice(demo_data.CANCEL_REASONS))
            self.stamps.add(booking, at)
        elif outcome == "late_cancel":
            at = booking.start - timedelta(minutes=rng.randint(30, 150))
            actor = booking.mentee if rng.random() < 0.75 else booking.mentor
            booking = bookings.booking_cancel(booking=booking, actor=actor, now=at,
                                              reason=rng.choice(demo_data.CANCEL_REASONS))
            self.stamps.add(booking, at)
            self.counts["late_cancellations"] += 1
        else:
            booking.demo_outcome = "no_show" if outcome == "no_show" else "completed"
        return booking

    def _finish(self, past: list[Booking]) -> list[Booking]:
        """In the order they ended: no-shows reported, the rest completed by the periodic job."""
        completed = []
        reports = []
        grace = timedelta(minutes=settings.SESSION_COMPLETE_GRACE_MINUTES)
        for booking in sorted(past, key=lambda b: b.end):
            if booking.demo_outcome == "no_show":
                # The mentor reports, the completion job completes the session as usual, and the
                # report counts once its dispute window has passed (settled below, in order).
                at = booking.end + timedelta(minutes=10)
                reports.append(noshow.noshow_report_create(booking=booking, reporter=booking.mentor, now=at,
                                                           reason=_no_show_reason(booking)))
                self.stamps.add(booking, at)
                lifecycle.sessions_complete_due(now=booking.end + grace)
                self.stamps.add(booking, booking.end + grace)
                continue
            at = booking.end + grace
            lifecycle.sessions_complete_due(now=at)
            self.stamps.add(booking, at)
            booking.completed_at = at
            completed.append(booking)
            self.counts["completed"] += 1
        for report in reports:
            if report.dispute_deadline <= self.now:
                noshow.noshow_reports_settle_due(now=report.dispute_deadline)
                self.stamps.add(report.booking, report.dispute_deadline)
                self.counts["no_shows"] += 1
        return completed

    def _rate(self, booking: Booking, *, at: datetime | None = None) -> None:
        rng = self.rng
        at = at or min(booking.completed_at + timedelta(hours=rng.uniform(1, 60)), self.now - timedelta(minutes=5))
        roll = rng.random()
        stars = 5 if roll < 0.62 else 4 if roll < 0.9 else 3
        if stars == 3:
            comment = rng.choice(demo_data.THREE_STAR_COMMENTS)
        elif rng.random() < 0.75:
            comment = rng.choice(demo_data.COMMENTS[self.fields[booking.mentor_id]])
        else:
            comment = rng.choice(demo_data.GENERIC_COMMENTS)
        expectation = Expectation.EXCEEDED if stars == 5 else Expectation.MET if stars == 4 else Expectation.BELOW
        rating = ratings.rating_create(booking_id=booking.pk, rater=booking.mentee, stars=stars, comment=comment,
                                       expectation=expectation, now=at)
        self.counts["reviews"] += 1
        if comment and (stars == 3 or rng.random() < 0.08):
            reply = rng.choice(demo_data.REPLIES_CRITICAL if stars == 3 else demo_data.REPLIES_THANKS)
            ratings.reply_create(rating_id=rating.pk, author=booking.mentor, body=reply,
                                 now=min(at + timedelta(hours=rng.uniform(2, 30)), self.now))
        if rng.random() < 0.1:
            ratings.rating_create(booking_id=booking.pk, rater=booking.mentor, now=at,
                                  private_feedback=rng.choice(demo_data.MENTOR_FEEDBACK))

    def _upcoming(self, mentor: User, *, mentee: User | None = None, pending: bool = False) -> Booking | None:
        policy = self._policy(mentor)
        duration = self.rng.choice(mentor.mentor_profile.session_lengths)
        begin = self.now + timedelta(hours=policy.min_notice_hours + 1)
        start = self._slot(mentor=mentor, begin=begin, end=self.now + timedelta(days=UPCOMING_DAYS),
                           duration=duration, listed_at=self.now)
        if start is None:
            return None
        # A pending request must still be unanswered now, so it was sent inside the expiry window.
        back = timedelta(hours=self.rng.uniform(2, 30)) if pending else timedelta(hours=self.rng.uniform(3, 96))
        booked_at = max(self.now - back, start - timedelta(days=policy.horizon_days) + timedelta(hours=1))
        booking = self._book(mentor=mentor, mentee=mentee or self._mentee_for(mentor), start=start,
                             duration=duration, booked_at=booked_at)
        if booking is None:
            return None
        if booking.status == Booking.Status.REQUESTED and not pending:
            booking = self._confirm(booking, booked_at)
        self.counts["requests" if booking.status == Booking.Status.REQUESTED else "upcoming"] += 1
        return booking

    # --- the story -------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        rng = self.rng
        sam, lena = self.demo_mentee, self.demo_mentor
        veterans = [m for m in self.mentors if m.pk != lena.pk]
        new_ids = {m.pk for m in rng.sample(veterans, k=NEW_MENTORS)}
        active = [m for m in self.mentors if m.pk not in new_ids]
        past: list[Booking] = []

        # Sam's own story first, with mentors whose skills match what he wants to learn.
        sam_mentors = sorted(active, key=lambda m: (-len(self.interests[sam.pk] & self.skills[m.pk]), m.pk))
        sam_mentors = [m for m in sam_mentors if m.pk != lena.pk]
        for index, mentor in enumerate(sam_mentors[:5]):
            day = self.now - timedelta(days=150 - index * 33)
            booking = self._past_one(mentor, mentee=sam, day=day, outcome="completed")
            if booking is not None:
                past.append(booking)

        for number, mentor in enumerate(active, start=1):
            if number % 16 == 0:
                self.progress(f"  history: {number}/{len(active)} mentors")
            target = 14 if mentor.pk == lena.pk else int(rng.triangular(3, 18, 6))
            for _ in range(target):
                booking = self._past_one(mentor)
                if booking is not None and booking.status == Booking.Status.CONFIRMED:
                    past.append(booking)
        completed = self._finish(past)

        sam_done = sorted((b for b in completed if b.mentee_id == sam.pk), key=lambda b: b.end)
        awaiting = sam_done[-1] if sam_done else None
        for booking in completed:
            if booking.mentee_id == sam.pk:
                if booking is not awaiting:
                    self._rate(booking)
            elif rng.random() < 0.72:
                self._rate(booking)

        # The near future: Lena has requests to answer and sessions ahead; Sam has one of each.
        for _ in range(3):
            self._upcoming(lena, pending=True)
        for _ in range(2):
            self._upcoming(lena)
        for mentor in sam_mentors:
            if self._upcoming(mentor, mentee=sam) is not None:
                break
        approving = [m for m in sam_mentors[1:] if self._policy(m).requires_approval]
        if not approving:
            self.policies[sam_mentors[5].pk] = availability.policy_update(mentor=sam_mentors[5], requires_approval=True)
            approving = [sam_mentors[5]]
        for mentor in approving:
            if self._upcoming(mentor, mentee=sam, pending=True) is not None:
                break
        for mentor in active:
            if mentor.pk == lena.pk:
                continue
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                self._upcoming(mentor, pending=self._policy(mentor).requires_approval and rng.random() < 0.4)

        lifecycle.requests_expire_due(now=self.now)
        self._backdate()
        return self.counts

    def _backdate(self) -> None:
        ids = list(self.stamps.by_booking)
        events: dict[int, list[BookingEvent]] = {}
        for event in BookingEvent.objects.filter(booking_id__in=ids).order_by("id"):
            events.setdefault(event.booking_id, []).append(event)
        changed_events, changed_bookings = [], []
        for booking in Booking.objects.filter(pk__in=ids).only("id", "created_at", "updated_at", "expires_at",
                                                               "status"):
            times = list(self.stamps.by_booking[booking.pk])
            if booking.status == Booking.Status.EXPIRED and booking.expires_at is not None:
                times.append(booking.expires_at)
            for event, at in zip(events.get(booking.pk, []), times, strict=False):
                event.at = at
                changed_events.append(event)
            booking.created_at, booking.updated_at = times[0], times[-1]
            changed_bookings.append(booking)
        BookingEvent.objects.bulk_update(changed_events, ["at"], batch_size=500)
        Booking.objects.bulk_update(changed_bookings, ["created_at", "updated_at"], batch_size=500)
        Notification.objects.filter(booking_id__in=ids, state=Notification.State.PENDING).exclude(
            kind__startswith="reminder_").update(state=Notification.State.SKIPPED, last_error=SKIPPED_NOTE)


def history_seed(*, mentors: list[tuple[User, str]], mentees: list[User], demo_mentor: User, demo_mentee: User,
                 now: datetime, rng: random.Random, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Seed the history once: a no-op when any demo mentor already has a booking."""
    if Booking.objects.filter(mentor__in=[m for m, _ in mentors]).exists():
        return {}
    mentors = [(User.objects.select_related("mentor_profile").get(pk=m.pk), f) for m, f in mentors]
    mentees = list(User.objects.filter(pk__in=[m.pk for m in mentees]).select_related("mentee_profile")
                   .prefetch_related("mentee_profile__interests"))
    return History(mentors=mentors, mentees=mentees, demo_mentor=demo_mentor, demo_mentee=demo_mentee, now=now,
                   rng=rng, progress=progress).run()
