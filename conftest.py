"""Project-wide pytest fixtures: personas, clients and the database the suite runs on.

Tests run against whatever DATABASE_URL names (PostgreSQL in CI, SQLite by default). Tests marked
`postgres` are skipped, by name, on SQLite; with FAIL_ON_SKIP=1 (CI) any skipped test fails the run.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

# CI explores the same examples on every run: a property failure there is reproducible, never a
# dice roll that blocks a landing. Developers' runs stay random and keep finding new cases.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_collection_modifyitems(config, items):
    if settings.IS_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} test(s) skipped on this database ({settings.DATABASES['default']['ENGINE']}):")
        for report in skipped:
            terminalreporter.write_line(f"  SKIPPED {report.nodeid}")


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("FAIL_ON_SKIP") == "1":
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter and reporter.stats.get("skipped"):
            session.exitstatus = 1


# Every test runs on a pinned clock: early on a Monday (07:00 in Berlin, 01:00 in New York) and
# before every hard-coded date the tests use (January-September 2027), so no result depends on when
# the suite runs. Unpinned, the booking journey failed every evening (the 12-hour notice pushed the
# first bookable slot past 09:00 Berlin), and the lifecycle tests would fail once the real clock
# passed their 2027 dates. The clock ticks from there so live servers, browsers and timeouts still
# see time pass; a test that needs a still clock moves it (`frozen_now.move_to(when, tick=False)`).
# CI reruns the suite under faketime at an evening, a DST eve and New Year's Eve to prove all this.
FROZEN_NOW = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    """The test's clock (a time_machine traveller), started at FROZEN_NOW and ticking."""
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _clean_cache():
    # allauth's rate limits and DRF throttles live in the cache and would leak between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CONVERSATIONS_ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.ORGS_SYNC_UPLOAD_ROOT = tmp_path / "sync-uploads"


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def mentor(db):
    from tests.factories import MentorFactory

    return MentorFactory(email="mentor@example.com", name="Maya Mentor", timezone="Europe/Berlin")


@pytest.fixture
def mentee(db):
    from tests.factories import MenteeFactory

    return MenteeFactory(email="mentee@example.com", name="Manu Mentee", timezone="America/New_York")


@pytest.fixture
def stranger(db):
    from tests.factories import MenteeFactory

    return MenteeFactory(email="stranger@example.com", name="Sam Stranger", timezone="Asia/Kolkata")


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(email="admin@example.com", name="Ada Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(email="moderator@example.com", name="Mo Moderator")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def _client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """client_for(user) -> an APIClient logged in (session and forced auth) as that user."""
    return _client_for


@pytest.fixture
def browser(live_server, settings):
    """Headless Debian Chromium driven by Selenium; `browser.go(path)` opens a live-server page."""
    # The server's clock is pinned (frozen_now) but Chromium's is the machine's: a cookie with an
    # Expires date from the pinned clock would already be stale in the browser. Session cookies
    # carry no date, so both clocks agree on them.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    driver.go = lambda path: driver.get(live_server.url + path)
    driver.live_server_url = live_server.url
    driver.log_in = lambda user, password=TEST_PASSWORD: _browser_log_in(driver, user, password)
    driver.force_login = lambda user: _browser_force_login(driver, user)
    try:
        yield driver
        # Whatever else a browser test checks, nothing on its pages may have been refused by the
        # Content-Security-Policy (entries the test read itself are gone; the rest are here).
        from tests.journey_support import is_csp_violation

        refused = [entry["message"] for entry in driver.get_log("browser") if is_csp_violation(entry)]
        assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)
    finally:
        driver.quit()


TEST_PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _browser_log_in(driver, user, password):
    """Sign in through the real login form, as a person would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    driver.go("/accounts/login/")
    driver.find_element(By.NAME, "login").send_keys(user.email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").submit()
    WebDriverWait(driver, 10).until(lambda b: "/accounts/login/" not in b.current_url)


def _browser_force_login(driver, user):
    """Skip the login form: hand the browser a session cookie made by the test client."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    driver.go("/healthz")
    driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "path": "/",
                       "value": client.cookies[settings.SESSION_COOKIE_NAME].value})
