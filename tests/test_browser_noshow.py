"""In a real browser, at desktop and phone widths: a mentor reports a no-show on the session page,
the mentee (who can still rate) disputes it there, and a moderator finds the dispute from the
review moderation queue and upholds (desktop) or dismisses (phone) it. Fails on console errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from sessions.models import Booking, NoShowReport, ReliabilityRecord
from sessions.services.lifecycle import sessions_complete_due
from tests.factories import BookingFactory
from tests.journey_support import DESKTOP, PHONE, click_and_wait_for_page, fill, log_in, submit_and_drain

# serialized_rollback: the Moderators group and its permissions (data migrations) survive the flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _main(driver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_mentor_reports_mentee_disputes_moderator_decides(page, mentor, mentee, moderator):
    upholds = page.get_window_size()["width"] > PHONE[0] + 100
    start = timezone.now() - timedelta(hours=2)
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=start)
    sessions_complete_due(now=timezone.now(), grace=15)
    session = f"/sessions/{booking.pk}/"

    # The mentor reports the mentee; an empty reason comes back with its error first.
    log_in(page, page.url, mentor.email, PASSWORD)
    page.go(session)
    form = page.find_element(By.ID, "noshow-report-form")
    page.execute_script("arguments[0].noValidate = true", form)
    submit_and_drain(page, form)
    assert "Say briefly what happened" in _main(page)
    # That 400 is the page answering bad input as designed; any other console error still fails.
    expected = f"/sessions/{booking.pk}/no-show/ - Failed to load resource: the server responded with a status of 400"
    page.console.entries = [e for e in page.console.drain() if expected not in e["message"]]
    fill(page, "reason", "I waited 20 minutes in the call and wrote in the chat; nobody came.",
         scope=page.find_element(By.ID, "noshow-report-form"))
    submit_and_drain(page, page.find_element(By.ID, "noshow-report-form"))
    assert "Your no-show report" in page.find_element(By.ID, "noshow-mine").text
    assert Booking.objects.get(pk=booking.pk).status == "completed"

    # The mentee is still invited to rate, sees the report, and disputes it on the page.
    log_in(page, page.url, mentee.email, PASSWORD)
    page.go(session)
    assert page.find_elements(By.CSS_SELECTOR, f"#rate a[href='/sessions/{booking.pk}/rate/']")
    about = page.find_element(By.ID, "noshow-about-me")
    assert "nobody came" in about.text
    fill(page, "statement", "I joined at the start; the mentor's link opened an empty room.",
         scope=page.find_element(By.ID, "noshow-dispute-form"))
    submit_and_drain(page, page.find_element(By.ID, "noshow-dispute-form"))
    assert "You disputed it" in page.find_element(By.ID, "noshow-about-me").text

    # A moderator goes from the review queue to the disputes and decides.
    log_in(page, page.url, moderator.email, PASSWORD)
    page.go("/moderation/")
    click_and_wait_for_page(page, page.find_element(By.ID, "noshow-disputes-link"))
    report = NoShowReport.objects.get()
    card = page.find_element(By.ID, f"dispute-{report.pk}")
    assert "empty room" in card.text and mentee.email not in card.text
    choice = card.find_element(By.CSS_SELECTOR, f"input[name=decision][value={'uphold' if upholds else 'dismiss'}]")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", choice)
    choice.click()
    fill(page, "reason", "The call log shows who joined.", scope=card)
    submit_and_drain(page, card.find_element(By.TAG_NAME, "form"))
    assert "No disputes are waiting" in _main(page)

    # The mentee sees the outcome on the session page; only an upheld report counts.
    log_in(page, page.url, mentee.email, PASSWORD)
    page.go(session)
    state = page.find_element(By.ID, "noshow-about-me-state").text
    record = ReliabilityRecord.objects.get(user=mentee)
    if upholds:
        assert "Upheld" in state and record.no_shows == 1
        assert Booking.objects.get(pk=booking.pk).status == "no_show"
    else:
        assert "Dismissed" in state and record.no_shows == 0
        assert Booking.objects.get(pk=booking.pk).status == "completed"

    errors = page.console.severe()
    assert not errors, "console errors:\n" + "\n".join(errors)
