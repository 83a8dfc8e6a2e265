"""Helpers for the role journeys in tests/test_journeys.py: a browser that remembers every console
entry, the development mailbox, and small waits that tell a page load from an htmx swap."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client, RequestFactory
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from sessions.services.notifications import notifications_dispatch_due

DESKTOP = (1280, 900)
PHONE = (390, 844)


def chromium() -> webdriver.Chrome:
    """Debian's Chromium, headless, with the browser console kept so a journey can fail on it."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(3)
    return driver


class Console:
    """Every console entry the browser wrote since the journey began.

    chromedriver hands out each entry once, so they are collected after every step; a journey
    ends by asserting that none was SEVERE (a failed resource load such as a favicon 404, an
    uncaught error, htmx's own `htmx:swapError` log line, anything the Content-Security-Policy
    refused).
    """

    def __init__(self, driver):
        self.driver = driver
        self.entries: list[dict] = []

    def drain(self) -> list[dict]:
        self.entries.extend(self.driver.get_log("browser"))
        return self.entries

    def severe(self) -> list[str]:
        return [f"{e['message']}" for e in self.drain() if e["level"] == "SEVERE"]

    def csp_violations(self) -> list[str]:
        return [e["message"] for e in self.drain() if is_csp_violation(e)]


def is_csp_violation(entry: dict) -> bool:
    """Chromium reports what the Content-Security-Policy refused ("Refused to execute inline
    script because it violates the following Content Security Policy directive ...") as a SEVERE
    console entry, so `Console.severe()` already fails a journey on one; this picks them out."""
    return "Content Security Policy" in entry["message"]


def signed_in_client(user) -> Client:
    """A test client signed in as `user`, who also confirmed the password a moment ago. allauth
    asks for the password again before sensitive pages (two-factor set-up) unless the session
    records a recent confirmation, as its own reauthentication step writes it; force_login alone
    records none."""
    from allauth.account.internal.flows.login import record_authentication

    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session, request.user = client.session, user
    record_authentication(request, user, "password", email=user.email, reauthenticated=True)
    request.session.save()
    return client


def latest_mail_to(address: str):
    """The newest message sent to `address` in the development mailbox.

    Tests run on Django's locmem backend, so the mailbox is `mail.outbox`; when development mail
    lands in files under var/mail/ this is the one place to read them from instead. Every mail is
    an outbox row first and no worker runs beside the tests, so this sends what is due, as the
    worker would.
    """
    notifications_dispatch_due()
    for message in reversed(mail.outbox):
        if address in message.to:
            return message
    raise AssertionError(f"no mail to {address} among {[m.to for m in mail.outbox]}")


def first_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url: str) -> str:
    # Emails carry SITE_URL's host; the live server runs elsewhere, so follow the path.
    return re.sub(r"^https?://[^/]+", "", url)


def wait(driver, condition, timeout: float = 10):
    return WebDriverWait(driver, timeout).until(condition)


def _replaced(old_page):
    """True once `old_page` has left the document. Mid-navigation chromedriver sometimes reports
    that as an inspector error ("Node with given id does not belong to the document") instead of a
    stale element; both mean the old page is gone."""

    def check(_driver) -> bool:
        try:
            old_page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return check


def click_and_wait_for_page(driver, element) -> None:
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait(driver, _replaced(page))


def fresh_page(driver, live_server, settings, size):
    """The module's Chromium on a clean page at `size`, with `go(path)` on the live server,
    `url` and a Console collecting its errors (`console`)."""
    # The server's clock is pinned (frozen_now) but Chromium's is the machine's: only session
    # cookies (no Expires date) are read the same by both.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    driver.delete_all_cookies()
    driver.get("about:blank")
    driver.set_window_size(*size)
    driver.get_log("browser")
    console = Console(driver)
    driver.go = lambda path: (driver.get(live_server.url + path), console.drain())
    driver.url = live_server.url
    driver.console = console
    return driver


def submit_and_drain(driver, form) -> None:
    """Press the form's submit button (scrolled into view, as on a phone), wait for the next page
    and collect the console messages of the page left behind (driver.console, from `page`)."""
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    click_and_wait_for_page(driver, button)
    driver.console.drain()


def set_value(driver, element, value: str) -> None:
    """Type into date and time inputs without depending on the browser's locale format."""
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)


def fill(driver, name: str, text: str, *, scope=None) -> None:
    field = (scope or driver).find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)


def log_in(driver, base_url: str, email: str, password: str) -> None:
    """Sign in through the real form, as a person would."""
    driver.delete_all_cookies()
    driver.get(base_url + "/accounts/login/")
    driver.find_element(By.NAME, "login").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    click_and_wait_for_page(driver, driver.find_element(By.CSS_SELECTOR, "main form [type=submit]"))
    assert "/accounts/login/" not in driver.current_url, driver.find_element(By.TAG_NAME, "main").text
