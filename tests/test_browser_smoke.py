import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_home_page_loads_in_chromium(browser):
    browser.go("/")
    assert "Get unstuck" in browser.find_element("tag name", "h1").text
