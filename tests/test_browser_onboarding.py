"""In a real browser, at desktop and phone widths, failing on any console error (issue 14):

- a new mentor signs up, goes through the guided start, is a draft (not in the directory) until
  their first free times are saved in the availability editor, and is then listed;
- a new mentee signs up, writes their goals and lands on the mentee home with recommendations.
"""

from __future__ import annotations

from datetime import time

import pytest
from selenium.webdriver.common.by import By

from accounts.models import MentorProfile
from sessions.models import AvailabilityRule
from tests.factories import MentorFactory, SkillFactory
from tests.journey_support import (
    DESKTOP,
    PHONE,
    click_and_wait_for_page,
    fill,
    first_link,
    latest_mail_to,
    path_of,
    set_value,
    submit_and_drain,
    wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "a-long-unusual-passphrase"


def _main(page) -> str:
    return page.find_element(By.TAG_NAME, "main").text


def _sign_up(page, *, email: str, name: str, role: str) -> None:
    page.go("/accounts/signup/")
    form = page.find_element(By.CSS_SELECTOR, "main form")
    fill(page, "email", email, scope=form)
    fill(page, "password1", PASSWORD, scope=form)
    fill(page, "password2", PASSWORD, scope=form)
    fill(page, "name", name, scope=form)
    radio = form.find_element(By.CSS_SELECTOR, f"input[name=role][value={role}]")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
    radio.click()
    submit_and_drain(page, form)
    page.go(path_of(first_link(latest_mail_to(email))))  # confirm the address
    submit_and_drain(page, page.find_element(By.CSS_SELECTOR, "main form"))
    # Signed in, on the guided start's first step, with the browser's zone preselected.
    assert page.current_url.endswith("/welcome/roles/"), page.current_url
    assert page.find_element(By.ID, "id_timezone").get_attribute("value") == "Europe/Lisbon"


def _in_directory(page, name: str, query: str) -> bool:
    page.go(f"/mentors/?q={query}")
    return name in _main(page)


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_a_new_mentor_is_a_draft_until_complete_then_listed(page):
    page.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Lisbon"})
    _sign_up(page, email="rui.faro@example.com", name="Rui Faro", role="mentor")
    submit_and_drain(page, page.find_element(By.CSS_SELECTOR, "main form"))  # roles and zone as chosen

    assert page.current_url.endswith("/welcome/profile/"), page.current_url
    assert "Draft" in _main(page)
    form = page.find_element(By.CSS_SELECTOR, "main form.card")
    fill(page, "headline", "Lighthouse keeper turned marine data scientist", scope=form)
    fill(page, "bio", "I moved from maritime work into data science and can help you do the same.", scope=form)
    fill(page, "skills", "Oceanography, data science", scope=form)
    submit_and_drain(page, form)

    assert page.current_url.endswith("/welcome/availability/"), page.current_url
    assert "Set your first free times" in _main(page)
    assert not _in_directory(page, "Rui Faro", "oceanography")  # a draft is not listed
    profile = MentorProfile.objects.get(user__email="rui.faro@example.com")
    page.go(profile.get_absolute_url())
    assert "Only you can see this page" in _main(page)  # the owner previews the draft

    page.go("/welcome/availability/")
    click_and_wait_for_page(page, page.find_element(By.LINK_TEXT, "Open the availability editor"))
    page.find_element(By.CSS_SELECTOR, "#day-monday button[aria-label='Add a window on Monday']").click()
    wait(page, lambda p: p.find_elements(By.CSS_SELECTOR, "#weekly-grid input[name=w0_start]"))
    set_value(page, page.find_element(By.CSS_SELECTOR, "#weekly-grid input[name=w0_start]"), "09:00")
    set_value(page, page.find_element(By.CSS_SELECTOR, "#weekly-grid input[name=w0_end]"), "12:00")
    save = page.find_element(By.CSS_SELECTOR, "#weekly-grid button[name=save]")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", save)
    save.click()
    wait(page, lambda p: p.find_elements(By.ID, "grid-saved"))
    assert AvailabilityRule.objects.filter(mentor=profile.user).count() == 1

    assert _in_directory(page, "Rui Faro", "oceanography")  # complete: listed
    page.go("/home/")
    assert "completeness-meter" not in page.page_source
    assert page.console.severe() == []


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_a_new_mentee_sets_goals_and_lands_on_home_with_recommendations(page):
    from matching.services import features_refresh_all

    kubernetes = SkillFactory(name="Kubernetes")
    mentor = MentorFactory(name="Kim Cluster", profile__headline="Platform engineer who runs Kubernetes at scale")
    mentor.mentor_profile.skills.add(kubernetes)
    AvailabilityRule.objects.bulk_create(
        [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(9), end_time=time(17)) for d in range(7)])
    features_refresh_all()

    page.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Lisbon"})
    _sign_up(page, email="mia.novo@example.com", name="Mia Novo", role="mentee")
    submit_and_drain(page, page.find_element(By.CSS_SELECTOR, "main form"))

    assert page.current_url.endswith("/welcome/goals/"), page.current_url
    assert "Examples of good questions" in _main(page)
    form = page.find_element(By.CSS_SELECTOR, "main form.card")
    fill(page, "goals", "Our team is moving to Kubernetes: how should I plan the migration of our services?",
         scope=form)
    fill(page, "interests", "Kubernetes", scope=form)
    submit_and_drain(page, form)

    assert page.current_url.endswith("/home/"), page.current_url
    recommended = page.find_element(By.CSS_SELECTOR, "[aria-labelledby=mentee-recommended-heading]")
    assert "Kim Cluster" in recommended.text
    assert "Find a mentor and book a first session" in _main(page)  # no sessions yet: the next step
    assert page.console.severe() == []
