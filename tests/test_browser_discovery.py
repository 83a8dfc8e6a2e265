"""A visitor in New York finds a mentor free this week, narrows to Thursday-Friday mornings in their
own zone, and sorts by the earliest free time: at desktop and phone widths (issue 14)."""

from __future__ import annotations

from datetime import time

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from accounts.tests.test_discovery import FRIDAY, THURSDAY, _mentor, _refresh
from tests.journey_support import set_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _names(browser) -> list[str]:
    try:
        return [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#results .mentor-card h3 a")]
    except StaleElementReferenceException:  # htmx swapped the results while we read them
        return []


def _until_names(browser, expected: list[str]) -> None:
    WebDriverWait(browser, 10).until(lambda b: _names(b) == expected, message=f"waiting for {expected}")


def _click(browser, element) -> None:
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_finds_a_mentor_free_on_thursday_morning_their_time(browser, width):
    # Now is Monday 2 November 2026, 06:00 UTC (frozen_now); New York is 6 hours behind Berlin.
    _refresh(
        _mentor("Theo Thursday", days=[THURSDAY], start=time(15), end=time(18)),  # 09:00-12:00 in New York
        _mentor("Mia Morning", days=[THURSDAY], start=time(9), end=time(12)),  # 03:00-06:00 in New York
        _mentor("Mo Monday", days=[0], start=time(15), end=time(17), rating=4.9),
        _mentor("Nia Never", days=[], rating=5.0),
    )
    browser.set_window_size(width, 900)
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
    browser.go("/mentors/")
    WebDriverWait(browser, 10).until(lambda b: b.get_cookie("tz"))
    browser.go("/mentors/")  # now drawn in the visitor's zone
    assert "America/New_York" in browser.find_element(By.CSS_SELECTOR, ".directory-availability legend").text
    assert _names(browser)[-1] == "Nia Never"  # nobody free soon sinks, whatever the rating

    # Free this week: choosing it updates the results in place.
    Select(browser.find_element(By.NAME, "free_within")).select_by_value("7")
    WebDriverWait(browser, 10).until(lambda b: sorted(_names(b)) == ["Mia Morning", "Mo Monday", "Theo Thursday"])
    assert _names(browser)[0] == "Mo Monday"  # the best rated of those free

    # Thursday-Friday, 09:00-12:00 my time.
    for day in (THURSDAY, FRIDAY):
        _click(browser, browser.find_element(By.CSS_SELECTOR, f"input[name=days][value='{day}']"))
    set_value(browser, browser.find_element(By.NAME, "time_from"), "09:00")
    set_value(browser, browser.find_element(By.NAME, "time_to"), "12:00")
    _click(browser, browser.find_element(By.CSS_SELECTOR, ".directory-filters button[type=submit]"))
    _until_names(browser, ["Theo Thursday"])
    card = browser.find_element(By.CSS_SELECTOR, "#results .mentor-card").text
    assert "Thu 5 Nov 2026, 09:00 EST (America/New_York)" in card, card
    assert "days=3" in browser.current_url and "time_from=09" in browser.current_url

    # Back to the whole week, earliest free first.
    browser.go("/mentors/?free_within=7")
    Select(browser.find_element(By.NAME, "sort")).select_by_value("earliest")
    _until_names(browser, ["Mo Monday", "Mia Morning", "Theo Thursday"])
    first = browser.find_element(By.CSS_SELECTOR, "#results .mentor-card").text
    assert "Next free: Mon 2 Nov 2026, 09:00 EST (America/New_York)" in first, first
    assert "sort=earliest" in browser.current_url
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
