"""Who can hide a review by reporting it.

Every report reaches the moderators, but only reports from accounts with a verified email
address, at least RATINGS_REPORTER_MIN_AGE_DAYS old, that are not the reviewed mentor and whom no
moderator ignores count toward RATINGS_REPORT_HIDE_THRESHOLD. Moderators see who reported, can
ignore a reporter (audited) and restore the review; the page and the API agree.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from ratings import services
from ratings.errors import RatingError
from ratings.models import IgnoredReporter, ModerationDecision, RatingReport
from ratings.tests.conftest import completed_booking_for, established_user
from tests.factories import MenteeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _report(review, reporter, reason="abusive"):
    return services.report_create(rating_id=review.pk, reporter=reporter, reason=reason)


def _state(review) -> str:
    review.refresh_from_db()
    return review.state


def test_three_established_verified_reporters_still_hide_a_review(review):
    for _ in range(3):
        _report(review, established_user())
    assert _state(review) == "hidden"


def test_the_reviewed_mentors_report_reaches_the_queue_but_does_not_count(review, mentor, client_for, moderator):
    _report(review, established_user())
    _report(review, established_user())
    report = _report(review, mentor)

    assert _state(review) == "published"
    assert report.not_counted == RatingReport.NotCounted.REVIEWED_MENTOR
    review.refresh_from_db()
    assert review.open_reports == 3
    [item] = client_for(moderator).get(reverse("api:rating-moderation-queue"), {"reported": "1"}).json()["results"]
    mine = [r for r in item["reports"] if r["reporter"] == "Maya Mentor"]
    assert mine and mine[0]["counts"] is False and mine[0]["not_counted_because"] == "reviewed_mentor"


def test_sock_puppets_made_a_second_earlier_cannot_hide_a_review(review, frozen_now):
    puppets = [UserFactory(date_joined=timezone.now() - timedelta(seconds=1)) for _ in range(5)]
    for puppet in puppets:
        _report(review, puppet)
    assert _state(review) == "published"
    assert set(RatingReport.objects.values_list("not_counted", flat=True)) == {"new_account"}

    # Aging later does not turn their reports into votes: the age is the one they had when reporting.
    frozen_now.shift(timedelta(days=30))
    _report(review, established_user())
    assert _state(review) == "published"


def test_reports_from_unverified_accounts_do_not_count(review):
    for _ in range(3):
        user = established_user()
        EmailAddress.objects.filter(user=user).update(verified=False)
        _report(review, user)
    assert _state(review) == "published"
    assert set(RatingReport.objects.values_list("not_counted", flat=True)) == {"unverified"}


def test_minimum_account_age_comes_from_settings_and_counts_from_that_age_on(review, settings):
    settings.RATINGS_REPORTER_MIN_AGE_DAYS = 2
    settings.RATINGS_REPORT_HIDE_THRESHOLD = 1
    now = timezone.now()
    young = UserFactory(date_joined=now - timedelta(days=2) + timedelta(minutes=1))
    assert services.report_not_counted_because(rating=review, reporter=young, now=now) == "new_account"
    just_old_enough = UserFactory(date_joined=now - timedelta(days=2))
    assert services.report_not_counted_because(rating=review, reporter=just_old_enough, now=now) == ""

    _report(review, young)
    assert _state(review) == "published"
    _report(review, UserFactory(date_joined=now - timedelta(days=3)))
    assert _state(review) == "hidden"


@pytest.mark.parametrize(("value", "ok"), [("14", True), ("two", False)])
def test_reporter_min_age_is_read_from_the_environment(value, ok):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings", "RATINGS_REPORTER_MIN_AGE_DAYS": value}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.RATINGS_REPORTER_MIN_AGE_DAYS)"],
        cwd=root, env=env, capture_output=True, text=True, timeout=60)
    if ok:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "14"
    else:
        assert result.returncode != 0 and "RATINGS_REPORTER_MIN_AGE_DAYS" in result.stderr


def test_default_minimum_age_is_seven_days(settings):
    from mentorship import settings as project_settings

    if "RATINGS_REPORTER_MIN_AGE_DAYS" not in os.environ:
        assert project_settings.RATINGS_REPORTER_MIN_AGE_DAYS == 7


# --- Ignoring a reporter ------------------------------------------------------------------------------


def test_ignored_reporters_open_and_future_reports_stop_counting(review, mentor, moderator):
    grudge = established_user(name="Gina Grudge")
    first = _report(review, grudge)
    _report(review, established_user())
    services.reporter_ignore(report_id=first.pk, moderator=moderator, reason="Reports every review of this mentor")

    _report(review, established_user())  # would be the third counting report
    assert _state(review) == "published"

    # Their reports on other reviews do not count either.
    other_mentee = MenteeFactory()
    other = services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=other_mentee).pk,
                                   rater=other_mentee, stars=3)
    _report(other, grudge)
    _report(other, established_user())
    _report(other, established_user())
    assert _state(other) == "published"
    _report(other, established_user())
    assert _state(other) == "hidden"


def test_ignoring_a_reporter_is_in_the_audit_log_with_who_whom_and_why(review, moderator):
    grudge = established_user(name="Gina Grudge")
    report = _report(review, grudge)
    decision = services.reporter_ignore(report_id=report.pk, moderator=moderator, reason="Grudge against mentor")

    stored = ModerationDecision.objects.get(pk=decision.pk)
    assert (stored.action, stored.moderator, stored.reporter, stored.reason, stored.rating_id) == (
        "ignore_reporter", moderator, grudge, "Grudge against mentor", review.pk)
    assert stored.from_state == stored.to_state == "published"
    assert IgnoredReporter.objects.get(reporter=grudge).moderator == moderator


def test_restoring_a_review_with_its_reporters_ignored_stays_restored(review, moderator):
    reports = [_report(review, established_user()) for _ in range(3)]
    assert _state(review) == "hidden"
    for report in reports:
        services.reporter_ignore(report_id=report.pk, moderator=moderator, reason="Vote ring")
    services.moderate(ratings=[review.pk], moderator=moderator, action="restore", reason="Reports were a vote ring")
    assert _state(review) == "published"

    # The same people cannot report it again, and two fresh honest reports stay below the threshold.
    with pytest.raises(RatingError) as err:
        _report(review, reports[0].reporter)
    assert err.value.status == 409
    _report(review, established_user())
    _report(review, established_user())
    assert _state(review) == "published"


@pytest.mark.parametrize(("who", "report_id", "reason", "status"), [
    ("stranger", None, "x", 403),
    ("moderator", 987654, "x", 404),
    ("moderator", None, "  ", 400),
    ("moderator", None, "x" * 501, 400),
])
def test_ignoring_a_reporter_refuses_bad_requests(review, request, who, report_id, reason, status):
    report = _report(review, established_user())
    with pytest.raises(RatingError) as err:
        services.reporter_ignore(report_id=report_id or report.pk, moderator=request.getfixturevalue(who),
                                 reason=reason)
    assert err.value.status == status
    assert not IgnoredReporter.objects.exists() and not ModerationDecision.objects.exists()


def test_ignoring_the_same_reporter_twice_is_409(review, moderator):
    report = _report(review, established_user())
    services.reporter_ignore(report_id=report.pk, moderator=moderator, reason="x")
    with pytest.raises(RatingError) as err:
        services.reporter_ignore(report_id=report.pk, moderator=moderator, reason="again")
    assert err.value.status == 409
    assert ModerationDecision.objects.count() == 1


# --- Page and API agree ------------------------------------------------------------------------------


@pytest.fixture
def reported_review(review, mentor):
    """Hidden by three counting reports, plus the mentor's own and a new account's (5 reporters)."""
    _report(review, mentor, reason="spam")
    _report(review, UserFactory(name="Pete Puppet"), reason="spam")
    for name in ("Ann Able", "Ben Bold", "Cat Cole"):
        _report(review, established_user(name=name))
    assert _state(review) == "hidden"
    return review


def _page_reports(client, review) -> dict[str, str]:
    """reporter -> 'counts' or the reason it does not, as the queue page shows them."""
    import html
    import re

    page = client.get(reverse("ratings:moderation_queue")).content.decode()
    row = page.split(f'id="queue-{review.pk}"')[1].split("</tr>")[0]
    lines = re.findall(r'class="small report-line" data-report-id="(\d+)">Report by <span class="reporter">'
                       r'([^<]+)</span>(.*?)</p>', row, re.S)
    result = {}
    for _, name, rest in lines:
        match = re.search(r"does not count: ([^)<]+)", rest)
        result[html.unescape(name)] = html.unescape(match.group(1).strip()) if match else "counts"
    return result


def _api_reports(client, review) -> dict[str, str]:
    items = client.get(reverse("api:rating-moderation-queue")).json()["results"]
    [item] = [i for i in items if i["id"] == review.pk]
    labels = {"": "counts", "reviewed_mentor": "the reviewed mentor's own report",
              "unverified": "no verified email address", "new_account": "account too new, under 7 days",
              "reporter_ignored": "reporter ignored"}
    assert all(r["counts"] == (r["not_counted_because"] == "") for r in item["reports"])
    return {r["reporter"]: labels[r["not_counted_because"]] for r in item["reports"]}


def test_queue_page_and_api_show_the_same_reporters(client_for, moderator, reported_review):
    client = client_for(moderator)
    page, api = _page_reports(client, reported_review), _api_reports(client, reported_review)
    assert page == api == {
        "Maya Mentor": "the reviewed mentor's own report", "Pete Puppet": "account too new, under 7 days",
        "Ann Able": "counts", "Ben Bold": "counts", "Cat Cole": "counts",
    }


@pytest.mark.parametrize("via", ["page", "api"])
def test_moderator_ignores_a_reporter_and_restores_on_the_page_or_through_the_api(client_for, moderator,
                                                                                 reported_review, via):
    client = client_for(moderator)
    ann = RatingReport.objects.get(reporter__name="Ann Able")
    if via == "page":
        url = reverse("ratings:ignore_reporter", args=[ann.pk])
        form = client.get(url).content.decode()
        assert "Ann Able" in form and "Ignore this reporter" in form
        response = client.post(url, {"reason": "Grudge", "next": reverse("ratings:moderation_queue")})
        assert response.status_code == 302 and response["Location"] == reverse("ratings:moderation_queue")
        response = client.post(reverse("ratings:moderation_queue"),
                               {"ids": [reported_review.pk], "action": "restore", "reason": "Unfounded"})
        assert response.status_code == 302
    else:
        response = client.post(reverse("api:rating-moderation-ignore-reporter", args=[ann.pk]),
                               {"reason": "Grudge"}, format="json")
        assert response.status_code == 201
        assert (response.json()["action"], response.json()["reporter"]) == ("ignore_reporter", "Ann Able")
        response = client.post(reverse("api:rating-moderation-decide"),
                               {"ids": [reported_review.pk], "action": "restore", "reason": "Unfounded"},
                               format="json")
        assert response.status_code == 200

    # Either way: the same audit trail and the same state.
    assert _state(reported_review) == "published"
    assert list(ModerationDecision.objects.order_by("at", "id").values_list("action", "reporter__name", "reason")) == [
        ("hide", None, "Hidden automatically after 3 reports, until a moderator decides."),
        ("ignore_reporter", "Ann Able", "Grudge"),
        ("restore", None, "Unfounded"),
    ]
    audit_page = client.get(reverse("ratings:moderation_audit")).content.decode()
    audit_api = client.get(reverse("api:rating-moderation-audit")).json()["results"]
    assert "Ignore reporter: Ann Able" in audit_page
    assert [(a["action"], a["reporter"]) for a in audit_api][1] == ("ignore_reporter", "Ann Able")


def test_ignore_page_refuses_an_empty_reason_and_a_second_ignore(client_for, moderator, reported_review):
    client = client_for(moderator)
    ann = RatingReport.objects.get(reporter__name="Ann Able")
    url = reverse("ratings:ignore_reporter", args=[ann.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Grudge"}).status_code == 302
    again = client.post(url, {"reason": "Grudge"})
    assert again.status_code == 409 and "already ignored" in again.content.decode()
    assert client.get(reverse("ratings:ignore_reporter", args=[987654])).status_code == 404
    api = client.post(reverse("api:rating-moderation-ignore-reporter", args=[ann.pk]), {"reason": "x"},
                      format="json")
    assert api.status_code == 409 and api.json()["code"] == "already_ignored"
    # The queue no longer offers to ignore her, and says why her report does not count.
    assert _page_reports(client, reported_review)["Ann Able"] == "reporter ignored"
