"""Fixtures the browser tests under tests/ share."""

from __future__ import annotations

import pytest

from tests.journey_support import chromium


@pytest.fixture(scope="module")
def driver():
    """One Chromium per test module: starting one costs more than most journeys' own steps."""
    browser = chromium()
    try:
        yield browser
    finally:
        browser.quit()
