"""Booking services: the one place where a booking is created, confirmed, declined, cancelled or moved.

Every service runs in one transaction and follows the same steps:
1. lock the mentor's BookingPolicy row (select_for_update). It serialises all writes for one
   mentor, so the caps and the weekly budget that slot_check counts cannot change under us.
   booking_create first locks the mentee's user row too: the cap on a mentee's open requests
   counts requests to every mentor, which no single policy lock serialises;
2. re-check the slot (sessions.selectors.slot_check), the mentee's caps (open requests, sessions
   with this mentor per week) and the mentee's own calendar;
3. write the booking and a BookingEvent;
4. tell the outbox (booking_notify / reminders_*), which sends only after commit.

booking_create is the hot path and is kept to three statements between BEGIN and COMMIT on
PostgreSQL: one locks the mentee's and the mentor's policy row (blocks and the "bookable mentor"
rule asked in it, the policy read once and handed on), one reads the mentee's counts with the
mentor's calendar, one writes the booking, its event and every mail and reminder. Each round trip
and each ORM compilation was a measurable share of a booking's time (issue 11).

On PostgreSQL the exclusion constraints on Booking are the last word: two mentees booking two
different mentors lock different policy rows, so only the mentee constraint stops the second one.
The IntegrityError becomes a 409 with the next free slots. On SQLite there are no exclusion
constraints, but writers are serialised (BEGIN IMMEDIATE), so the in-transaction overlap checks
below are exact there.

Any error raises a BookingError out of the transaction, so nothing is partially written.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import Block, MentorProfile, User
from accounts.recognition import mentor_recognition_changed
from accounts.selectors import bookable_mentor_ids_sql, bookable_mentors
from mentorship import prepared
from mentorship.datetimes import OUT_OF_RANGE, datetime_in_range
from mentorship.rows import Columns, insert_sql, select_list
from mentorship.text import text_errors
from sessions.errors import BookingError
from sessions.models import LIVE_STATUSES, Booking, BookingEvent, BookingPolicy, ReliabilityRecord
from sessions.selectors import (
    MentorCalendar,
    calendar_from_rows,
    calendar_query,
    mentor_slots,
    slot_check,
    slot_check_window,
)
from sessions.services import notifications
from sessions.services.free_times import mentor_free_times_changed
from sessions.services.program_quota import program_check_and_lock

NEXT_SLOTS_LIMIT = 5
NEXT_SLOTS_WINDOW = timedelta(days=14)
QUESTION_MIN = 10
QUESTION_MAX = 2000
QUESTION_TOO_SHORT = "Please ask a specific question (at least a sentence)."
TOPIC_MAX = 140


# --- helpers -------------------------------------------------------------------------------------

def _utc(value: datetime) -> datetime:
    if timezone.is_naive(value):
        raise BookingError("Times must include a time zone.", field_errors={"start": ["Give a time with a zone (UTC ISO 8601)."]})
    # Before any arithmetic: year 9999 plus a session, or year 1 minus a buffer, overflows.
    if not datetime_in_range(value):
        raise BookingError(OUT_OF_RANGE, field_errors={"start": [OUT_OF_RANGE]})
    return value.astimezone(UTC)


def _lock_policy(mentor) -> BookingPolicy:
    """The mentor's policy row, locked: one statement once the row exists."""
    return BookingPolicy.objects.select_for_update().filter(pk=mentor.pk).first() or _create_and_lock_policy(mentor)


def _create_and_lock_policy(mentor) -> BookingPolicy:
    # select_for_update cannot lock a row that does not exist yet, and two first-ever bookings of a
    # mentor would otherwise both pass unserialised: create it (a racing creator's row wins, ours
    # is ignored), then lock whichever row is there.
    BookingPolicy.objects.bulk_create([BookingPolicy(mentor=mentor)], ignore_conflicts=True)
    return BookingPolicy.objects.select_for_update().get(pk=mentor.pk)


def _lock_mentee(mentee, mentor) -> None:
    """Lock the mentee's row and, in the same statement, refuse a pair with a block either way."""
    # NO KEY UPDATE: other transactions inserting bookings that name this user take KEY SHARE
    # locks on the row for the foreign key; those must not wait for us (nor we for them).
    blocked_by_mentor, blocking_mentor = (
        User.objects.select_for_update(no_key=True).filter(pk=mentee.pk)
        .annotate(by_mentor=Exists(Block.objects.filter(blocker_id=mentor.pk, blocked_id=OuterRef("pk"))),
                  of_mentor=Exists(Block.objects.filter(blocker_id=OuterRef("pk"), blocked_id=mentor.pk)))
        .values_list("by_mentor", "of_mentor").get())
    _refuse_blocked(blocked_by_mentor=blocked_by_mentor, blocking_mentor=blocking_mentor)


def _refuse_blocked(*, blocked_by_mentor: bool, blocking_mentor: bool) -> None:
    if blocked_by_mentor:  # the blocked person learns nothing: as for a mentor who is not listed
        raise BookingError("Mentor not found.", code="not_found", field_errors={"mentor": ["Unknown mentor."]})
    if blocking_mentor:
        raise BookingError("You blocked this mentor. Unblock them (Messages, or your account) to book.",
                           code="forbidden")


def _lock_booking(booking: Booking) -> Booking:
    """Re-read the booking under a row lock: the caller's instance may be stale."""
    # of=("self",): lock the booking row only, not the two user rows the join reads.
    try:
        return Booking.objects.select_for_update(of=("self",)).select_related("mentor", "mentee").get(pk=booking.pk)
    except Booking.DoesNotExist:
        raise BookingError("Booking not found.", code="not_found")


def _slot_check(*, mentor, start, duration, now, policy, exclude_booking_id=None, calendar=None) -> None:
    try:
        slot_check(mentor=mentor, start=start, duration=duration, now=now, policy=policy,
                   exclude_booking_id=exclude_booking_id, calendar=calendar)
    except BookingError as exc:
        if exc.status == 409:
            raise _SlotTaken(exc.message)
        raise


def next_free_slots(*, mentor, duration: int, after: datetime, now: datetime | None = None,
                    limit: int = NEXT_SLOTS_LIMIT) -> list[str]:
    """The next free starts (UTC ISO) of a mentor, offered to whoever just lost a slot."""
    now = now or timezone.now()
    begin = max(after, now)
    try:
        starts = mentor_slots(mentor=mentor, start=begin, end=begin + NEXT_SLOTS_WINDOW, duration=duration, now=now)
    except BookingError:
        return []
    return [s.astimezone(UTC).isoformat().replace("+00:00", "Z") for s in list(starts)[:limit]]


def _taken_error(*, mentor, duration, start, now, message=None) -> BookingError:
    return BookingError(
        message or "Sorry, that time was just taken. Please pick another slot.",
        code="slot_taken",
        field_errors={"start": [message or "This time is no longer free."]},
        extra={"next_slots": next_free_slots(mentor=mentor, duration=duration, after=start, now=now)},
    )


def _check_overlaps(*, mentor, mentee, start, end, blocked_start, blocked_end, exclude_pk=None) -> None:
    """Friendly, in-transaction overlap checks; exact on SQLite, a courtesy before PostgreSQL's constraints."""
    live = Booking.objects.filter(status__in=LIVE_STATUSES)
    if exclude_pk is not None:
        live = live.exclude(pk=exclude_pk)
    if live.filter(mentor=mentor, blocked_start__lt=blocked_end, blocked_end__gt=blocked_start).exists():
        raise _SlotTaken("The mentor already has a session at that time.")
    if live.filter(mentee=mentee, start__lt=end, end__gt=start).exists():
        raise _SlotTaken("You already have another session at that time.")


class _SlotTaken(Exception):
    """Internal: the time is held by another live booking. Turned into a 409 outside the savepoint."""


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc)
    if "booking_mentee_no_overlap" in text:
        return "You already have another session at that time."
    return "The mentor already has a session at that time."


def _overlap_or_raise(exc: IntegrityError) -> _SlotTaken:
    """An exclusion constraint that fired becomes _SlotTaken (a 409); any other IntegrityError is a bug."""
    if "no_overlap" not in str(exc):
        raise exc
    return _SlotTaken(_integrity_message(exc))


def _save_guarded(booking: Booking, **save_kwargs) -> None:
    # A savepoint, so that after the constraint fires the outer transaction is still usable.
    try:
        with transaction.atomic():
            booking.save(**save_kwargs)
    except IntegrityError as exc:
        raise _overlap_or_raise(exc)


def _call_url(mentor) -> str:
    profile = getattr(mentor, "mentor_profile", None)
    if profile is not None and profile.call_method == "own_link" and profile.meeting_url:
        return profile.meeting_url
    # 24 random bytes: Jitsi rooms are public to anyone who knows the name, so it must be unguessable.
    return f"{settings.JITSI_BASE_URL.rstrip('/')}/mm-{secrets.token_urlsafe(24)}"


def _mentor_profile(mentor):
    try:
        return mentor.mentor_profile
    except MentorProfile.DoesNotExist:
        return None


def _require_participant(booking: Booking, actor) -> None:
    if not booking.can_view(actor):
        # Strangers learn nothing about the booking's existence.
        raise BookingError("Booking not found.", code="not_found")
    if not booking.is_participant(actor):
        raise BookingError("Only the mentor or the mentee of this session can change it.",
                           code="forbidden")


def _require_mentor(booking: Booking, actor, verb: str) -> None:
    _require_participant(booking, actor)
    if actor.pk != booking.mentor_id:
        raise BookingError(f"Only the mentor can {verb} a request.", code="forbidden")


def _wrong_state(booking: Booking, verb: str, allowed: str) -> BookingError:
    return BookingError(
        f"This session is {booking.get_status_display().lower()}; only {allowed} sessions can be {verb}.",
        code="wrong_state",
    )


# --- caps per mentee -----------------------------------------------------------------------------
# Business rules, not throttling (see mentorship.errors): a mentee may hold a few unanswered
# requests per mentor and overall, and a few sessions with one mentor per week. They came from a
# report of one mentee holding 50 pending requests with one mentor (51 emails to the mentor) and
# filling another mentor's week. Every caller holds the mentor's policy lock (and, for
# booking_create, the mentee's row lock), so two racing requests cannot both pass the count.

# Statuses of sessions that take (or took) place: they use up the week's allowance with a mentor.
_SESSION_STATUSES = (Booking.Status.REQUESTED, Booking.Status.CONFIRMED, Booking.Status.COMPLETED,
                     Booking.Status.NO_SHOW)


def _mentor_week(mentor, start: datetime) -> tuple[datetime, datetime]:
    """The mentor's local ISO week (Monday 00:00 to Monday 00:00) around `start`, in UTC: the same
    week the mentor's own weekly cap counts in, DST included (each Monday is combined separately)."""
    zone = mentor.tzinfo
    day = start.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())
    return (datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC),
            datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC))


def _mentee_counts_sql(*, mentee, mentor, start: datetime, end: datetime, now: datetime) -> tuple[str, list]:
    """Everything booking_create asks about the mentee's own bookings, as one row of four counts:
    unanswered requests (not yet started, not yet expired) overall and with this mentor, sessions
    with this mentor in the mentor's week of `start`, and live sessions overlapping [start, end).
    SQL, not the ORM: booking_create reads it in the same statement as the mentor's calendar, and
    compiling the aggregate took longer than running it. Portable (COUNT(CASE ...), no FILTER)."""
    week_start, week_end = _mentor_week(mentor, start)
    dt = connection.ops.adapt_datetimefield_value
    marks = lambda values: ", ".join(["%s"] * len(values))  # noqa: E731
    open_request = ('"status" = %s AND "start" > %s AND ("expires_at" IS NULL OR "expires_at" > %s)',
                    [str(Booking.Status.REQUESTED), dt(now), dt(now)])
    same_week = (f'"mentor_id" = %s AND "status" IN ({marks(_SESSION_STATUSES)}) AND "start" >= %s AND "start" < %s',
                 [mentor.pk, *map(str, _SESSION_STATUSES), dt(week_start), dt(week_end)])
    overlapping = (f'"status" IN ({marks(LIVE_STATUSES)}) AND "start" < %s AND "end" > %s',
                   [*map(str, LIVE_STATUSES), dt(end), dt(start)])
    sql = (f'SELECT COUNT(CASE WHEN {open_request[0]} THEN 1 END), '
           f'COUNT(CASE WHEN {open_request[0]} AND "mentor_id" = %s THEN 1 END), '
           f'COUNT(CASE WHEN {same_week[0]} THEN 1 END), COUNT(CASE WHEN {overlapping[0]} THEN 1 END) '
           f'FROM {connection.ops.quote_name(Booking._meta.db_table)} WHERE "mentee_id" = %s '
           f'AND (({open_request[0]}) OR ({same_week[0]}) OR ({overlapping[0]}))')
    params = [*open_request[1], *open_request[1], mentor.pk, *same_week[1], *overlapping[1], mentee.pk,
              *open_request[1], *same_week[1], *overlapping[1]]
    return sql, params


_COUNTS = ("open_total", "open_with_mentor", "same_week", "overlapping")


def _check_open_requests(*, counts: dict[str, int], mentor) -> None:
    """Before a new request: unanswered requests per mentor and overall (counts: _mentee_counts)."""
    per_mentor = settings.BOOKING_MAX_OPEN_REQUESTS_PER_MENTOR
    if counts["open_with_mentor"] >= per_mentor:
        raise BookingError(
            f"You already have {counts['open_with_mentor']} unanswered requests with {mentor.display_name} "
            f"(at most {per_mentor} at a time). Wait for an answer, or withdraw one, before asking for another time.",
            code="too_many_requests_open")
    overall = settings.BOOKING_MAX_OPEN_REQUESTS
    if counts["open_total"] >= overall:
        raise BookingError(
            f"You have {counts['open_total']} unanswered requests open (at most {overall} at a time). "
            "Wait for answers, or withdraw one in My sessions, before sending another.",
            code="too_many_requests_open")


def _check_week_count(count: int, *, mentor) -> None:
    cap = settings.BOOKING_MAX_SESSIONS_PER_MENTOR_WEEK
    if count >= cap:
        message = (f"You already have {count} sessions with {mentor.display_name} that week "
                   f"(at most {cap} a week with one mentor). Pick a time in another week.")
        raise BookingError(message, code="too_many_sessions_with_mentor", field_errors={"start": [message]})


def _check_sessions_per_week(*, mentee, mentor, start: datetime, exclude_pk: int | None = None) -> None:
    week_start, week_end = _mentor_week(mentor, start)
    held = Booking.objects.filter(mentee=mentee, mentor=mentor, status__in=_SESSION_STATUSES,
                                  start__gte=week_start, start__lt=week_end)
    if exclude_pk is not None:
        held = held.exclude(pk=exclude_pk)
    _check_week_count(held.count(), mentor=mentor)


# --- programs ------------------------------------------------------------------------------------

def _program_fields(*, program, mentee, mentor, start: datetime, duration: int, moving: int | None = None) -> dict:
    """Inside a company program: its checks under its enrollment locks (program_quota), and the
    fields the booking records (program, both sides' department and level). Nothing otherwise."""
    if program is None:
        return {}
    return program_check_and_lock(program=program, mentee=mentee, mentor=mentor, start=start, duration=duration,
                                  exclude_booking_id=moving, moving=moving is not None)


# --- create --------------------------------------------------------------------------------------

def booking_create(*, mentee, mentor, start: datetime, duration: int, topic: str, question: str,
                   context_url: str = "", now: datetime | None = None, program=None) -> Booking:
    """Book a session; with `program`, inside that company program (sessions.services.program_quota:
    its rules, quota and capacity, checked under its enrollment locks, and the snapshot)."""
    now = now or timezone.now()
    topic = (topic or "").strip()
    question = (question or "").strip()
    # The topic is every email's subject line: a CR/LF there made each of those mails fail.
    errors = text_errors(single_line={"topic": topic}, multi_line={"question": question})
    if not question:
        errors["question"] = ["Ask the specific question you want answered; mentors prepare from it."]
    elif len(question) < QUESTION_MIN:
        # Mentors prepare from the question; "Why?" gives them nothing to prepare from.
        errors["question"] = [QUESTION_TOO_SHORT]
    elif len(question) > QUESTION_MAX:
        errors["question"] = [f"Keep the question under {QUESTION_MAX} characters."]
    if not topic:
        errors["topic"] = ["Give the session a short topic."]
    elif len(topic) > TOPIC_MAX:
        errors["topic"] = [f"Keep the topic under {TOPIC_MAX} characters."]
    if errors:
        raise BookingError("Please correct the errors below.", field_errors=errors)
    if mentee.pk == mentor.pk:
        raise BookingError("You cannot book a session with yourself.", field_errors={"mentor": ["You cannot book yourself."]})
    profile = _mentor_profile(mentor)
    if profile is None:
        raise BookingError("Mentor not found.", code="not_found", field_errors={"mentor": ["Unknown mentor."]})
    if not profile.accepting_bookings:
        raise BookingError("This mentor is not taking new bookings right now.",
                           field_errors={"mentor": ["Not accepting bookings."]})
    if duration not in profile.session_lengths:
        offered = ", ".join(str(n) for n in profile.session_lengths)
        raise BookingError("This mentor does not offer that session length.",
                           field_errors={"duration": [f"Choose one of: {offered} minutes."]})
    start = _utc(start)
    end = start + timedelta(minutes=duration)

    # Five statements with BEGIN and COMMIT on PostgreSQL (pinned in test_booking_queries): lock,
    # read, write. Each step is one statement; the checks between them cost none. A program
    # booking adds its enrollment lock and count (step 1b); a marketplace booking runs none.
    try:
        with transaction.atomic():
            # 1. Lock the mentee's row and the mentor's policy row (the blocks between them and
            #    "bookable" for this mentee asked in the same statement).
            policy, booking_id = _lock_for_booking(mentee=mentee, mentor=mentor)
            # 1b. Inside a program: lock its enrollment rows (mentor's, then mentee's) and check
            #     its dates, rules, quota and capacity (sessions.services.program_quota).
            in_program = _program_fields(program=program, mentee=mentee, mentor=mentor, start=start,
                                         duration=duration)
            # 2. Read what the locks protect: the mentee's bookings that count against the caps,
            #    and the mentor's calendar around the start (also the mentor-overlap probe: it
            #    holds the mentor's live bookings, read under the policy lock every writer holds).
            counts, calendar = _read_for_booking(mentee=mentee, mentor=mentor, policy=policy, start=start,
                                                 end=end, now=now)
            # 3. Check, in Python.
            if policy.requires_approval:
                _check_open_requests(counts=counts, mentor=mentor)
            _check_week_count(counts["same_week"], mentor=mentor)
            _slot_check(mentor=mentor, start=start, duration=duration, now=now, policy=policy, calendar=calendar)
            if counts["overlapping"]:
                raise _SlotTaken("You already have another session at that time.")
            booking = Booking(
                pk=booking_id, mentee=mentee, mentor=mentor, start=start, end=end, duration_minutes=duration,
                blocked_start=start - timedelta(minutes=policy.buffer_before_minutes),
                blocked_end=end + timedelta(minutes=policy.buffer_after_minutes),
                topic=topic, question=question, context_url=context_url or "", **in_program,
            )
            if policy.requires_approval:
                booking.status = Booking.Status.REQUESTED
                # A request nobody answered before the session would have started is moot: it
                # expires then at the latest, so it never lingers as "requested" in the past.
                booking.expires_at = min(now + timedelta(hours=settings.BOOKING_REQUEST_EXPIRY_HOURS), start)
            else:
                booking.status = Booking.Status.CONFIRMED
                booking.confirmed_at = now
                booking.call_url = _call_url(mentor)
            # 4. Write the booking, its event, and the mails and (confirmed) reminders it causes.
            kind = BookingEvent.Kind.REQUESTED if policy.requires_approval else BookingEvent.Kind.CONFIRMED
            _insert_new_booking(booking, event=BookingEvent(booking=booking, kind=kind, actor=mentee, to_start=start,
                                                            to_end=end))
            mentor_free_times_changed(mentor_ids=[mentor.pk], defer=True)
    except _SlotTaken as exc:
        raise _taken_error(mentor=mentor, duration=duration, start=start, now=now, message=str(exc))
    return booking


# The steps of booking_create. ---------------------------------------------------------------------

@cache
def _policy_columns(using: str) -> Columns:
    return select_list(BookingPolicy, "p", using)


def _lock_for_booking(*, mentee, mentor) -> tuple[BookingPolicy, int | None]:
    """Step 1, one statement: lock the mentee's row (the caps on open requests count bookings with
    every mentor, which no single policy lock serialises) and the mentor's policy row (which every
    writer of the mentor's calendar locks), refuse a pair with a block either way, and ask whether
    the mentor is bookable. Returns the locked policy and, on PostgreSQL, the id the new booking
    will get (from its sequence), so that the booking, its event and its mails can be written by
    one statement that names it.

    Rows are locked in FROM order (PostgreSQL's LockRows takes them as listed): the mentee, then the
    policy, the order the per-lock fallback below takes too. Found nothing (a mentor's first booking
    has no policy row; or the mentor is not bookable): the locks one by one, which tell the cases
    apart and create the policy row.
    """
    using = connection.alias
    qn = connection.ops.quote_name
    bookable, bookable_params = bookable_mentor_ids_sql(using, mentor_id=mentor.pk, viewer=mentee)
    block = qn(Block._meta.db_table)
    postgres = connection.vendor == "postgresql"
    policy_columns = _policy_columns(using)
    next_id = (f", nextval(pg_get_serial_sequence('{Booking._meta.db_table}', '{Booking._meta.pk.column}'))"
               if postgres else "")
    locks = " FOR NO KEY UPDATE OF me FOR UPDATE OF p" if connection.features.has_select_for_update else ""
    sql = (f"SELECT {policy_columns.sql}, "
           f"EXISTS (SELECT 1 FROM {block} b WHERE b.blocker_id = %s AND b.blocked_id = me.id), "
           f"EXISTS (SELECT 1 FROM {block} b WHERE b.blocker_id = me.id AND b.blocked_id = %s){next_id} "
           f"FROM {qn(User._meta.db_table)} me, {qn(BookingPolicy._meta.db_table)} p "
           f"WHERE me.id = %s AND p.mentor_id = %s AND p.mentor_id IN ({bookable}){locks}")
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, [mentor.pk, mentor.pk, mentee.pk, mentor.pk, *bookable_params])
        row = cursor.fetchone()
    if row is None:
        _lock_mentee(mentee, mentor)
        if not bookable_mentors(viewer=mentee).filter(pk=mentor.pk).exists():
            raise BookingError("Mentor not found.", code="not_found", field_errors={"mentor": ["Unknown mentor."]})
        return _create_and_lock_policy(mentor), None
    width = len(policy_columns.attnames)
    _refuse_blocked(blocked_by_mentor=bool(row[width]), blocking_mentor=bool(row[width + 1]))
    policy = policy_columns.instance(using, row)
    return policy, (row[width + 2] if postgres else None)


def _read_for_booking(*, mentee, mentor, policy: BookingPolicy, start: datetime, end: datetime,
                      now: datetime) -> tuple[dict[str, int], MentorCalendar]:
    """Step 2, one statement, after the locks (a statement sees what was committed when it began,
    so it must begin after the locks are ours): the mentee's counts (_mentee_counts_sql), with the
    mentor's calendar for the slot check riding along on the same row (a LEFT JOIN: one row even
    when the calendar is empty)."""
    counts_sql, counts_params = _mentee_counts_sql(mentee=mentee, mentor=mentor, start=start, end=end, now=now)
    first, last = slot_check_window(start)
    calendar_sql, calendar_params = calendar_query(mentor=mentor, start=first, end=last, using=connection.alias)
    with connection.cursor() as cursor:
        prepared.execute(cursor, f"SELECT k.*, c.* FROM ({counts_sql}) k LEFT JOIN ({calendar_sql}) c ON 1 = 1",
                         [*counts_params, *calendar_params])
        rows = cursor.fetchall()
    counts = dict(zip(_COUNTS, rows[0][:len(_COUNTS)], strict=True))
    entries = [r[len(_COUNTS):] for r in rows if r[len(_COUNTS)] is not None]
    return counts, calendar_from_rows(mentor=mentor, policy=policy, rows=entries, using=connection.alias)


def _insert_new_booking(booking: Booking, *, event: BookingEvent) -> None:
    """Step 4: the booking, its event, and the mails and reminders it causes (notifications'
    booking_notify_and_arm). One statement when the booking's id is known beforehand (PostgreSQL:
    step 1 took it from the sequence): the three INSERTs as WITH queries; the foreign keys are
    deferred to the commit, and the exclusion constraints still fire on the booking's INSERT.
    Otherwise (SQLite, or a mentor's first booking) one INSERT each.
    The new booking's history is its one event: the instance gets it, so no one reads it back."""
    actor = event.actor
    if booking.pk is None:
        try:
            booking.save()  # no savepoint: a constraint that fires ends this whole transaction anyway
        except IntegrityError as exc:
            raise _overlap_or_raise(exc)
        event.booking = booking
        event.save()
        notifications.booking_notify_and_arm(booking=booking, event=str(event.kind), actor=actor)
    else:
        booking_sql, booking_params = _insert_sql(Booking, Booking._meta.concrete_fields, [booking])
        event_fields = [f for f in BookingEvent._meta.concrete_fields if not f.primary_key]
        event_sql, event_params = _insert_sql(BookingEvent, event_fields, [event])
        outbox = notifications.booking_notify_and_arm_insert(booking=booking, event=str(event.kind), actor=actor)
        qn = connection.ops.quote_name
        sql = (f"WITH new_booking AS ({booking_sql}), "
               f"new_event AS ({event_sql} RETURNING {qn(BookingEvent._meta.pk.column)})")
        params = [*booking_params, *event_params]
        tail = "SELECT new_event.*, CAST(NULL AS varchar) FROM new_event"
        if outbox is not None:
            sql += f", new_mail AS ({outbox.sql})"
            params += outbox.params
            tail += " UNION ALL SELECT * FROM new_mail"
        try:
            with connection.cursor() as cursor:
                prepared.execute(cursor, f"{sql} {tail}", params)
                returned = cursor.fetchall()
        except IntegrityError as exc:
            raise _overlap_or_raise(exc)
        booking._state.adding, booking._state.db = False, connection.alias
        [event.pk] = [pk for pk, key in returned if key is None]
        event._state.adding, event._state.db = False, connection.alias
        if outbox is not None:
            outbox.finish([(pk, key) for pk, key in returned if key is not None])
    history = booking.events.all()
    history._result_cache, history._prefetch_done = [event], True
    booking._prefetched_objects_cache = {"events": history}


def _insert_sql(model, fields, objs) -> tuple[str, list]:
    """Django's INSERT for `objs` (auto_now_add filled in, values adapted), its SQL compiled once
    per process (mentorship.rows.insert_sql)."""
    return insert_sql(model, fields, objs, connection.alias)


# --- confirm / decline ---------------------------------------------------------------------------

def booking_confirm(*, booking: Booking, actor, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    _require_mentor(booking, actor, "confirm")
    with transaction.atomic():
        _lock_policy(booking.mentor)
        booking = _lock_booking(booking)
        if booking.status != Booking.Status.REQUESTED:
            raise _wrong_state(booking, "confirmed", "requested")
        if booking.expires_at and booking.expires_at <= now:
            raise BookingError("This request has expired; the mentee can book again.", code="expired")
        if booking.start <= now:
            raise BookingError("This session's start time has passed.", code="started")
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = now
        booking.expires_at = None
        booking.call_url = booking.call_url or _call_url(booking.mentor)
        # A status change is a significant revision in RFC 5545 terms: calendars need a higher SEQUENCE.
        booking.sequence += 1
        booking.save()
        BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.CONFIRMED, actor=actor)
        notifications.booking_notify_and_arm(booking=booking, event="confirmed", actor=actor)
        mentor_recognition_changed(mentor_id=booking.mentor_id)  # an answer: the response time moves
        mentor_free_times_changed(mentor_ids=[booking.mentor_id], defer=True)
    return booking


def booking_decline(*, booking: Booking, actor, reason: str = "", now: datetime | None = None) -> Booking:
    _require_mentor(booking, actor, "decline")
    reason = (reason or "").strip()
    if errors := text_errors(multi_line={"reason": reason}):
        raise BookingError("Please correct the reason.", field_errors=errors)
    with transaction.atomic():
        _lock_policy(booking.mentor)
        booking = _lock_booking(booking)
        if booking.status != Booking.Status.REQUESTED:
            raise _wrong_state(booking, "declined", "requested")
        booking.status = Booking.Status.DECLINED
        booking.cancel_reason = reason
        booking.expires_at = None
        booking.sequence += 1
        booking.save()
        BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.DECLINED, actor=actor, note=reason)
        notifications.booking_notify(booking=booking, event="declined", actor=actor)
        mentor_recognition_changed(mentor_id=booking.mentor_id)
        mentor_free_times_changed(mentor_ids=[booking.mentor_id], defer=True)
    return booking


# --- extend ---------------------------------------------------------------------------------------

def booking_extend(*, booking: Booking, actor, hours: int | None = None, now: datetime | None = None) -> Booking:
    """Give the mentor more time to answer a request: its expiry moves later, once, by at most
    BOOKING_REQUEST_EXTEND_HOURS and never past the session's start (a request nobody answered
    before the start is moot). The history says so and the mentee is told through the outbox.

    Serialised on the booking's row: a confirm, a decline, the expiry job (which skips locked
    rows) and a second extension all wait for it and then see the new state. The database's
    bookingevent_extend_once constraint is the last word on "once"."""
    now = now or timezone.now()
    limit = settings.BOOKING_REQUEST_EXTEND_HOURS
    hours = limit if hours is None else hours
    if not 1 <= hours <= limit:
        raise BookingError(f"Extend by 1 to {limit} hours.", field_errors={"hours": [f"Between 1 and {limit} hours."]})
    _require_mentor(booking, actor, "extend")
    with transaction.atomic():
        booking = _lock_booking(booking)
        if booking.status != Booking.Status.REQUESTED:
            raise _wrong_state(booking, "extended", "requested")
        if booking.expires_at is None or booking.expires_at <= now:
            raise BookingError("This request has expired; the mentee can book again.", code="expired")
        if booking.start <= now:
            raise BookingError("This session's start time has passed.", code="started")
        if booking.events.filter(kind=BookingEvent.Kind.EXTENDED).exists():
            raise _extended_once()
        old_expiry = booking.expires_at
        new_expiry = min(old_expiry + timedelta(hours=hours), booking.start)
        if new_expiry <= old_expiry:
            raise BookingError("This request already stays open until the session starts; answer it before then.",
                               code="too_late")
        booking.expires_at = new_expiry
        # No SEQUENCE change: the session's time and state are the same, calendars need no update.
        booking.save(update_fields=["expires_at", "updated_at"])
        try:
            with transaction.atomic():
                BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.EXTENDED, actor=actor,
                                            from_end=old_expiry, to_end=new_expiry)
        except IntegrityError as exc:
            if "bookingevent_extend_once" not in str(exc):
                raise
            raise _extended_once()
        notifications.booking_notify(booking=booking, event="extended", actor=actor)
    return booking


def _extended_once() -> BookingError:
    return BookingError("You already extended this request once; please confirm or decline it.",
                        code="already_extended")


# --- cancel --------------------------------------------------------------------------------------

def booking_cancel(*, booking: Booking, actor, reason: str, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    _require_participant(booking, actor)
    reason = (reason or "").strip()
    if not reason:
        raise BookingError("Please say why you cancel; the other person will read it.",
                           field_errors={"reason": ["A reason is required."]})
    if len(reason) > 1000:
        raise BookingError("Please keep the reason short.", field_errors={"reason": ["At most 1000 characters."]})
    if errors := text_errors(multi_line={"reason": reason}):
        raise BookingError("Please correct the reason.", field_errors=errors)
    with transaction.atomic():
        _lock_policy(booking.mentor)
        booking = _lock_booking(booking)
        if booking.status not in LIVE_STATUSES:
            raise _wrong_state(booking, "cancelled", "requested or confirmed")
        if booking.start <= now:
            raise BookingError("This session has already started and can no longer be cancelled.",
                               code="started")
        # Withdrawing an unanswered request costs the other side nothing, so only confirmed
        # sessions count as late cancellations.
        late = (booking.status == Booking.Status.CONFIRMED
                and booking.start - now < timedelta(hours=settings.BOOKING_LATE_CANCEL_HOURS))
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_by = actor
        booking.cancel_reason = reason
        booking.cancelled_late = late
        booking.expires_at = None
        booking.sequence += 1
        booking.save()
        BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.CANCELLED, actor=actor,
                                    note=("late: " if late else "") + reason)
        if late:
            ReliabilityRecord.objects.get_or_create(user=actor)
            ReliabilityRecord.objects.filter(pk=actor.pk).update(late_cancellations=F("late_cancellations") + 1)
        notifications.reminders_cancel(booking=booking)
        notifications.booking_notify(booking=booking, event="cancelled", actor=actor)
        mentor_free_times_changed(mentor_ids=[booking.mentor_id], defer=True)
    return booking


def bookings_cancel_for_departure(*, reasons: dict[int, str], only_programs_of: int | None = None,
                                  now: datetime | None = None) -> list[Booking]:
    """Cancel the future live bookings of people who left their organisation (directory sync).

    `reasons` maps each leaver's user id to the sentence the other side reads ("Ana Lopez has left
    Acme."). With `only_programs_of`, only bookings inside that organisation's programs (the
    leaver keeps their account through another organisation and may keep their other sessions).

    Not the leaver's own cancellation: nothing counts as late against them, the history event has
    no actor (the system did it) and they get no mail; the other participant gets the usual
    cancellation mail (with the calendar CANCEL), worded as a departure. A booking between two
    leavers mails nobody. Each booking is locked as booking_cancel locks it (policy, then row) and
    re-checked, so a second run, or a booking cancelled meanwhile, changes nothing and mails no one.
    """
    now = now or timezone.now()
    ids = list(reasons)
    if not ids:
        return []
    due = Booking.objects.filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids), status__in=LIVE_STATUSES, start__gt=now)
    if only_programs_of is not None:
        due = due.filter(program__organisation_id=only_programs_of)
    cancelled = []
    with transaction.atomic():
        for booking in due.select_related("mentor", "mentee").order_by("mentor_id", "start", "id"):
            _lock_policy(booking.mentor)
            booking = _lock_booking(booking)
            if booking.status not in LIVE_STATUSES or booking.start <= now:
                continue
            leaver = booking.mentor if booking.mentor_id in reasons else booking.mentee
            both_leave = booking.mentor_id in reasons and booking.mentee_id in reasons
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_by = leaver
            booking.cancel_reason = reasons[leaver.pk]
            booking.cancelled_late = False
            booking.expires_at = None
            booking.sequence += 1
            booking.save()
            BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.CANCELLED, actor=None,
                                        note=f"departure: {reasons[leaver.pk]}")
            notifications.reminders_cancel(booking=booking)
            if not both_leave:
                notifications.booking_notify(booking=booking, event="cancelled", actor=leaver, departure=True)
            cancelled.append(booking)
        mentor_free_times_changed(mentor_ids={b.mentor_id for b in cancelled}, defer=True)
    return cancelled


# --- reschedule ----------------------------------------------------------------------------------

def booking_reschedule(*, booking: Booking, actor, new_start: datetime, now: datetime | None = None) -> Booking:
    """Move the SAME row to a new time: one UID in everyone's calendar, SEQUENCE + 1, history kept."""
    now = now or timezone.now()
    _require_participant(booking, actor)
    new_start = _utc(new_start)
    mentor = booking.mentor
    try:
        with transaction.atomic():
            policy = _lock_policy(mentor)
            booking = _lock_booking(booking)
            if booking.status not in LIVE_STATUSES:
                raise _wrong_state(booking, "rescheduled", "requested or confirmed")
            if booking.start <= now:
                raise BookingError("This session has already started and can no longer be moved.",
                                   code="started")
            if new_start == booking.start:
                raise BookingError("Pick a different time.", field_errors={"start": ["That is the current time."]})
            _check_sessions_per_week(mentee=booking.mentee, mentor=mentor, start=new_start, exclude_pk=booking.pk)
            if booking.program_id is not None:
                _program_fields(program=booking.program, mentee=booking.mentee, mentor=mentor, start=new_start,
                                duration=booking.duration_minutes, moving=booking.pk)
            _slot_check(mentor=mentor, start=new_start, duration=booking.duration_minutes, now=now, policy=policy,
                        exclude_booking_id=booking.pk)
            old_start, old_end = booking.start, booking.end
            new_end = new_start + timedelta(minutes=booking.duration_minutes)
            booking.start, booking.end = new_start, new_end
            booking.blocked_start = new_start - timedelta(minutes=policy.buffer_before_minutes)
            booking.blocked_end = new_end + timedelta(minutes=policy.buffer_after_minutes)
            _check_overlaps(mentor=mentor, mentee=booking.mentee, start=new_start, end=new_end,
                            blocked_start=booking.blocked_start, blocked_end=booking.blocked_end,
                            exclude_pk=booking.pk)
            booking.sequence += 1
            _save_guarded(booking)
            BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.RESCHEDULED, actor=actor,
                                        from_start=old_start, from_end=old_end, to_start=new_start, to_end=new_end)
            notifications.reminders_cancel(booking=booking)
            # The new time's reminders (a confirmed booking's only) and the mails, in one INSERT.
            notifications.booking_notify_and_arm(booking=booking, event="rescheduled", actor=actor)
            mentor_free_times_changed(mentor_ids=[booking.mentor_id], defer=True)
    except _SlotTaken as exc:
        raise _taken_error(mentor=mentor, duration=booking.duration_minutes, start=new_start, now=now,
                           message=str(exc))
    return booking
