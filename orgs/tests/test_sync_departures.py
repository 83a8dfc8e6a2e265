"""Departures through the directory sync: sign-in refused, future bookings cancelled through the
booking service with one mail to the other side, history kept; reactivation restores sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from accounts.models import ApiToken, User
from accounts.tokens import api_token_authenticate, api_token_create
from orgs.models import Membership
from orgs.sync import directory_sync, sync_plan
from orgs.tests.conftest import csv_file
from sessions.models import Booking, BookingEvent, Notification, ReliabilityRecord
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import (
    BookingFactory,
    EnrollmentFactory,
    MembershipFactory,
    MentorFactory,
    OrganisationFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acme_domain")]
PASSWORD = "correct-horse-battery"
HEADER = "email,name,department,active"


@pytest.fixture
def people(acme):
    """Dan (leaving) mentors Mia (staying, outside Acme) tomorrow and met her last week."""
    dan = MentorFactory(email="dan@acme.test", name="Dan Brown", timezone="Europe/Berlin")
    MembershipFactory(organisation=acme, user=dan)
    mia = UserFactory(email="mia@example.com", name="Mia Wong", timezone="UTC")
    upcoming = BookingFactory(mentor=dan, mentee=mia)
    requested = BookingFactory(mentor=dan, mentee=mia, status="requested",
                               start=upcoming.start + timedelta(days=2), end=upcoming.end + timedelta(days=2),
                               blocked_start=upcoming.start + timedelta(days=2), blocked_end=upcoming.end + timedelta(days=2))
    past = BookingFactory(mentor=dan, mentee=mia, status="completed", start=upcoming.start - timedelta(days=8),
                          end=upcoming.end - timedelta(days=8), blocked_start=upcoming.start - timedelta(days=8),
                          blocked_end=upcoming.end - timedelta(days=8))
    return dan, mia, upcoming, requested, past


def _mails_to(address: str) -> list:
    notifications_dispatch_due()
    return [m for m in mail.outbox if address in m.to]


def test_a_person_marked_inactive_leaves(acme, people):
    dan, mia, upcoming, requested, past = people
    _, key = api_token_create(user=dan, name="script")
    plan = directory_sync(organisation=acme, content=csv_file("dan@acme.test,Dan Brown,,false", header=HEADER))
    assert [c.email for c in plan.deactivations] == ["dan@acme.test"]
    assert (plan.accounts_locked, plan.sessions_cancelled) == (1, 2)

    membership = Membership.objects.get(user=dan)
    assert not membership.is_active and membership.deactivated_at is not None
    # They can no longer sign in, and their API tokens stop working.
    assert not User.objects.get(pk=dan.pk).is_active
    assert not Client().login(email=dan.email, password=PASSWORD)
    assert api_token_authenticate(key=key) is None and not ApiToken.objects.filter(user=dan).exists()
    # Future live bookings are cancelled through the booking service; history stays.
    for booking in (upcoming, requested):
        booking.refresh_from_db()
        assert booking.status == "cancelled" and booking.cancelled_by_id == dan.pk and not booking.cancelled_late
        assert "Dan Brown has left Acme." in booking.cancel_reason
        event = BookingEvent.objects.get(booking=booking, kind="cancelled")
        assert event.actor is None and event.note.startswith("departure:")
    past.refresh_from_db()
    assert past.status == "completed"
    assert not ReliabilityRecord.objects.filter(user=dan, late_cancellations__gt=0).exists()
    # Mia is told, once per session, why; Dan gets no copy.
    to_mia = _mails_to(mia.email)
    assert len(to_mia) == 2
    assert "is no longer with their organisation" in to_mia[0].body and "Dan Brown has left Acme." in to_mia[0].body
    assert not _mails_to(dan.email)
    assert Notification.objects.filter(booking=upcoming, kind__startswith="reminder_", state="pending").count() == 0


def test_running_the_departure_twice_mails_once(acme, people):
    dan, mia, *_ = people
    leaving = csv_file("dan@acme.test,Dan Brown,,false", header=HEADER)
    directory_sync(organisation=acme, content=leaving)
    again = directory_sync(organisation=acme, content=leaving)
    assert again.size == 0 and again.sessions_cancelled == 0
    assert len(_mails_to(mia.email)) == 2
    assert Notification.objects.filter(recipient=mia, kind="booking_cancelled").count() == 2


def test_members_missing_from_the_file_leave_with_deactivate_missing(acme, people, org_admin):
    dan, mia, upcoming, *_ = people
    stays = csv_file("eve@acme.test,Eve,,true", header=HEADER)
    without = directory_sync(organisation=acme, content=stays)
    assert Membership.objects.get(user=dan).is_active and not without.deactivations
    plan = directory_sync(organisation=acme, content=stays, deactivate_missing=True)
    assert [(c.email, c.reason) for c in plan.deactivations] == [("dan@acme.test", "missing from the file")]
    assert plan.kept_admins == [org_admin.email]  # program managers are often not in the HR export
    assert Membership.objects.get(user=org_admin).is_active and User.objects.get(pk=org_admin.pk).is_active
    upcoming.refresh_from_db()
    assert upcoming.status == "cancelled" and not User.objects.get(pk=dan.pk).is_active


def test_the_dry_run_tells_what_a_departure_will_do_and_does_nothing(acme, people):
    dan, mia, upcoming, *_ = people
    plan = directory_sync(organisation=acme, content=csv_file("dan@acme.test,Dan Brown,,no", header=HEADER),
                          dry_run=True)
    assert plan.sessions_to_cancel == 2 and "account locked" in plan.lines()[0]
    assert "2 future session(s) will be cancelled" in plan.summary()
    upcoming.refresh_from_db()
    assert upcoming.status == "confirmed" and User.objects.get(pk=dan.pk).is_active and not _mails_to(mia.email)


def test_someone_still_active_in_another_organisation_keeps_their_account(acme, people):
    dan, mia, upcoming, *_ = people
    MembershipFactory(organisation=OrganisationFactory(name="Globex"), user=dan)
    program = ProgramFactory(organisation=acme)
    EnrollmentFactory(program=program, user=dan, side="mentor")
    colleague = UserFactory(email="col@acme.test")
    start = upcoming.start + timedelta(days=5)
    inside = BookingFactory(mentor=dan, mentee=colleague, program=program, start=start,
                            end=start + timedelta(minutes=30), blocked_start=start,
                            blocked_end=start + timedelta(minutes=30))
    plan = directory_sync(organisation=acme, content=csv_file("dan@acme.test,Dan Brown,,false", header=HEADER))
    assert "account kept (active in another organisation)" in plan.deactivations[0].line()
    assert User.objects.get(pk=dan.pk).is_active and plan.accounts_locked == 0
    inside.refresh_from_db()
    upcoming.refresh_from_db()
    assert inside.status == "cancelled" and upcoming.status == "confirmed"  # only Acme's program sessions
    assert len(_mails_to(colleague.email)) == 1 and not _mails_to(mia.email)


def test_staff_accounts_are_never_locked_by_a_company(acme):
    admin = UserFactory(email="root@acme.test", is_staff=True)
    MembershipFactory(organisation=acme, user=admin)
    plan = directory_sync(organisation=acme, content=csv_file("root@acme.test,Root,,false", header=HEADER))
    assert not Membership.objects.get(user=admin).is_active and User.objects.get(pk=admin.pk).is_active
    assert "account kept (staff)" in plan.deactivations[0].line()


def test_a_booking_between_two_leavers_mails_nobody(acme, people):
    dan, mia, upcoming, *_ = people
    MembershipFactory(organisation=acme, user=mia)
    directory_sync(organisation=acme, content=csv_file("dan@acme.test,Dan,,false", "mia@example.com,Mia,,false",
                                                       header=HEADER))
    upcoming.refresh_from_db()
    assert upcoming.status == "cancelled"
    assert not _mails_to(mia.email) and not _mails_to(dan.email)


def test_reactivation_restores_sign_in(acme, people):
    dan, *_ = people
    directory_sync(organisation=acme, content=csv_file("dan@acme.test,Dan Brown,,false", header=HEADER))
    assert not Client().login(email=dan.email, password=PASSWORD)
    plan = sync_plan(organisation=acme, content=csv_file("dan@acme.test,Dan Brown,Sales,true", header=HEADER))
    assert [c.line() for c in plan.reactivations] == [
        "^ dan@acme.test (Dan Brown) [line 2]: account unlocked; department (none) -> Sales"]
    done = directory_sync(organisation=acme, content=csv_file("dan@acme.test,Dan Brown,Sales,true", header=HEADER))
    assert done.accounts_unlocked == 1
    membership = Membership.objects.get(user=dan)
    assert membership.is_active and membership.deactivated_at is None and membership.department.name == "Sales"
    assert Client().login(email=dan.email, password=PASSWORD)
    # The sessions cancelled at the departure stay cancelled: their times were given back.
    assert set(Booking.objects.filter(mentor=dan).values_list("status", flat=True)) == {"cancelled", "completed"}


def test_a_person_who_leaves_cannot_use_an_open_browser_session(acme, people):
    dan, *_ = people
    client = Client()
    client.force_login(dan)
    assert client.get("/me/").status_code == 200
    directory_sync(organisation=acme, content=csv_file("dan@acme.test,Dan Brown,,false", header=HEADER))
    assert client.get("/me/").status_code == 302


def test_a_departure_clears_the_navigation_entry_of_the_person_who_left(acme, member,
                                                                        django_capture_on_commit_callbacks):
    from orgs.selectors_members import nav_organisations

    assert [e["slug"] for e in nav_organisations(user=member)] == ["acme"]  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        directory_sync(organisation=acme, content=csv_file(f"{member.email},false", header="email,active"))
    assert nav_organisations(user=member) == []
