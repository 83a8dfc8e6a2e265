"""A visitor lands on `/`, understands it, and searches from the first screen, at desktop width in
the light theme and at phone width in the dark one, with a clean console.

The dark theme follows the system setting, emulated here through Chrome DevTools
(prefers-color-scheme), and the test reads the colours the page really painted, so a stylesheet
that stops following the setting fails. Keyboard: the first Tab lands on the skip link, which is
then visible and moves focus to the content; focused controls wear the focus ring.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from accounts.models import MentorProfile
from accounts.search import mentor_search_refresh
from sessions.tests.test_bookings_support import open_every_day
from tests.factories import MentorFactory, SkillFactory
from tests.journey_support import DESKTOP, PHONE, click_and_wait_for_page, wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Painted colours of the two themes (static/css/tokens.css: --color-bg and --color-focus).
PAGE = {"light": "rgb(251, 250, 248)", "dark": "rgb(17, 22, 21)"}
FOCUS = {"light": "rgb(180, 83, 9)", "dark": "rgb(245, 165, 36)"}


def _mentor(name: str, headline: str, skill: str, *, reviews: int, stars: int):
    user = MentorFactory(name=name, profile__headline=headline)
    profile = user.mentor_profile
    profile.skills.add(SkillFactory(name=skill))
    open_every_day(user)
    MentorProfile.objects.filter(pk=profile.pk).update(rating_count=reviews, rating_sum=stars, rating_bayes=stars / reviews)
    mentor_search_refresh(mentor_ids=[user.pk])  # the factories write around the services that keep it
    return user


@pytest.fixture
def scheme(driver):
    def emulate(name: str) -> None:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": name}]})

    yield emulate
    emulate("light")  # the Chromium is shared by the module's tests


def _style(driver, element, prop: str) -> str:
    return driver.execute_script(f"return getComputedStyle(arguments[0]).{prop}", element)


@pytest.mark.parametrize(("page", "theme"), [(DESKTOP, "light"), (PHONE, "dark")],
                         ids=["desktop-light", "phone-dark"], indirect=["page"])
def test_a_visitor_understands_the_home_page_and_searches_from_the_first_screen(page, scheme, theme):
    _mentor("Priya Patel", "Python backend engineer", "Python", reviews=5, stars=24)
    _mentor("Oscar Olsen", "Kubernetes operator", "Kubernetes", reviews=3, stars=13)
    scheme(theme)
    page.go("/")

    # The page follows the system's colour scheme.
    body = page.find_element(By.TAG_NAME, "body")
    assert _style(page, body, "backgroundColor") == PAGE[theme]
    assert "Get unstuck" in page.find_element(By.TAG_NAME, "h1").text
    # The product's name and mark in the header.
    brand = page.find_element(By.CSS_SELECTOR, ".site-header .brand")
    assert "Micro" in brand.text
    assert page.execute_script("const i = arguments[0].querySelector('img.brand-mark');"
                               "return !!i && i.complete && i.naturalWidth > 0", brand)

    # Three steps explain how it works; real mentors show their real average and count.
    steps = page.find_elements(By.CSS_SELECTOR, "#how-it-works .steps > li")
    assert [s.find_element(By.TAG_NAME, "h3").text for s in steps] == [
        "Find someone who has done it", "Book 15 to 60 minutes", "Meet, then act"]
    featured = page.find_element(By.CSS_SELECTOR, ".featured-mentors").text
    assert "Priya Patel" in featured and "4.8 (5 reviews)" in featured and "4.3 (3 reviews)" in featured
    assert "8 reviews from real sessions" in page.find_element(By.CSS_SELECTOR, ".proof").text

    # Nothing sticks out sideways on a phone.
    assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

    # Keyboard: the first Tab shows the skip link; Enter moves focus to the content.
    body.send_keys(Keys.TAB)
    skip = page.switch_to.active_element
    assert skip.get_attribute("class") == "skip-link" and skip.rect["y"] >= 0
    assert _style(page, skip, "outlineStyle") == "solid" and _style(page, skip, "outlineColor") == FOCUS[theme]
    skip.send_keys(Keys.ENTER)
    assert page.switch_to.active_element.get_attribute("id") == "main"

    # The search box and its button are on the first screen, without scrolling.
    page.execute_script("window.scrollTo(0, 0)")
    box = page.find_element(By.ID, "home-q")
    button = page.find_element(By.CSS_SELECTOR, ".hero-search button[type=submit]")
    for element in (box, button):
        assert page.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight", element)
    box.click()
    box.send_keys("python")
    click_and_wait_for_page(page, button)
    wait(page, lambda d: "/mentors/" in d.current_url)
    assert "q=python" in page.current_url
    results = page.find_element(By.TAG_NAME, "main").text
    assert "Priya Patel" in results and "Oscar Olsen" not in results
    assert _style(page, page.find_element(By.TAG_NAME, "body"), "backgroundColor") == PAGE[theme]

    errors = page.console.severe()
    assert not errors, "console errors:\n" + "\n".join(errors)
