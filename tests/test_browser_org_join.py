"""In a real browser, at desktop and phone widths: an organisation admin invites a colleague, the
colleague follows the mail's link, signs up and lands on the organisation's home page, where an
internal mentor is listed; a stranger cannot find that mentor. Fails on console errors."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from accounts.models import User
from accounts.search import mentor_search_refresh
from orgs.models import Membership
from tests.factories import MembershipFactory, MentorFactory, UserFactory, org_with_ladder
from tests.journey_support import (
    DESKTOP,
    PHONE,
    click_and_wait_for_page,
    fill,
    first_link,
    latest_mail_to,
    log_in,
    path_of,
    submit_and_drain,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _main(driver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_admin_invites_colleague_who_signs_up_and_meets_an_internal_mentor(page):
    org, depts, _ = org_with_ladder(name="Acme")
    admin = UserFactory(email="ada@acme.example", name="Ada Admin")
    MembershipFactory(organisation=org, user=admin, role="admin")
    iris = MentorFactory(email="iris@acme.example", name="Iris Internal", profile__visibility="internal",
                         profile__headline="Platform engineering, from the inside")
    MembershipFactory(organisation=org, user=iris, department=depts["Engineering"])
    stranger = UserFactory(email="sam@elsewhere.example", name="Sam Stranger", is_mentee=True)
    mentor_search_refresh()

    # The admin finds the invitation form from the organisation's home page and invites a colleague.
    log_in(page, page.url, admin.email, PASSWORD)
    page.go("/orgs/acme/")
    click_and_wait_for_page(page, page.find_element(By.LINK_TEXT, "Invite colleagues"))
    form = page.find_element(By.CSS_SELECTOR, "main form")
    fill(page, "email", "nia@acme.example", scope=form)
    submit_and_drain(page, form)
    assert "Invitation sent to nia@acme.example" in _main(page)

    # The colleague opens the mail's link (signed out), creates an account with that address ...
    link = first_link(latest_mail_to("nia@acme.example"))
    page.delete_all_cookies()
    page.go(path_of(link))
    assert "Join Acme" in _main(page)
    click_and_wait_for_page(page, page.find_element(By.LINK_TEXT, "Create your account"))
    assert page.find_element(By.NAME, "email").get_attribute("value") == "nia@acme.example"
    fill(page, "password1", "a-long-unusual-passphrase")
    fill(page, "password2", "a-long-unusual-passphrase")
    fill(page, "name", "Nia New")
    Select(page.find_element(By.NAME, "timezone")).select_by_value("Europe/Berlin")
    submit_and_drain(page, page.find_element(By.CSS_SELECTOR, "main form"))

    # ... and lands on the organisation's home page, where the internal mentor is listed.
    assert page.current_url.endswith("/orgs/acme/"), page.current_url
    assert "Acme" in page.find_element(By.TAG_NAME, "h1").text
    mentors = page.find_element(By.ID, "colleague-mentors").text
    assert "Iris Internal" in mentors and "Internal" in mentors
    nia = User.objects.get(email="nia@acme.example")
    assert Membership.objects.filter(organisation=org, user=nia, is_active=True).exists()

    # A stranger finds no trace of her: not in the directory's search, and her page is a 404.
    log_in(page, page.url, stranger.email, PASSWORD)
    page.go("/mentors/?q=Iris")
    assert "Iris Internal" not in _main(page)
    page.go(f"/mentors/{iris.mentor_profile.slug}/")
    assert "Iris Internal" not in page.page_source
    # The 404 page is what a stranger is meant to meet: its console entry is expected.
    severe = [e for e in page.console.severe() if "404" not in e]
    assert not severe, severe
