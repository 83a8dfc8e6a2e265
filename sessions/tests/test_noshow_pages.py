"""No-show reports on the session page and the moderators' page, and that the page and the API agree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions.models import Booking, NoShowReport, ReliabilityRecord
from sessions.services.noshow import noshow_report_create, noshow_report_dispute
from sessions.tests.noshow_support import REASON, ended_booking
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _page(client, booking) -> tuple[int, str]:
    response = client.get(reverse("booking:detail", args=[booking.pk]))
    return response.status_code, response.content.decode()


@pytest.fixture
def booking(mentor, mentee):
    return ended_booking(mentor, mentee)


# --- the session page -----------------------------------------------------------------------------

def test_report_form_shows_from_the_end_until_48_hours_after(client_for, mentor, mentee, frozen_now):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=timezone.now() + timedelta(hours=1))
    client = client_for(mentee)
    assert 'id="noshow-report"' not in _page(client, booking)[1]
    frozen_now.move_to(booking.end, tick=False)
    html = _page(client, booking)[1]
    assert "Report a no-show" in html and 'id="noshow-report-form"' in html
    assert 'id="noshow-report"' in _page(client_for(mentor), booking)[1]
    frozen_now.move_to(booking.end + timedelta(hours=48), tick=False)
    assert 'id="noshow-report"' in _page(client, booking)[1]
    frozen_now.move_to(booking.end + timedelta(hours=48, seconds=1), tick=False)
    assert 'id="noshow-report"' not in _page(client, booking)[1]


def test_mentor_reports_on_the_page_and_the_mentee_sees_it_can_dispute_and_still_rate(client_for, booking, mentor,
                                                                                     mentee):
    response = client_for(mentor).post(reverse("booking:noshow_report", args=[booking.pk]), {"reason": REASON})
    assert response.status_code == 302
    report = NoShowReport.objects.get()
    assert (report.reporter, report.reported, report.reason) == (mentor, mentee, REASON)
    html = _page(client_for(mentor), booking)[1]
    assert 'id="noshow-mine"' in html and "Open:" in html and 'id="noshow-report-form"' not in html

    mentee_client = client_for(mentee)
    status, html = _page(mentee_client, booking)
    assert status == 200
    assert 'id="noshow-about-me"' in html and REASON in html and 'id="noshow-dispute-form"' in html
    # Reported, and still: the rating link, the rating page, and a report of their own.
    assert reverse("ratings:rate", args=[booking.pk]) in html
    assert 'id="noshow-report-form"' in html
    rated = mentee_client.post(reverse("ratings:rate", args=[booking.pk]),
                               {"stars": "2", "comment": "Mentor left early.", "expectation": "below"})
    assert rated.status_code == 302, rated.content.decode()[:2000]
    assert booking.ratings.filter(rater=mentee).exists()

    disputed = mentee_client.post(reverse("booking:noshow_dispute", args=[booking.pk, report.pk]),
                                  {"statement": "I joined at the start and waited."})
    assert disputed.status_code == 302
    html = _page(mentee_client, booking)[1]
    assert "You disputed it" in html and 'id="noshow-dispute-form"' not in html
    assert "Disputed by" in _page(client_for(mentor), booking)[1]


def test_bad_input_re_renders_the_forms_with_errors(client_for, booking, mentor, mentee):
    response = client_for(mentee).post(reverse("booking:noshow_report", args=[booking.pk]), {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say briefly what happened" in html and 'id="noshow-report-form"' in html
    response = client_for(mentee).post(reverse("booking:noshow_report", args=[booking.pk]), {"reason": "x" * 1001})
    assert response.status_code == 400 and "at most 1000 characters" in response.content.decode()
    assert not NoShowReport.objects.exists()

    report = noshow_report_create(booking=booking, reporter=mentor, reason=REASON)
    response = client_for(mentee).post(reverse("booking:noshow_dispute", args=[booking.pk, report.pk]),
                                       {"statement": ""})
    assert response.status_code == 400
    assert "Say what happened from your side" in response.content.decode()
    assert NoShowReport.objects.get(pk=report.pk).state == "open"


def test_a_closed_window_is_said_on_the_page_with_its_status(client_for, booking, mentor, mentee, frozen_now):
    report = noshow_report_create(booking=booking, reporter=mentor, reason=REASON)
    frozen_now.move_to(report.dispute_deadline, tick=False)
    html = _page(client_for(mentee), booking)[1]
    assert 'id="noshow-dispute-form"' not in html and "The time to dispute it has passed" in html
    response = client_for(mentee).post(reverse("booking:noshow_dispute", args=[booking.pk, report.pk]),
                                       {"statement": "I was there"})
    assert response.status_code == 409
    assert "the time for this one has passed" in response.content.decode()


def test_strangers_get_404_and_the_other_side_cannot_withdraw(client_for, booking, mentor, mentee, stranger):
    report = noshow_report_create(booking=booking, reporter=mentor, reason=REASON)
    client = client_for(stranger)
    for url, body in ((reverse("booking:detail", args=[booking.pk]), None),
                      (reverse("booking:noshow_report", args=[booking.pk]), {"reason": REASON}),
                      (reverse("booking:noshow_dispute", args=[booking.pk, report.pk]), {"statement": "x"}),
                      (reverse("booking:noshow_withdraw", args=[booking.pk, report.pk]), {})):
        response = client.get(url) if body is None else client.post(url, body)
        assert response.status_code == 404, url
    # A report id under another session is not found either.
    other = ended_booking(mentor, stranger)
    assert client.post(reverse("booking:noshow_withdraw", args=[other.pk, report.pk])).status_code == 404
    response = client_for(mentee).post(reverse("booking:noshow_withdraw", args=[booking.pk, report.pk]))
    assert response.status_code == 403
    assert client_for(mentor).post(reverse("booking:noshow_withdraw", args=[booking.pk, report.pk])).status_code == 302
    assert NoShowReport.objects.get(pk=report.pk).state == "withdrawn"


# --- the moderators' page -------------------------------------------------------------------------

@pytest.fixture
def disputed(booking, mentor, mentee):
    report = noshow_report_create(booking=booking, reporter=mentor, reason=REASON)
    return noshow_report_dispute(report=report, actor=mentee, statement="I joined at the start and waited.")


def test_disputes_page_is_for_moderators_and_staff(client, client_for, disputed, mentor, mentee, stranger, moderator,
                                                   staff):
    url = reverse("booking:noshow_disputes")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (stranger, mentor, mentee):
        assert client_for(user).get(url).status_code == 403
    for user in (moderator, staff):
        response = client_for(user).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'id="dispute-{disputed.pk}"' in html
        assert REASON in html and "I joined at the start and waited." in html
        assert mentee.display_name in html and mentee.email not in html and mentor.email not in html
    # Linked from the review moderation queue.
    assert url in client_for(moderator).get(reverse("ratings:moderation_queue")).content.decode()


def test_moderator_decides_on_the_page_and_errors_re_render(client_for, disputed, moderator, mentee, stranger):
    client = client_for(moderator)
    url = reverse("booking:noshow_decide", args=[disputed.pk])
    response = client.post(url, {"reason": "No decision chosen"})
    assert response.status_code == 400 and "Choose uphold or dismiss." in response.content.decode()
    response = client.post(url, {"decision": "uphold", "reason": ""})
    assert response.status_code == 400 and "Give the reason both participants will read." in response.content.decode()
    assert client_for(stranger).post(url, {"decision": "uphold", "reason": "x"}).status_code == 403
    assert NoShowReport.objects.get(pk=disputed.pk).state == "disputed"

    response = client.post(url, {"decision": "uphold", "reason": "Call log: nobody joined."})
    assert response.status_code == 302
    assert NoShowReport.objects.get(pk=disputed.pk).state == "upheld"
    assert ReliabilityRecord.objects.get(user=mentee).no_shows == 1
    html = client.get(reverse("booking:noshow_disputes")).content.decode()
    assert f'id="dispute-{disputed.pk}"' not in html and "No disputes are waiting" in html
    response = client.post(url, {"decision": "dismiss", "reason": "Again"})
    assert response.status_code == 409 and "only disputed reports" in response.content.decode()


# --- page and API agree ---------------------------------------------------------------------------

def test_page_and_api_report_the_same_way_and_refuse_with_the_same_words(client_for, mentor, mentee):
    by_page, by_api = ended_booking(mentor, mentee), ended_booking(mentor, mentee, hours_ago=3)
    client = client_for(mentor)

    page = client.post(reverse("booking:noshow_report", args=[by_page.pk]), {"reason": ""})
    api = client.post(reverse("api:booking-no-show", args=[by_api.pk]), {"reason": ""}, format="json")
    [api_message] = api.json()["errors"]["reason"]
    assert (page.status_code, api.status_code) == (400, 400)
    assert api_message in page.content.decode()

    client.post(reverse("booking:noshow_report", args=[by_page.pk]), {"reason": REASON})
    client.post(reverse("api:booking-no-show", args=[by_api.pk]), {"reason": REASON}, format="json")
    shapes = []
    for booking in (by_page, by_api):
        [report] = client.get(reverse("api:booking-no-show-reports", args=[booking.pk])).json()
        shapes.append((report["state"], report["reporter"], report["reported"], report["reason"]))
        assert Booking.objects.get(pk=booking.pk).status == "completed"
    assert shapes[0] == shapes[1]

    # A second report: 409 already_reported on both, with the same message.
    page = client.post(reverse("booking:noshow_report", args=[by_page.pk]), {"reason": REASON})
    api = client.post(reverse("api:booking-no-show", args=[by_api.pk]), {"reason": REASON}, format="json")
    assert (page.status_code, api.status_code, api.json()["code"]) == (409, 409, "already_reported")
    assert api.json()["detail"] in page.content.decode()


# --- lists keep their query count; the admin reads -----------------------------------------------

def _disputes(count: int, mentor) -> list[NoShowReport]:
    from tests.factories import MenteeFactory

    out = []
    for _ in range(count):
        other = MenteeFactory()
        booking = ended_booking(mentor, other)
        report = noshow_report_create(booking=booking, reporter=mentor, reason=REASON)
        out.append(noshow_report_dispute(report=report, actor=other, statement="I was there."))
    return out


def test_the_disputes_page_and_endpoint_have_fixed_query_counts(client_for, moderator, mentor,
                                                                django_assert_num_queries):
    _disputes(1, mentor)
    client = client_for(moderator)
    page_url, api_url = reverse("booking:noshow_disputes"), reverse("api:no-show-disputes")
    client.get(page_url), client.get(api_url)  # warm: session, permissions and content types load once
    with CaptureQueriesContext(connection) as page_one:
        client.get(page_url)
    with CaptureQueriesContext(connection) as api_one:
        client.get(api_url)
    _disputes(3, mentor)
    with django_assert_num_queries(len(page_one.captured_queries)):
        assert client.get(page_url).content.decode().count('class="card" id="dispute-') == 4
    with django_assert_num_queries(len(api_one.captured_queries)):
        assert client.get(api_url).json()["count"] == 4


def test_admin_lists_and_shows_reports_but_changes_nothing(client_for, staff, booking, mentor):
    report = noshow_report_create(booking=booking, reporter=mentor, reason=REASON)
    client = client_for(staff)
    html = client.get(reverse("admin:booking_noshowreport_changelist"), {"state__exact": "open"}).content.decode()
    assert f"/admin/booking/noshowreport/{report.pk}/change/" in html
    response = client.get(reverse("admin:booking_noshowreport_change", args=[report.pk]))
    assert response.status_code == 200 and REASON in response.content.decode()
    assert client.post(reverse("admin:booking_noshowreport_change", args=[report.pk]),
                       {"state": "dismissed"}).status_code == 403
    assert client.get(reverse("admin:booking_noshowreport_add")).status_code == 403
    assert client.get(reverse("admin:booking_noshowreport_delete", args=[report.pk])).status_code == 403
    assert NoShowReport.objects.get(pk=report.pk).state == "open"
