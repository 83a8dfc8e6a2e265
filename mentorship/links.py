"""Absolute links for everything that leaves the site: emails, calendar files, feeds.

Every absolute link is built here from `reverse()` and SITE_URL, never by hand, so a renamed URL
or a changed route fails loudly in tests instead of mailing a 404 (the expiry email once linked
`/mentors/<id>/` while the page lives at `/mentors/<slug>/`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """SITE_URL + an absolute path that came from reverse() or a model's get_absolute_url()."""
    if not path.startswith("/"):
        raise ValueError(f"expected an absolute path, got {path!r}")
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def absolute_reverse(viewname: str, *, args=None, kwargs=None, query: dict | None = None) -> str:
    path = reverse(viewname, args=args, kwargs=kwargs)
    if query:
        path = f"{path}?{urlencode(query)}"
    return absolute_url(path)
