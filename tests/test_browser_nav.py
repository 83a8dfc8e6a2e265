"""The main navigation on a phone folds behind a Menu button; on a desktop every link shows."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _visible_links(browser) -> list[str]:
    return [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#nav-links a") if a.is_displayed()]


def test_on_a_phone_the_menu_button_opens_and_closes_the_links(browser, mentee, tmp_path):
    browser.set_window_size(390, 844)
    browser.force_login(mentee)
    browser.go("/mentors/")
    toggle = browser.find_element(By.CSS_SELECTOR, ".nav-toggle")
    assert toggle.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
    assert _visible_links(browser) == []
    header_height = browser.find_element(By.CSS_SELECTOR, ".site-header").size["height"]
    assert header_height < 80  # one line, not three
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert {"Find a mentor", "My sessions", "My account"} <= set(_visible_links(browser))
    browser.save_screenshot(str(tmp_path / "phone-menu.png"))
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    assert toggle.get_attribute("aria-expanded") == "false" and _visible_links(browser) == []
    # Keyboard: the button is reachable and works with Enter.
    toggle.send_keys(Keys.ENTER)
    assert toggle.get_attribute("aria-expanded") == "true"


def test_on_a_desktop_every_link_shows_and_there_is_no_menu_button(browser, mentee):
    browser.set_window_size(1280, 900)
    browser.force_login(mentee)
    browser.go("/mentors/")
    assert not browser.find_element(By.CSS_SELECTOR, ".nav-toggle").is_displayed()
    assert {"Find a mentor", "My sessions", "My account"} <= set(_visible_links(browser))
