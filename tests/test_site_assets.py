"""Everything a page loads comes from the platform itself: no CDN, no 404 for the icon."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def _assets(html: str) -> list[str]:
    return [url for url in ASSET.findall(html) if not url.startswith(("#", "mailto:", "/api/schema"))]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/"])
def test_api_docs_load_every_asset_from_this_server(path):
    html = Client().get(path).content.decode()
    scripts_and_styles = re.findall(r"""<(?:script|link)[^>]+(?:src|href)=["']([^"']+)["']""", html)
    assert scripts_and_styles, html[:500]
    for url in scripts_and_styles:
        parts = urlsplit(url)
        assert not parts.netloc, f"{path} loads {url} from another host"
        if parts.path == path and parts.query == "script=":
            continue  # Swagger UI's start-up script, served by the docs view itself (the CSP refuses it inline)
        assert parts.path.startswith("/static/"), url
        assert finders.find(parts.path.removeprefix("/static/")), f"{url} is not a static file here"
    # Swagger/Redoc are bootstrapped by a script that names its bundle: that must be local too.
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


@pytest.mark.django_db
def test_every_page_links_a_favicon_that_exists(client):
    html = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert finders.find(icon.removeprefix("/static/"))


@pytest.mark.django_db
def test_favicon_ico_is_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and finders.find(response["Location"].removeprefix("/static/"))
