"""No-show reports over the API: who may do what (anonymous, stranger, each participant, moderator,
staff), the registered error codes, and what moderators are shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Booking, NoShowReport, ReliabilityRecord
from sessions.services.noshow import noshow_report_create, noshow_report_dispute
from sessions.tests.noshow_support import REASON, ended_booking
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _report_url(booking_or_pk) -> str:
    return reverse("api:booking-no-show", args=[getattr(booking_or_pk, "pk", booking_or_pk)])


def _no_shows(user) -> int:
    record = ReliabilityRecord.objects.filter(user=user).first()
    return record.no_shows if record else 0


@pytest.fixture
def booking(mentor, mentee):
    return ended_booking(mentor, mentee)


@pytest.fixture
def report(booking, mentor):
    return noshow_report_create(booking=booking, reporter=mentor, reason=REASON)


@pytest.fixture
def disputed(report, mentee):
    return noshow_report_dispute(report=report, actor=mentee, statement="I joined at the start and waited.")


def _report_endpoints(report):
    return [
        ("get", reverse("api:no-show-report-detail", args=[report.pk]), {}),
        ("post", reverse("api:no-show-report-dispute", args=[report.pk]), {"statement": "I was there"}),
        ("post", reverse("api:no-show-report-withdraw", args=[report.pk]), {}),
        ("post", reverse("api:no-show-decide", args=[report.pk]), {"decision": "dismiss", "reason": "x"}),
    ]


# --- who may do what ------------------------------------------------------------------------------

def test_anonymous_gets_401_everywhere(api_client, booking, report):
    calls = [("post", _report_url(booking), {"reason": REASON}),
             ("get", reverse("api:booking-no-show-reports", args=[booking.pk]), {}),
             ("get", reverse("api:no-show-disputes"), {})] + _report_endpoints(report)
    for method, url, body in calls:
        response = getattr(api_client, method)(url, body, format="json")
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
    assert NoShowReport.objects.get().state == "open"


def test_stranger_gets_404_for_every_booking_and_report_endpoint(client_for, booking, report, stranger):
    client = client_for(stranger)
    calls = [("post", _report_url(booking), {"reason": REASON}),
             ("post", _report_url(999999), {"reason": REASON}),
             ("get", reverse("api:booking-no-show-reports", args=[booking.pk]), {}),
             ("get", reverse("api:no-show-report-detail", args=[999999]), {})] + _report_endpoints(report)
    for method, url, body in calls:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    # The moderators' queue is no booking of theirs: a plain "not allowed" reveals nothing.
    assert client.get(reverse("api:no-show-disputes")).status_code == 403
    assert NoShowReport.objects.count() == 1 and NoShowReport.objects.get().state == "open"


def test_mentor_reports_and_the_mentee_still_rates_reports_back_and_disputes(client_for, booking, mentor, mentee):
    response = client_for(mentor).post(_report_url(booking), {"reason": REASON}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["reporter"], body["reported"], body["reported_role"]) == (
        "open", {"id": mentor.pk, "name": mentor.display_name}, {"id": mentee.pk, "name": mentee.display_name},
        "mentee")
    assert Booking.objects.get(pk=booking.pk).status == "completed"

    mentee_client = client_for(mentee)
    rated = mentee_client.post(reverse("api:rating-list"), {"booking": booking.pk, "stars": 2,
                                                             "comment": "Mentor did not prepare."}, format="json")
    assert rated.status_code == 201, rated.content
    back = mentee_client.post(_report_url(booking), {"reason": "I was there, the mentor was not."}, format="json")
    assert back.status_code == 201 and back.json()["reported_role"] == "mentor"
    listed = mentee_client.get(reverse("api:booking-no-show-reports", args=[booking.pk])).json()
    assert [r["reporter"]["id"] for r in listed] == [mentor.pk, mentee.pk]

    disputed = mentee_client.post(reverse("api:no-show-report-dispute", args=[body["id"]]),
                                  {"statement": "I joined on time."}, format="json")
    assert disputed.status_code == 200 and disputed.json()["state"] == "disputed"


def test_the_reporter_cannot_dispute_and_the_reported_cannot_withdraw(client_for, report, mentor, mentee):
    response = client_for(mentor).post(reverse("api:no-show-report-dispute", args=[report.pk]),
                                       {"statement": "Hm"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    response = client_for(mentee).post(reverse("api:no-show-report-withdraw", args=[report.pk]), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    response = client_for(mentor).post(reverse("api:no-show-report-withdraw", args=[report.pk]), format="json")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_participants_cannot_decide_their_own_dispute(client_for, disputed, mentor, mentee):
    for user in (mentor, mentee):
        response = client_for(user).post(reverse("api:no-show-decide", args=[disputed.pk]),
                                         {"decision": "dismiss", "reason": "mine"}, format="json")
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert client_for(user).get(reverse("api:no-show-disputes")).status_code == 403
    assert NoShowReport.objects.get(pk=disputed.pk).state == "disputed"


def test_moderator_sees_the_queue_with_names_only_and_upholds(client_for, disputed, booking, moderator, mentee):
    client = client_for(moderator)
    queue = client.get(reverse("api:no-show-disputes"))
    assert queue.status_code == 200
    [item] = queue.json()["results"]
    assert (item["id"], item["dispute_statement"], item["reason"]) == (
        disputed.pk, "I joined at the start and waited.", REASON)
    assert item["reported"] == {"id": mentee.pk, "name": mentee.display_name}
    # Moderators need who and what, not how to reach people or what the session was about.
    assert "@" not in queue.content.decode()
    assert "question" not in item and booking.question not in queue.content.decode()
    # A moderator is not a participant: the session itself stays private.
    assert client.get(reverse("api:booking-no-show-reports", args=[booking.pk])).status_code == 404
    assert client.post(_report_url(booking), {"reason": REASON}, format="json").status_code == 404
    assert client.get(reverse("api:no-show-report-detail", args=[disputed.pk])).status_code == 200

    response = client.post(reverse("api:no-show-decide", args=[disputed.pk]),
                           {"decision": "uphold", "reason": "The call log shows nobody joined."}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["decided_by"]) == ("upheld", moderator.display_name)
    assert _no_shows(mentee) == 1
    assert client.get(reverse("api:no-show-disputes")).json()["results"] == []


def test_staff_who_is_not_a_participant_reads_and_decides_but_cannot_report(client_for, disputed, booking, staff,
                                                                            mentee):
    client = client_for(staff)
    response = client.post(_report_url(booking), {"reason": REASON}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert len(client.get(reverse("api:booking-no-show-reports", args=[booking.pk])).json()) == 1
    response = client.post(reverse("api:no-show-decide", args=[disputed.pk]),
                           {"decision": "dismiss", "reason": "Both were there."}, format="json")
    assert response.json()["state"] == "dismissed"
    assert _no_shows(mentee) == 0


# --- errors ---------------------------------------------------------------------------------------

def test_bad_input_gets_the_registered_code_and_status(client_for, mentor, mentee, booking, moderator, disputed):
    client = client_for(mentee)
    response = client.post(_report_url(booking), {"reason": "", "party": "mentee"}, format="json")
    assert response.status_code == 400 and "party" in response.json()["errors"]
    response = client.post(_report_url(booking), {"reason": "  "}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["errors"]["reason"]
    response = client.post(_report_url(booking), {"party": "alien", "reason": REASON}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["party"]

    upcoming = BookingFactory(mentor=mentor, mentee=mentee, start=timezone.now() + timedelta(hours=5))
    response = client.post(_report_url(upcoming), {"reason": REASON}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "not_ended")
    old = ended_booking(mentor, mentee, hours_ago=49)
    response = client.post(_report_url(old), {"reason": REASON}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "report_window_closed")

    assert client.post(_report_url(booking), {"reason": REASON}, format="json").status_code == 201
    response = client.post(_report_url(booking), {"reason": REASON}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "already_reported")

    response = client_for(moderator).post(reverse("api:no-show-decide", args=[disputed.pk]),
                                          {"decision": "uphold", "reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["reason"]
    response = client_for(moderator).post(reverse("api:no-show-decide", args=[disputed.pk]),
                                          {"decision": "later", "reason": "x"}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["decision"]
    assert NoShowReport.objects.get(pk=disputed.pk).state == "disputed"


def test_dispute_after_the_window_is_409(client_for, report, mentee, frozen_now):
    frozen_now.move_to(report.dispute_deadline, tick=False)
    response = client_for(mentee).post(reverse("api:no-show-report-dispute", args=[report.pk]),
                                       {"statement": "I was there"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "dispute_window_closed")
