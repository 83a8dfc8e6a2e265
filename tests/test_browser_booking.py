"""In a real browser: a mentee in New York picks a Berlin mentor's slot, books with a question,
the mentor logs in and confirms, the mentee cancels; each sees the state and times in their zone."""

from __future__ import annotations

import zoneinfo
from datetime import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from sessions.models import Booking
from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy

# serialized_rollback: the seeded languages (a data migration) survive the flush between tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]



def wait_for_status(browser, status):
    WebDriverWait(browser, 10).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, f"h1 [data-status='{status}']"))


def local(value, zone):
    return value.astimezone(zoneinfo.ZoneInfo(zone))


def test_mentee_books_mentor_confirms_mentee_cancels(browser, mentor, mentee):
    open_every_day(mentor, start=time(9, 0), end=time(12, 0))
    set_policy(mentor, requires_approval=True, slot_granularity_minutes=60)

    # The mentee picks the first free slot in the picker on the mentor's page.
    browser.log_in(mentee)
    browser.go(mentor.mentor_profile.get_absolute_url())
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#slot-picker a.slot"))
    assert "America/New_York" in browser.find_element(By.ID, "slot-zone").text
    browser.find_element(By.CSS_SELECTOR, "#slot-picker a.slot").click()
    WebDriverWait(browser, 10).until(lambda b: "/book/" in b.current_url)
    chosen = browser.find_element(By.ID, "slot-local").text
    assert "(America/New_York)" in chosen
    assert "09:00 CE" in browser.find_element(By.ID, "slot-mentor-local").text  # the mentor's 09:00 Berlin

    browser.find_element(By.NAME, "topic").send_keys("Moving into management")
    browser.find_element(By.NAME, "question").send_keys(
        "My manager offered me a team lead role; what should I ask before saying yes?")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    wait_for_status(browser, "requested")
    booking = Booking.objects.get()
    assert booking.mentee == mentee and booking.status == "requested"
    assert local(booking.start, "Europe/Berlin").hour == 9
    ny = local(booking.start, "America/New_York")
    assert f"{ny:%H:%M}" in browser.find_element(By.ID, "session-time").text
    assert "(America/New_York)" in browser.find_element(By.ID, "session-time").text
    assert chosen == browser.find_element(By.ID, "session-time").text

    # The mentor logs in, finds the request in My sessions and confirms it.
    browser.log_in(mentor)
    browser.go("/sessions/")
    browser.find_element(By.CSS_SELECTOR, f"[data-booking='{booking.pk}'] a").click()
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.ID, "confirm-button"))
    assert "09:00 CE" in browser.find_element(By.ID, "session-time").text
    assert "(Europe/Berlin)" in browser.find_element(By.ID, "session-time").text
    browser.find_element(By.ID, "confirm-button").click()
    wait_for_status(browser, "confirmed")
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.call_url

    # The mentee sees it confirmed and cancels with a reason.
    browser.log_in(mentee)
    browser.go(f"/sessions/{booking.pk}/")
    wait_for_status(browser, "confirmed")
    browser.find_element(By.NAME, "reason").send_keys("My manager withdrew the offer")
    browser.find_element(By.ID, "cancel-button").click()
    wait_for_status(browser, "cancelled")
    assert "withdrew the offer" in browser.find_element(By.ID, "cancel-info").text
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == ("cancelled", mentee)

    # And the mentor sees the cancellation, still in Berlin time.
    browser.log_in(mentor)
    browser.go(f"/sessions/{booking.pk}/")
    wait_for_status(browser, "cancelled")
    assert "09:00 CE" in browser.find_element(By.ID, "session-time").text
    assert "withdrew the offer" in browser.find_element(By.ID, "cancel-info").text


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_mentee_at_the_open_request_cap_is_told_why_and_keeps_the_question(browser, mentor, mentee, width, height):
    open_every_day(mentor, start=time(9, 0), end=time(12, 0))
    set_policy(mentor, requires_approval=True, slot_granularity_minutes=60, min_notice_hours=0, horizon_days=60)
    for weeks in (1, 2):
        book(mentee, mentor, local_slot(mentor, days=7 * weeks))
    browser.set_window_size(width, height)
    browser.log_in(mentee)
    start = local_slot(mentor, days=21).strftime("%Y-%m-%dT%H:%M:%SZ")
    browser.go(f"/mentors/{mentor.pk}/book/?start={start}&duration=30")
    browser.find_element(By.NAME, "topic").send_keys("A third request")
    question = "Can I ask a third question while two are unanswered?"
    browser.find_element(By.NAME, "question").send_keys(question)
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    alert = WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "booking-error"))
    assert "2 unanswered requests" in alert.text and alert.is_displayed()
    assert browser.find_element(By.NAME, "question").get_attribute("value") == question
    assert Booking.objects.filter(mentee=mentee).count() == 2
