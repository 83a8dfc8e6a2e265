"""In a real browser: a mentee rates a completed session, a stranger reports the review, a
moderator removes it, and the mentor's smoothed average on the public page changes accordingly."""

from __future__ import annotations

import pytest
from django.core import mail
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from ratings import services
from ratings.models import Rating
from ratings.tests.conftest import completed_booking_for
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import MenteeFactory

# serialized_rollback: the Moderators group and its permissions (data migrations) survive the flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]



def wait_for_text(browser, text: str) -> None:
    # The page is being replaced after a submit: an element found a moment ago can go stale.
    WebDriverWait(browser, 10, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda b: text in b.find_element(By.ID, "main").text)


def open_details(browser, details) -> None:
    # The booking panel above loads by htmx and can shift the page under a click: retry until open.
    def opened(_):
        if not details.get_attribute("open"):
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", details)
            details.find_element(By.TAG_NAME, "summary").click()
        return bool(details.get_attribute("open"))

    WebDriverWait(browser, 10, ignored_exceptions=[StaleElementReferenceException]).until(opened)


def summary(browser) -> tuple[str, str]:
    return (browser.find_element(By.CSS_SELECTOR, "[data-testid=rating-average]").text,
            browser.find_element(By.CSS_SELECTOR, "[data-testid=rating-count]").text)


def test_rate_report_remove_changes_the_public_average(browser, mentor, mentee, stranger, moderator):
    # An earlier happy mentee: one published 5-star review (people read 5.0; ranking uses the smoothed 4.2).
    earlier = MenteeFactory(name="Early Bird")
    services.rating_create(booking_id=completed_booking_for(mentor=mentor, mentee=earlier, days_ago=9).pk,
                           rater=earlier, stars=5, comment="Excellent")
    booking = completed_booking_for(mentor=mentor, mentee=mentee, days_ago=1)
    mentor_page = mentor.mentor_profile.get_absolute_url()

    # The mentee rates the session: 1 star with an abusive-but-unflagged comment.
    browser.log_in(mentee)
    browser.go(f"/sessions/{booking.pk}/rate/")
    browser.find_element(By.CSS_SELECTOR, "input[name=stars][value='1']").click()
    browser.find_element(By.NAME, "comment").send_keys("Worst hour of my life, total waste")
    browser.find_element(By.CSS_SELECTOR, "input[name=expectation][value='below']").click()
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_text(browser, "Thank you")
    review = Rating.objects.get(booking=booking)
    assert review.state == "published"

    browser.go(mentor_page)
    assert summary(browser) == ("3.0", "2")  # the plain mean people read: (5 + 1) / 2

    # A stranger reports it from the mentor's page.
    browser.log_in(stranger)
    browser.go(mentor_page)
    card = browser.find_element(By.ID, f"review-{review.pk}")
    open_details(browser, card.find_element(By.CSS_SELECTOR, "details.report"))
    Select(card.find_element(By.NAME, "reason")).select_by_value("abusive")
    card.find_element(By.NAME, "note").send_keys("Insulting, says nothing about the session")
    card.find_element(By.CSS_SELECTOR, "details.report button[type=submit]").click()
    wait_for_text(browser, "a moderator will look")
    assert "You reported this review" in browser.find_element(By.ID, f"review-{review.pk}").text

    # A moderator finds it among the reported reviews and removes it with a reason.
    browser.log_in(moderator)
    browser.go("/moderation/?reported=1")
    row = browser.find_element(By.ID, f"queue-{review.pk}")
    assert "Insulting, says nothing about the session" in row.text
    row.find_element(By.NAME, "ids").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("remove")
    browser.find_element(By.NAME, "reason").send_keys("Abusive and not about the session")
    browser.find_element(By.CSS_SELECTOR, "#decide-form button[type=submit]").click()
    wait_for_text(browser, "1 review(s) removed")

    # Anyone now sees the average without the removed review, and the author was told why.
    browser.delete_all_cookies()
    browser.go(mentor_page)
    assert summary(browser) == ("5.0", "1")
    assert "Worst hour" not in browser.find_element(By.ID, "reviews").text
    assert "Excellent" in browser.find_element(By.ID, "reviews").text
    notifications_dispatch_due()  # the removal mail is an outbox row; the dispatcher sends it
    [email] = [m for m in mail.outbox if m.to == [mentee.email]]
    assert "Abusive and not about the session" in email.body
