"""No-show reports, two-sided: report, dispute, withdraw, settle undisputed ones, decide disputed ones.

Why two-sided: when the first report simply turned the booking into no_show, a mentor could erase
a coming review (the mentee could no longer rate a no_show session) and mark the mentee absent
with one click, and the mentee's own report was refused. Now a report is a claim, not a verdict:
- it leaves the booking as it is (confirmed, later completed), so the reported person can still
  rate the session and report the other in turn; the reporter alone never blocks either;
- the reported person is emailed and can dispute it for NO_SHOW_DISPUTE_HOURS with a statement;
- undisputed, it counts once the window has passed (noshow_reports_settle_due, a periodic job);
- disputed, a moderator upholds or dismisses it with a reason and both people are emailed.
Only an upheld report counts: the reliability record of the absent person, and the booking
becomes no_show (the pair's completion is taken back). A session judged a no-show is not rated
afterwards; ratings written before the verdict stay as they are.

Locks: a report is created under the booking's row lock (so the status and the window are read
once, with the completion job queued behind). Anything that changes an existing report locks the
report first and then, when it must count, the booking: one order everywhere, no deadlocks.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from mentorship.claims import claim
from sessions.errors import BookingError
from sessions.models import Booking, BookingEvent, NoShowReport
from sessions.models.noshow import REASON_MAX_LENGTH
from sessions.selectors_noshow import REPORTABLE_STATUSES, can_decide_no_shows, report_window_end
from sessions.services.lifecycle import JOB_BATCH, reliability_add
from sessions.services.notifications import noshow_notify, reminders_cancel

State = NoShowReport.State
DECISIONS = ("uphold", "dismiss")


def _text(value: str | None, *, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise BookingError(missing, field_errors={field: [missing]})
    if len(value) > REASON_MAX_LENGTH:
        msg = f"Keep it under {REASON_MAX_LENGTH} characters."
        raise BookingError(msg, field_errors={field: [msg]})
    return value


def noshow_report_create(*, booking: Booking, reporter: User, reason: str, party: str | None = None,
                         now: datetime | None = None) -> NoShowReport:
    """`reporter` says the other participant of `booking` did not show up.

    Allowed from the session's end until NO_SHOW_REPORT_HOURS after it (both ends included), on a
    confirmed, completed or already no_show session (the other side's report may have been upheld
    first), once per reporter. Tells the reported person, who may dispute it.
    """
    now = now or timezone.now()
    if not booking.is_participant(reporter):
        raise BookingError("Only the mentor or the mentee of this session can report a no-show.", code="forbidden")
    reporter_role = "mentor" if reporter.pk == booking.mentor_id else "mentee"
    other_role = "mentee" if reporter_role == "mentor" else "mentor"
    party = party or other_role
    if party not in (Booking.NoShowParty.MENTOR, Booking.NoShowParty.MENTEE):
        raise BookingError("Say who did not show up.", field_errors={"party": ["Choose “mentor” or “mentee”."]})
    if party == reporter_role:
        raise BookingError("You can only report the other participant.",
                           field_errors={"party": [f"As the {reporter_role} you can report the {other_role} only."]})
    reason = _text(reason, field="reason", missing="Say briefly what happened, for example how long you waited.")
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("mentor", "mentee").get(pk=booking.pk)
        if booking.status not in REPORTABLE_STATUSES:
            raise BookingError(f"A {booking.get_status_display().lower()} session cannot have a no-show.",
                               code="wrong_state")
        if now < booking.end:
            raise BookingError("You can report a no-show once the session has ended.", code="not_ended")
        if now > report_window_end(booking):
            raise BookingError(f"No-shows can be reported up to {settings.NO_SHOW_REPORT_HOURS} hours after "
                               "the session.", code="report_window_closed")
        if NoShowReport.objects.filter(booking=booking, reporter=reporter).exists():
            raise BookingError("You have already reported a no-show for this session.", code="already_reported")
        reported = booking.mentee if reporter_role == "mentor" else booking.mentor
        try:
            with transaction.atomic():
                report = NoShowReport.objects.create(
                    booking=booking, reporter=reporter, reported=reported, reason=reason, created_at=now,
                    dispute_deadline=now + timedelta(hours=settings.NO_SHOW_DISPUTE_HOURS),
                )
        except IntegrityError:
            # The unique constraint is the last word when a double click races past the check.
            raise BookingError("You have already reported a no-show for this session.", code="already_reported")
        BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.NO_SHOW_REPORTED, actor=reporter,
                                    note=f"says the {other_role} did not show")
        noshow_notify(report=report, event="reported")
    return report


def _locked(report: NoShowReport) -> NoShowReport:
    return (NoShowReport.objects.select_for_update(of=("self",)).select_related("booking", "reporter", "reported")
            .get(pk=report.pk))


def noshow_report_dispute(*, report: NoShowReport, actor: User, statement: str,
                          now: datetime | None = None) -> NoShowReport:
    """The reported person says they were there; a moderator will decide. Open reports only, and
    strictly before the dispute deadline (at the deadline the settling job may already count it)."""
    now = now or timezone.now()
    if actor is None or actor.pk != report.reported_id:
        raise BookingError("Only the person who was reported can dispute this report.", code="forbidden")
    statement = _text(statement, field="statement",
                      missing="Say what happened from your side, for example when you joined the call.")
    with transaction.atomic():
        report = _locked(report)
        if report.state != State.OPEN:
            raise BookingError(f"This report is {report.get_state_display().lower()}; it cannot be disputed now.",
                               code="report_closed")
        if now >= report.dispute_deadline:
            raise BookingError(f"Reports can be disputed for {settings.NO_SHOW_DISPUTE_HOURS} hours; "
                               "the time for this one has passed.", code="dispute_window_closed")
        report.state = State.DISPUTED
        report.disputed_at = now
        report.dispute_statement = statement
        report.save(update_fields=["state", "disputed_at", "dispute_statement"])
        BookingEvent.objects.create(booking=report.booking, kind=BookingEvent.Kind.NO_SHOW_DISPUTED, actor=actor)
        noshow_notify(report=report, event="disputed")
    return report


def noshow_report_withdraw(*, report: NoShowReport, actor: User, now: datetime | None = None) -> NoShowReport:
    """The reporter takes an open or disputed report back (a mistake, or they sorted it out)."""
    now = now or timezone.now()
    if actor is None or actor.pk != report.reporter_id:
        raise BookingError("Only the person who reported can withdraw this report.", code="forbidden")
    with transaction.atomic():
        report = _locked(report)
        if not report.is_pending:
            raise BookingError(f"This report is {report.get_state_display().lower()}; it cannot be withdrawn.",
                               code="report_closed")
        report.state = State.WITHDRAWN
        report.decided_at = now
        report.save(update_fields=["state", "decided_at"])
        BookingEvent.objects.create(booking=report.booking, kind=BookingEvent.Kind.NO_SHOW_WITHDRAWN, actor=actor)
        noshow_notify(report=report, event="withdrawn")
    return report


Deltas = dict[int, Counter]


def _reliability_apply(deltas: Deltas) -> None:
    """Change the reliability records in ascending user id, one row at a time.

    The settling job, a moderator's decision and the completion job may each hold some records'
    row locks until they commit; one global order means they queue instead of deadlocking.
    """
    for user_id in sorted(deltas):
        changes = {field: delta for field, delta in deltas[user_id].items() if delta}
        if changes:
            reliability_add((user_id,), **changes)


def _count_upheld(report: NoShowReport, deltas: Deltas) -> None:
    """The report counts: the absent person's no-show, and the booking becomes no_show.

    Called with the report locked, inside its transaction; adds the record changes to `deltas`
    for the caller to apply in one order. The pair's completion is taken back only when the
    booking leaves `completed` (the first upheld report); a second upheld report (each side
    reported the other) only adds its own no-show and makes the party "both".
    """
    booking = Booking.objects.select_for_update().get(pk=report.booking_id)
    absent = Booking.NoShowParty.MENTOR if report.reported_id == booking.mentor_id else Booking.NoShowParty.MENTEE
    was_completed = booking.status == Booking.Status.COMPLETED
    if booking.status == Booking.Status.NO_SHOW:
        if booking.no_show_party and booking.no_show_party != absent:
            booking.no_show_party = Booking.NoShowParty.BOTH
    else:
        booking.status = Booking.Status.NO_SHOW
        booking.no_show_party = absent
        booking.no_show_reported_by_id = report.reporter_id
    booking.save(update_fields=["status", "no_show_party", "no_show_reported_by", "updated_at"])
    BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.NO_SHOW, actor=report.decided_by,
                                note=f"{absent} did not show")
    deltas.setdefault(report.reported_id, Counter())["no_shows"] += 1
    if was_completed:
        for user_id in (booking.mentor_id, booking.mentee_id):
            deltas.setdefault(user_id, Counter())["sessions_completed"] -= 1
    # Reminders cannot be pending after the end, but a stale row must never go out.
    reminders_cancel(booking=booking)


def noshow_reports_settle_due(*, now: datetime | None = None, batch: int = JOB_BATCH) -> int:
    """Open reports whose dispute deadline has passed are upheld and counted; both are told.

    Claimed with skip_locked and changed in the claiming transaction: a second run, or a second
    worker, no longer finds them open, so each report counts once.
    """
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            due = list(claim(NoShowReport.objects.select_related("reporter", "reported").filter(
                state=State.OPEN, dispute_deadline__lte=now)).order_by("dispute_deadline", "id")[:batch])
            deltas: Deltas = {}
            for report in due:
                report.state = State.UPHELD
                report.decided_at = now
                report.decision_reason = (f"Not disputed within {settings.NO_SHOW_DISPUTE_HOURS} hours "
                                          "of the report.")
                report.save(update_fields=["state", "decided_at", "decision_reason"])
                _count_upheld(report, deltas)
                noshow_notify(report=report, event="decided")
            _reliability_apply(deltas)
        done += len(due)
        if len(due) < batch:
            return done


def noshow_report_decide(*, report: NoShowReport, moderator: User, decision: str, reason: str,
                         now: datetime | None = None) -> NoShowReport:
    """A moderator or staff member upholds or dismisses a disputed report, with a reason both
    participants read. A participant of the session cannot decide about it."""
    now = now or timezone.now()
    if not can_decide_no_shows(moderator):
        raise BookingError("Only moderators can decide no-show disputes.", code="forbidden")
    if moderator.pk in (report.reporter_id, report.reported_id):
        raise BookingError("You took part in this session; another moderator must decide.", code="forbidden")
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = ["Choose “uphold” or “dismiss”."]
    try:
        reason = _text(reason, field="reason", missing="Give the reason both participants will read.")
    except BookingError as exc:
        errors.update(exc.field_errors)
    if errors:
        raise BookingError("Please correct the decision.", field_errors=errors)
    with transaction.atomic():
        report = _locked(report)
        if report.state != State.DISPUTED:
            raise BookingError(f"This report is {report.get_state_display().lower()}; only disputed reports "
                               "are decided by a moderator.", code="report_closed")
        report.state = State.UPHELD if decision == "uphold" else State.DISMISSED
        report.decided_at = now
        report.decided_by = moderator
        report.decision_reason = reason
        report.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])
        if report.state == State.UPHELD:
            deltas: Deltas = {}
            _count_upheld(report, deltas)
            _reliability_apply(deltas)
        else:
            BookingEvent.objects.create(booking_id=report.booking_id, kind=BookingEvent.Kind.NO_SHOW_DISMISSED,
                                        actor=moderator, note=reason)
        noshow_notify(report=report, event="decided")
    return report
