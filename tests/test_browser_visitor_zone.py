"""A visitor who is not signed in sees times in their browser's zone, named, from the first page.

The browser's zone is emulated through Chrome DevTools, as a person in New York would have it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
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


@pytest.mark.parametrize("width", [1280, 390])
def test_a_browser_that_reports_an_alias_zone_gets_the_canonical_zone(browser, mentor, width):
    """Chrome says "Asia/Calcutta" for India; the lists offer only Asia/Kolkata (issue 9)."""
    from tests.factories import MenteeFactory

    with time_machine.travel(datetime(2027, 2, 10, 6, 0, tzinfo=UTC), tick=True):
        open_every_day(mentor, start=time(15, 0), end=time(17, 0))  # Berlin: 19:30-21:30 in Kolkata
        browser.set_window_size(width, 900)
        browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Calcutta"})
        assert browser.execute_script("return Intl.DateTimeFormat().resolvedOptions().timeZone") != "Asia/Kolkata"

        # A visitor: the cookie path. Times in Kolkata time, the zone named and preselected canonically.
        browser.go(mentor.mentor_profile.get_absolute_url())
        WebDriverWait(browser, 10).until(
            lambda b: "Asia/Kolkata" in b.find_element(By.CSS_SELECTOR, ".site-footer").text)
        WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#slot-picker a.slot"))
        assert Select(browser.find_element(By.ID, "slot-tz")).first_selected_option.get_attribute("value") == "Asia/Kolkata"
        first = browser.find_element(By.CSS_SELECTOR, "#slot-picker a.slot").text
        assert "19:30" in first, first  # 15:00 Berlin (UTC+1) is 19:30 in Kolkata (UTC+5:30)
        browser.go("/mentors/")
        assert "Asia/Kolkata" in browser.find_element(By.CSS_SELECTOR, ".site-footer").text

        # Signing up: the zone list preselects the canonical zone.
        browser.delete_all_cookies()
        browser.go("/accounts/signup/")
        zone = Select(browser.find_element(By.NAME, "timezone"))
        WebDriverWait(browser, 10).until(lambda b: zone.first_selected_option.get_attribute("value") == "Asia/Kolkata")

        # A signed-in person who never chose a zone: /me/ preselects it too.
        person = MenteeFactory(email="new.in.india@example.com", timezone="UTC")
        browser.force_login(person)
        browser.go("/me/")
        zone = Select(browser.find_element(By.NAME, "timezone"))
        WebDriverWait(browser, 10).until(lambda b: zone.first_selected_option.get_attribute("value") == "Asia/Kolkata")
