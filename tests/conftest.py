"""Fixtures the browser tests under tests/ share."""

from __future__ import annotations

import pytest

from tests.journey_support import chromium, fresh_page


@pytest.fixture(scope="module")
def driver():
    """One Chromium per test module: starting one costs more than most journeys' own steps."""
    browser = chromium()
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def page(driver, live_server, settings, request):
    """The module's Chromium on a clean page at the width given by indirect parametrisation
    (DESKTOP or PHONE), with `go(path)` on the live server and a Console collecting its errors.
    Modules with their own needs (the journeys, the CSP walk) define their own `page`."""
    return fresh_page(driver, live_server, settings, request.param)
