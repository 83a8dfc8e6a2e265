"""Flash questions inside a program (sessions.models.flash): post, offer, accept, withdraw, expire.

Accepting is the one step with a race: two offers accepted at once (two tabs, a double click).
The question row is locked first (select_for_update) and its status re-read, so the second accept
finds it accepted and gets a 409 while the first books through booking_create(program=...), which
applies the program's rules, quota and capacity like any other program booking. A booking that
fails (the slot was taken meanwhile, the quota is used up) rolls the whole accept back: the
question stays open with its other offers.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from mentorship.claims import claim
from mentorship.links import absolute_reverse
from mentorship.text import text_errors
from orgs.models import Program, ProgramEnrollment
from sessions.errors import BookingError
from sessions.models import Booking, FlashOffer, FlashQuestion
from sessions.selectors import slot_check
from sessions.services.bookings import QUESTION_MAX, QUESTION_MIN, TOPIC_MAX, booking_create
from sessions.services.notifications import mail_enqueue
from sessions.services.program_quota import mentees_allowed

WITHDRAWN_KIND = "flash_offer_withdrawn"


def flash_week_end(program: Program, now: datetime) -> datetime:
    """Next Monday 00:00 in the organisation's zone: "this week" ends then."""
    zone = program.organisation.tzinfo
    day = now.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday()) + timedelta(days=7)
    return datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)


def _joined(program: Program, user, side: str) -> bool:
    return ProgramEnrollment.objects.filter(program=program, user_id=user.pk, side=side,
                                            status=ProgramEnrollment.Status.JOINED).exists()


def _check_program(program: Program) -> None:
    if not program.allows_flash_questions:
        raise BookingError("This program does not take flash questions.", code="flash_not_allowed")
    if program.status != Program.Status.OPEN:
        raise BookingError(f"{program.name} is not open.", code="program_not_open")


def flash_question_post(*, program: Program, mentee, topic: str, question: str, duration: int,
                        now: datetime | None = None) -> FlashQuestion:
    """Post the mentee's one open question to the program's mentors, open until the week ends."""
    now = now or timezone.now()
    _check_program(program)
    if not _joined(program, mentee, ProgramEnrollment.Side.MENTEE):
        raise BookingError(f"Join {program.name} as a mentee to ask its mentors.", code="not_in_program")
    topic, question = (topic or "").strip(), (question or "").strip()
    errors = text_errors(single_line={"topic": topic}, multi_line={"question": question})
    if not topic:
        errors["topic"] = ["Give the question a short topic."]
    elif len(topic) > TOPIC_MAX:
        errors["topic"] = [f"Keep the topic under {TOPIC_MAX} characters."]
    if len(question) < QUESTION_MIN:
        errors["question"] = ["Ask a specific question (at least a sentence); mentors decide from it."]
    elif len(question) > QUESTION_MAX:
        errors["question"] = [f"Keep the question under {QUESTION_MAX} characters."]
    if duration not in program.session_lengths:
        allowed = ", ".join(str(n) for n in program.session_lengths)
        errors["duration"] = [f"{program.name} allows sessions of {allowed} minutes."]
    if errors:
        raise BookingError("Please correct the errors below.", field_errors=errors)
    if FlashQuestion.objects.filter(program=program, mentee=mentee, status=FlashQuestion.Status.OPEN).exists():
        raise BookingError("You already have an open question in this program; withdraw it to ask another.",
                           code="question_open")
    try:
        with transaction.atomic():
            return FlashQuestion.objects.create(program=program, mentee=mentee, topic=topic, question=question,
                                                duration_minutes=duration, created_at=now,
                                                expires_at=flash_week_end(program, now))
    except IntegrityError:  # the same mentee posting twice at once: the constraint keeps one
        raise BookingError("You already have an open question in this program; withdraw it to ask another.",
                           code="question_open")


def flash_questions_for_mentor(*, program: Program, mentor, now: datetime | None = None) -> list[FlashQuestion]:
    """Open questions of the program this mentor may answer: a joined mentor, and the pair allowed
    by the program's rules. Each carries `my_offer` (the mentor's live offer or None)."""
    now = now or timezone.now()
    if not _joined(program, mentor, ProgramEnrollment.Side.MENTOR):
        return []
    questions = list(FlashQuestion.objects.filter(program=program, status=FlashQuestion.Status.OPEN,
                                                  expires_at__gt=now).exclude(mentee_id=mentor.pk)
                     .select_related("mentee").order_by("created_at", "id"))
    allowed = mentees_allowed(program=program, mentor=mentor, mentee_ids={q.mentee_id for q in questions})
    questions = [q for q in questions if q.mentee_id in allowed]
    offers = {o.question_id: o for o in FlashOffer.objects.filter(
        question__in=questions, mentor_id=mentor.pk, status=FlashOffer.Status.OFFERED)}
    for q in questions:
        q.my_offer = offers.get(q.pk)
    return questions


def flash_offer_create(*, question: FlashQuestion, mentor, start: datetime, now: datetime | None = None) -> FlashOffer:
    """A mentor offers a free time this week; an earlier offer of theirs on it is replaced."""
    now = now or timezone.now()
    program = question.program
    if question.status != FlashQuestion.Status.OPEN or question.expires_at <= now:
        raise BookingError("This question is no longer open.", code="question_closed")
    if (not _joined(program, mentor, ProgramEnrollment.Side.MENTOR)
            or question.mentee_id not in mentees_allowed(program=program, mentor=mentor,
                                                         mentee_ids={question.mentee_id})):
        raise BookingError("Only the program's mentors who fit its rules for this mentee can offer a time.",
                           code="not_in_program")
    start = start.astimezone(UTC)
    if not now < start < question.expires_at:
        message = "Offer a time between now and the end of this week."
        raise BookingError(message, field_errors={"start": [message]})
    # The friendly check; accepting books through booking_create, which checks again under its locks.
    slot_check(mentor=mentor, start=start, duration=question.duration_minutes, now=now)
    with transaction.atomic():
        FlashOffer.objects.filter(question=question, mentor_id=mentor.pk, status=FlashOffer.Status.OFFERED).update(
            status=FlashOffer.Status.WITHDRAWN)
        return FlashOffer.objects.create(question=question, mentor=mentor, start=start, created_at=now)


def _tell_withdrawn(offers: list[FlashOffer], question: FlashQuestion, reason: str, now: datetime) -> None:
    program = question.program
    url = absolute_reverse("orgs:program_questions", args=[program.organisation.slug, program.slug])
    for offer in offers:
        context = {"recipient": offer.mentor, "offer": offer, "question": question, "program": program,
                   "reason": reason, "questions_url": url, "zone": offer.mentor.timezone}
        mail_enqueue(recipient=offer.mentor, kind=WITHDRAWN_KIND, now=now,
                     subject=f'Your offer for "{question.topic}" is withdrawn',
                     text=render_to_string("orgs/programs/email/flash_offer_withdrawn.txt", context),
                     html=render_to_string("orgs/programs/email/flash_offer_withdrawn.html", context),
                     dedupe_key=f"flash:offer{offer.pk}:withdrawn")


def _close(question: FlashQuestion, status: str, reason: str, now: datetime, *, keep: int | None = None,
           tell: bool = True) -> None:
    live = list(FlashOffer.objects.filter(question=question, status=FlashOffer.Status.OFFERED)
                .exclude(pk=keep).select_related("mentor"))
    FlashOffer.objects.filter(pk__in=[o.pk for o in live]).update(status=FlashOffer.Status.WITHDRAWN)
    question.status, question.closed_at = status, now
    question.save(update_fields=["status", "closed_at", "booking"])
    if tell:
        _tell_withdrawn(live, question, reason, now)


def _lock_question(question: FlashQuestion) -> FlashQuestion:
    return FlashQuestion.objects.select_for_update(of=("self",)).select_related(
        "program__organisation", "mentee").get(pk=question.pk)


def flash_offer_accept(*, offer: FlashOffer, mentee, now: datetime | None = None) -> Booking:
    """The mentee takes one offer: it becomes a booking in the program, the others are withdrawn."""
    now = now or timezone.now()
    with transaction.atomic():
        question = _lock_question(offer.question)
        if question.mentee_id != mentee.pk:
            raise BookingError("Question not found.", code="not_found")
        if question.status != FlashQuestion.Status.OPEN or question.expires_at <= now:
            raise BookingError("This question is no longer open.", code="question_closed")
        offer = FlashOffer.objects.select_related("mentor").get(pk=offer.pk)
        if offer.status != FlashOffer.Status.OFFERED:
            raise BookingError("This offer was withdrawn; choose another one.", code="question_closed")
        booking = booking_create(mentee=mentee, mentor=offer.mentor, start=offer.start,
                                 duration=question.duration_minutes, topic=question.topic,
                                 question=question.question, program=question.program, now=now)
        FlashOffer.objects.filter(pk=offer.pk).update(status=FlashOffer.Status.ACCEPTED)
        question.booking = booking
        _close(question, FlashQuestion.Status.ACCEPTED, "The mentee accepted another offer.", now, keep=offer.pk)
    return booking


def flash_question_withdraw(*, question: FlashQuestion, mentee, now: datetime | None = None) -> FlashQuestion:
    now = now or timezone.now()
    with transaction.atomic():
        question = _lock_question(question)
        if question.mentee_id != mentee.pk:
            raise BookingError("Question not found.", code="not_found")
        if question.status != FlashQuestion.Status.OPEN:
            raise BookingError("This question is no longer open.", code="question_closed")
        _close(question, FlashQuestion.Status.WITHDRAWN, "The mentee withdrew the question.", now)
    return question


def flash_questions_expire(*, now: datetime | None = None, batch: int = 200) -> int:
    """Close the open questions whose week has ended (the periodic job); their offers are
    withdrawn without mail (the week is over for everyone). Running it twice closes each once."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(claim(FlashQuestion.objects.filter(status=FlashQuestion.Status.OPEN, expires_at__lte=now)
                         .order_by("expires_at", "pk"))[:batch])
        for question in due:
            _close(question, FlashQuestion.Status.EXPIRED, "", now, tell=False)
    return len(due)
