"""A visitor who is not signed in sees times in their browser's zone, named, from the first page.

The browser's zone is emulated through Chrome DevTools, as a person in New York would have it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from sessions.tests.test_bookings_support import open_every_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_in_new_york_sees_new_york_times(browser, mentor, width):
    with time_machine.travel(datetime(2027, 2, 10, 6, 0, tzinfo=UTC), tick=True):
        open_every_day(mentor, start=time(15, 0), end=time(17, 0))  # Berlin: 09:00-11:00 in New York
        browser.set_window_size(width, 900)
        browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
        browser.go(mentor.mentor_profile.get_absolute_url())
        WebDriverWait(browser, 10).until(
            lambda b: "America/New_York" in b.find_element(By.CSS_SELECTOR, ".site-footer").text)
        WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#slot-picker a.slot"))
        assert "America/New_York" in browser.find_element(By.ID, "slot-zone").text
        first = browser.find_element(By.CSS_SELECTOR, "#slot-picker a.slot").text
        assert "09:00" in first, first  # 15:00 Berlin is 09:00 in New York in February
        assert browser.get_cookie("tz")["value"] == "America/New_York"
        # And the next page is drawn in New York time straight away.
        browser.go("/mentors/")
        assert "America/New_York" in browser.find_element(By.CSS_SELECTOR, ".site-footer").text
