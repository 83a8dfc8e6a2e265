"""In a real browser: the mentor edits the week with htmx, a mentee picks a slot in their own zone."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from sessions.models import AvailabilityRule

# serialized_rollback: the seeded languages (a data migration) survive the flush between tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]



def test_mentor_adds_a_window_with_htmx_and_saves_the_week(browser, mentor):
    browser.force_login(mentor)
    browser.go("/availability/")
    browser.find_element(By.CSS_SELECTOR, "button[name=add][value='1']").click()
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.ID, "w1_start_0"))
    assert browser.current_url.endswith("/availability/")  # swapped in place, no navigation
    for field, value in (("w1_start_0", "09:00"), ("w1_end_0", "11:30")):
        # Typing into <input type=time> depends on the browser's locale; set the value directly.
        browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, field), value)
    browser.find_element(By.CSS_SELECTOR, "button[name=save]").click()
    WebDriverWait(browser, 10).until(lambda b: AvailabilityRule.objects.filter(mentor=mentor).exists())
    rule = AvailabilityRule.objects.get(mentor=mentor)
    assert (rule.weekday, f"{rule.start_time:%H:%M}", f"{rule.end_time:%H:%M}") == (1, "09:00", "11:30")


def test_mentee_sees_slots_in_their_zone_and_can_switch_zone(browser, mentor, mentee, weekday_mornings):
    weekday_mornings(mentor, slot_granularity_minutes=60)
    browser.force_login(mentee)
    browser.go(mentor.mentor_profile.get_absolute_url())
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#slot-picker a.slot"))
    zone_note = browser.find_element(By.ID, "slot-zone").text
    assert "America/New_York" in zone_note
    first = browser.find_element(By.CSS_SELECTOR, "#slot-picker a.slot")
    assert "E" in first.text and "(09:00 for Maya Mentor, Europe/Berlin)" in first.text  # EST/EDT, Berlin beside it
    Select(browser.find_element(By.ID, "slot-tz")).select_by_value("Europe/Berlin")
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: "Times in Europe/Berlin." in b.find_element(By.ID, "slot-zone").text)
    first = browser.find_element(By.CSS_SELECTOR, "#slot-picker a.slot")
    assert first.text.startswith("09:00 CE") and "(" not in first.text
    first.click()
    WebDriverWait(browser, 10).until(lambda b: "/book/" in b.current_url)
    assert "duration=30" in browser.current_url and "Z" in browser.current_url
