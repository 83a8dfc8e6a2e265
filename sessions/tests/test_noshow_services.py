"""Two-sided no-show reports, through the services: every transition, the windows at their exact
edges (pinned clock), both sides reporting, rating still possible, the settling job run twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from ratings.models import Rating
from ratings.services import rating_create
from sessions.errors import BookingError
from sessions.models import Booking, BookingEvent, NoShowReport, Notification, ReliabilityRecord
from sessions.services.lifecycle import sessions_complete_due
from sessions.services.noshow import (
    noshow_report_create,
    noshow_report_decide,
    noshow_report_dispute,
    noshow_report_withdraw,
    noshow_reports_settle_due,
)
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

START = datetime(2027, 1, 18, 15, 0, tzinfo=UTC)
END = START + timedelta(minutes=30)
REPORTED_AT = END + timedelta(hours=1)
DEADLINE = REPORTED_AT + timedelta(hours=72)


def _record(user) -> tuple[int, int, int]:
    record = ReliabilityRecord.objects.filter(user=user).first()
    return (record.sessions_completed, record.late_cancellations, record.no_shows) if record else (0, 0, 0)


@pytest.fixture
def completed(mentor, mentee):
    """A session that took place on the calendar: completed by the job, counted for both."""
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    assert sessions_complete_due(now=END + timedelta(minutes=20), grace=15) == 1
    booking.refresh_from_db()
    return booking


def _report(booking, reporter, *, at=REPORTED_AT, reason="I waited 20 minutes in the call; nobody came."):
    return noshow_report_create(booking=booking, reporter=reporter, reason=reason, now=at)


def _status(booking) -> str:
    return Booking.objects.get(pk=booking.pk).status


# --- reporting ------------------------------------------------------------------------------------

def test_a_report_changes_nothing_that_counts_and_tells_only_the_reported_person(completed, mentor, mentee):
    report = _report(completed, mentor)

    assert (report.state, report.reporter, report.reported) == ("open", mentor, mentee)
    assert report.dispute_deadline == DEADLINE
    assert _status(completed) == "completed"
    assert _record(mentor) == _record(mentee) == (1, 0, 0)
    assert BookingEvent.objects.filter(booking=completed, kind="noshow_reported", actor=mentor).count() == 1
    [row] = Notification.objects.filter(kind__startswith="no_show_")
    assert (row.kind, row.recipient, row.booking_id) == ("no_show_reported", mentee, completed.pk)


def test_reported_mentee_can_still_rate_and_report_the_mentor_back(completed, mentor, mentee):
    """The bug: the mentor's report turned the booking into no_show, so the mentee's review and
    own report were refused with 409. The reporter alone must never block either."""
    _report(completed, mentor)

    rating = rating_create(booking_id=completed.pk, rater=mentee, stars=2, comment="Mentor never joined the call.")
    assert rating.state == "published"
    counter = _report(completed, mentee, at=REPORTED_AT + timedelta(minutes=5), reason="I was there from 15:00.")
    assert (counter.reporter, counter.reported) == (mentee, mentor)
    assert NoShowReport.objects.filter(booking=completed).count() == 2
    assert _status(completed) == "completed"


def test_mentee_reports_before_the_completion_job_ran_and_the_session_still_completes(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    _report(booking, mentee, at=END + timedelta(minutes=5))
    assert _status(booking) == "confirmed"
    assert sessions_complete_due(now=END + timedelta(minutes=20), grace=15) == 1
    assert _status(booking) == "completed"
    # So the mentee, who reported, can rate it too.
    rating_create(booking_id=booking.pk, rater=mentee, stars=1, comment="No-show.")


@pytest.mark.parametrize(("moment", "code"), [
    (END - timedelta(seconds=1), "not_ended"),
    (END, None),
    (END + timedelta(hours=48), None),
    (END + timedelta(hours=48, seconds=1), "report_window_closed"),
])
def test_reports_are_taken_from_the_end_until_48_hours_after_both_included(mentor, mentee, moment, code):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    if code is None:
        assert _report(booking, mentee, at=moment).state == "open"
        return
    with pytest.raises(BookingError) as error:
        _report(booking, mentee, at=moment)
    assert (error.value.status, error.value.code) == (409, code)
    assert not NoShowReport.objects.exists()


def test_one_report_per_reporter_per_session(completed, mentor, mentee):
    _report(completed, mentor)
    with pytest.raises(BookingError) as error:
        _report(completed, mentor, at=REPORTED_AT + timedelta(minutes=1))
    assert (error.value.status, error.value.code) == (409, "already_reported")
    # The database has the last word when two requests race past the service's check.
    with pytest.raises(IntegrityError), transaction.atomic():
        NoShowReport.objects.create(booking=completed, reporter=mentor, reported=mentee, reason="again",
                                    created_at=REPORTED_AT, dispute_deadline=DEADLINE)
    assert NoShowReport.objects.count() == 1


def test_refuses_strangers_self_reports_empty_reasons_and_sessions_that_did_not_happen(completed, mentee, stranger):
    with pytest.raises(BookingError) as error:
        _report(completed, stranger)
    assert (error.value.status, error.value.code) == (403, "forbidden")
    with pytest.raises(BookingError) as error:
        noshow_report_create(booking=completed, reporter=mentee, party="mentee", reason="x", now=REPORTED_AT)
    assert "party" in error.value.field_errors
    with pytest.raises(BookingError) as error:
        _report(completed, mentee, reason="   ")
    assert error.value.status == 400 and "reason" in error.value.field_errors
    with pytest.raises(BookingError) as error:
        _report(completed, mentee, reason="x" * 1001)
    assert error.value.status == 400 and "reason" in error.value.field_errors
    Booking.objects.filter(pk=completed.pk).update(status="cancelled")
    with pytest.raises(BookingError) as error:
        _report(completed, mentee)
    assert (error.value.status, error.value.code) == (409, "wrong_state")
    assert not NoShowReport.objects.exists()


# --- disputing ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("moment", "ok"), [(DEADLINE - timedelta(seconds=1), True), (DEADLINE, False)])
def test_dispute_is_possible_strictly_before_the_deadline(completed, mentor, mentee, moment, ok):
    report = _report(completed, mentor)
    if ok:
        report = noshow_report_dispute(report=report, actor=mentee, statement="I was in the room at 15:00.", now=moment)
        assert (report.state, report.disputed_at) == ("disputed", moment)
        [row] = Notification.objects.filter(kind="no_show_disputed")
        assert row.recipient == mentor
        return
    with pytest.raises(BookingError) as error:
        noshow_report_dispute(report=report, actor=mentee, statement="Too late?", now=moment)
    assert (error.value.status, error.value.code) == (409, "dispute_window_closed")
    assert NoShowReport.objects.get(pk=report.pk).state == "open"


def test_only_the_reported_person_disputes_once_with_a_statement(completed, mentor, mentee, stranger):
    report = _report(completed, mentor)
    for actor in (mentor, stranger):
        with pytest.raises(BookingError) as error:
            noshow_report_dispute(report=report, actor=actor, statement="No", now=REPORTED_AT)
        assert error.value.code == "forbidden"
    with pytest.raises(BookingError) as error:
        noshow_report_dispute(report=report, actor=mentee, statement="", now=REPORTED_AT)
    assert "statement" in error.value.field_errors
    noshow_report_dispute(report=report, actor=mentee, statement="I was there.", now=REPORTED_AT)
    with pytest.raises(BookingError) as error:
        noshow_report_dispute(report=report, actor=mentee, statement="Again", now=REPORTED_AT)
    assert (error.value.status, error.value.code) == (409, "report_closed")


# --- the window passes undisputed -----------------------------------------------------------------

def test_undisputed_report_counts_once_after_the_window_when_the_job_runs_twice(completed, mentor, mentee):
    report = _report(completed, mentor)
    assert noshow_reports_settle_due(now=DEADLINE - timedelta(seconds=1)) == 0
    assert _status(completed) == "completed"

    assert noshow_reports_settle_due(now=DEADLINE) == 1
    assert noshow_reports_settle_due(now=DEADLINE + timedelta(hours=1)) == 0

    report.refresh_from_db()
    assert (report.state, report.decided_at, report.decided_by) == ("upheld", DEADLINE, None)
    booking = Booking.objects.get(pk=completed.pk)
    assert (booking.status, booking.no_show_party, booking.no_show_reported_by) == ("no_show", "mentee", mentor)
    # The completion counted for both is taken back once; the absent mentee gets one no-show.
    assert _record(mentee) == (0, 0, 1)
    assert _record(mentor) == (0, 0, 0)
    assert BookingEvent.objects.filter(booking=completed, kind="no_show").count() == 1
    decided = Notification.objects.filter(kind="no_show_decided")
    assert sorted(r.recipient.email for r in decided) == sorted([mentor.email, mentee.email])


def test_a_rating_written_before_the_report_counted_stays(completed, mentor, mentee):
    _report(completed, mentor)
    rating = rating_create(booking_id=completed.pk, rater=mentee, stars=1, comment="Mentor was rude.")
    noshow_reports_settle_due(now=DEADLINE)
    assert Rating.objects.get(pk=rating.pk).state == "published"


def test_disputed_and_withdrawn_reports_are_never_settled_by_the_job(completed, mentor, mentee):
    disputed = _report(completed, mentor)
    noshow_report_dispute(report=disputed, actor=mentee, statement="I was there.", now=REPORTED_AT)
    withdrawn = _report(completed, mentee)
    noshow_report_withdraw(report=withdrawn, actor=mentee, now=REPORTED_AT)

    assert noshow_reports_settle_due(now=DEADLINE + timedelta(days=30)) == 0
    assert NoShowReport.objects.get(pk=disputed.pk).state == "disputed"
    assert NoShowReport.objects.get(pk=withdrawn.pk).state == "withdrawn"
    assert _status(completed) == "completed"
    assert _record(mentor) == _record(mentee) == (1, 0, 0)


# --- moderators decide ----------------------------------------------------------------------------

@pytest.fixture
def disputed(completed, mentor, mentee):
    report = _report(completed, mentor)
    return noshow_report_dispute(report=report, actor=mentee, statement="I joined at 15:02 and waited.",
                                 now=REPORTED_AT + timedelta(hours=2))


def test_moderator_upholds_a_dispute_and_it_counts(disputed, moderator, mentor, mentee):
    report = noshow_report_decide(report=disputed, moderator=moderator, decision="uphold",
                                  reason="The call log shows nobody joined from the mentee's side.")
    assert (report.state, report.decided_by) == ("upheld", moderator)
    booking = Booking.objects.get(pk=disputed.booking_id)
    assert (booking.status, booking.no_show_party) == ("no_show", "mentee")
    assert _record(mentee) == (0, 0, 1) and _record(mentor) == (0, 0, 0)
    assert BookingEvent.objects.filter(booking=booking, kind="no_show", actor=moderator).count() == 1


def test_moderator_dismisses_a_dispute_and_it_never_counts(disputed, moderator, mentor, mentee):
    report = noshow_report_decide(report=disputed, moderator=moderator, decision="dismiss",
                                  reason="Both joined; the mentor had the wrong link.")
    assert report.state == "dismissed"
    assert _status(disputed.booking) == "completed"
    assert _record(mentee) == _record(mentor) == (1, 0, 0)
    assert noshow_reports_settle_due(now=DEADLINE + timedelta(days=1)) == 0
    assert _record(mentee) == (1, 0, 0)
    assert BookingEvent.objects.filter(booking=disputed.booking, kind="noshow_dismissed", actor=moderator).exists()
    # Still completed, so the mentee rates it after the decision too.
    rating_create(booking_id=disputed.booking_id, rater=mentee, stars=4)


def test_both_participants_are_emailed_the_decision_with_the_reason_and_a_link(disputed, moderator, mentor, mentee):
    noshow_report_decide(report=disputed, moderator=moderator, decision="dismiss", reason="Both were there.")
    mail.outbox.clear()
    notifications_dispatch_due(now=DEADLINE + timedelta(days=5))
    decided = {m.to[0]: m for m in mail.outbox if "Decision on the no-show report" in m.subject}
    assert set(decided) == {mentor.email, mentee.email}
    link = f"http://localhost:8000/sessions/{disputed.booking_id}/"
    for message in decided.values():
        html = message.alternatives[0]
        assert html[1] == "text/html"
        assert "Both were there." in message.body and "Both were there." in html[0]
        assert link in message.body and link in html[0]
        assert "dismissed" in message.body
        assert moderator.email not in message.body


def test_reported_person_is_emailed_the_reason_the_deadline_in_their_zone_and_the_link(completed, mentor, mentee):
    _report(completed, mentor, reason="Waited 20 minutes, wrote in the chat.")
    notifications_dispatch_due(now=REPORTED_AT)
    [message] = [m for m in mail.outbox if m.to == [mentee.email] and "missed" in m.subject]
    assert "Waited 20 minutes, wrote in the chat." in message.body
    # DEADLINE is Thu 21 Jan 2027 16:30 UTC; the mentee lives in New York.
    assert "Thu 21 Jan 2027, 11:30 EST (America/New_York)" in message.body
    assert f"http://localhost:8000/sessions/{completed.pk}/" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert "dispute" in message.alternatives[0][0]


def test_decisions_are_refused_to_non_moderators_participants_and_on_undisputed_reports(
        disputed, completed, moderator, mentor, mentee, staff):
    with pytest.raises(BookingError) as error:
        noshow_report_decide(report=disputed, moderator=mentee, decision="dismiss", reason="I say so")
    assert (error.value.status, error.value.code) == (403, "forbidden")
    mentor.groups.add(*moderator.groups.all())
    with pytest.raises(BookingError) as error:
        noshow_report_decide(report=disputed, moderator=mentor, decision="uphold", reason="My own session")
    assert error.value.code == "forbidden"
    with pytest.raises(BookingError) as error:
        noshow_report_decide(report=disputed, moderator=moderator, decision="maybe", reason="")
    assert set(error.value.field_errors) == {"decision", "reason"}
    open_report = _report(completed, mentee)
    with pytest.raises(BookingError) as error:
        noshow_report_decide(report=open_report, moderator=moderator, decision="uphold", reason="Too early")
    assert (error.value.status, error.value.code) == (409, "report_closed")
    # Staff decide too; a decided report cannot be decided again.
    noshow_report_decide(report=disputed, moderator=staff, decision="dismiss", reason="Both there")
    with pytest.raises(BookingError) as error:
        noshow_report_decide(report=disputed, moderator=moderator, decision="uphold", reason="Changed my mind")
    assert error.value.code == "report_closed"
    assert _record(mentee) == (1, 0, 0)


# --- withdrawing and both sides -------------------------------------------------------------------

def test_the_reporter_can_withdraw_an_open_or_disputed_report_and_the_other_is_told(disputed, mentor, mentee):
    with pytest.raises(BookingError) as error:
        noshow_report_withdraw(report=disputed, actor=mentee, now=REPORTED_AT)
    assert error.value.code == "forbidden"
    report = noshow_report_withdraw(report=disputed, actor=mentor, now=REPORTED_AT + timedelta(hours=3))
    assert (report.state, report.decided_at) == ("withdrawn", REPORTED_AT + timedelta(hours=3))
    assert Notification.objects.filter(kind="no_show_withdrawn", recipient=mentee).count() == 1
    with pytest.raises(BookingError) as error:
        noshow_report_withdraw(report=report, actor=mentor, now=REPORTED_AT)
    assert error.value.code == "report_closed"


def test_when_both_reports_are_upheld_both_get_a_no_show_and_the_completion_goes_back_once(completed, mentor, mentee):
    _report(completed, mentor)
    _report(completed, mentee, at=REPORTED_AT + timedelta(minutes=10))
    assert noshow_reports_settle_due(now=DEADLINE + timedelta(minutes=10)) == 2
    booking = Booking.objects.get(pk=completed.pk)
    assert (booking.status, booking.no_show_party) == ("no_show", "both")
    assert _record(mentor) == (0, 0, 1)
    assert _record(mentee) == (0, 0, 1)


def test_the_other_side_may_still_report_after_the_first_report_was_upheld(disputed, completed, moderator, mentee):
    noshow_report_decide(report=disputed, moderator=moderator, decision="uphold", reason="Log shows it")
    assert _status(completed) == "no_show"
    report = _report(completed, mentee, at=END + timedelta(hours=47))
    assert report.state == "open"


def test_upheld_before_the_completion_job_ran_the_session_is_never_completed(mentor, mentee, moderator):
    # An earlier session that did take place: its completion must stay counted.
    BookingFactory(mentor=mentor, mentee=mentee, start=START - timedelta(days=7))
    assert sessions_complete_due(now=START - timedelta(days=6), grace=15) == 1
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=START)
    report = _report(booking, mentor, at=END + timedelta(minutes=2))
    noshow_report_dispute(report=report, actor=mentee, statement="I was there", now=END + timedelta(minutes=4))
    noshow_report_decide(report=report, moderator=moderator, decision="uphold", reason="Recording shows otherwise")
    assert _status(booking) == "no_show"
    assert sessions_complete_due(now=END + timedelta(hours=1), grace=15) == 0
    assert _record(mentee) == (1, 0, 1) and _record(mentor) == (1, 0, 0)
