"""Every page answers with a strict Content-Security-Policy and holds nothing that policy refuses.

A crawler signs in as each role (anonymous, mentee, mentor, moderator, staff), starts from the
pages a person reaches first and follows every same-site link, form action and htmx `hx-get` it
finds: the site's pages, allauth's (two-factor set-up with its QR code included), the admin, the
development mailbox, the API docs and the error pages. Each HTML answer must carry the policy and
hold no inline <script> (JSON data blocks aside), no <style>, no style="" attribute, no on*= handler
and no javascript: URL: under `script-src 'self'` and `style-src 'self'` the browser would refuse
each of them, and a page that relies on one would be broken.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from mentorship.mail_backends import MailboxBackend
from sessions.tests.test_bookings_support import open_every_day
from tests.factories import BookingFactory
from tests.journey_support import signed_in_client

pytestmark = pytest.mark.django_db

START = [
    "/", "/home/", "/mentors/", "/me/", "/me/tokens/", "/sessions/", "/calendar/", "/availability/", "/recommended/",
    "/moderation/", "/moderation/audit/", "/staff/mail/", "/api/docs/", "/admin/",
    "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/email/",
    "/accounts/password/change/", "/accounts/2fa/", "/accounts/2fa/totp/activate/", "/no-such-page/",
]
# Not pages: sign-out, files, the API itself (JSON), uploads and the feed.
SKIP = ("/accounts/logout/", "/static/", "/media/", "/api/schema/", "/api/v1/", "/healthz", "/favicon.ico")
MAX_PAGES = 400  # per role: the admin alone offers a link per object, filter and sort order
MAX_PER_PATH = 3  # query-string variants of one path (sort orders, filters, pages)

# The site's own pages that answer GET with HTML; each must be reached by some role's crawl. The
# POST-only actions (confirm, cancel, the availability forms...) and the .ics downloads are not pages.
MUST_VISIT = {
    "home", "home:dashboard", "api-docs", "staff-mail", "staff-mail-detail",
    "accounts:me", "accounts:mentor_profile_edit", "accounts:mentee_profile_edit", "accounts:api_tokens",
    "accounts:directory", "accounts:mentor_detail",
    "booking:availability", "booking:slot_picker", "booking:book", "booking:my_sessions", "booking:detail",
    "booking:calendar",
    "matching:recommended",
    "ratings:rate", "ratings:reply", "ratings:report", "ratings:mentor_reviews", "ratings:moderation_queue",
    "ratings:moderation_audit",
    "account_login", "account_signup", "account_reset_password", "account_email", "account_change_password",
    "mfa_index", "mfa_activate_totp",
    "admin:index", "admin:app_list", "admin:accounts_user_changelist", "admin:accounts_user_change",
    "admin:accounts_user_add", "admin:booking_booking_changelist", "admin:booking_booking_change",
    "admin:ratings_rating_changelist",
}


def policy_of(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        if part.strip():
            name, *values = part.split()
            directives[name] = values
    return directives


def assert_strict(policy: dict[str, list[str]], where: str) -> None:
    assert policy, f"{where}: no Content-Security-Policy header"
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts == ["'self'"], f"{where}: script-src {scripts}"
    styles = policy.get("style-src", policy.get("default-src"))
    assert styles == ["'self'"], f"{where}: style-src {styles}"
    assert policy["default-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["base-uri"] == ["'self'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["form-action"] == ["'self'"], where
    assert set(policy["img-src"]) == {"'self'", "data:"}, where


class PageReader(HTMLParser):
    """What the policy would refuse in a page, and where the page leads."""

    DATA_BLOCKS = {"application/json", "application/ld+json"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post", "data"}

    def __init__(self):
        super().__init__()
        self.refused: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.refused.append(f"<{tag} {name}=...> (inline event handler)")
            if name == "style":
                self.refused.append(f"<{tag} style={value!r}> (style attribute)")
            if name in self.URL_ATTRIBUTES and value.lower().replace(" ", "").startswith("javascript:"):
                self.refused.append(f"<{tag} {name}={value!r}> (javascript: URL)")
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") not in self.DATA_BLOCKS:
            self.refused.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.refused.append(f"<style> element at line {self.getpos()[0]}")
        for name in ("href", "action", "hx-get"):
            if attributes.get(name) and (tag, name) != ("link", "href"):
                self.links.append(attributes[name])


def crawl(client: Client) -> dict[str, int]:
    """Visit every same-site page reachable from START; check each; answer {path: status}."""
    seen: set[str] = set()
    per_path: dict[str, int] = {}
    visited: dict[str, int] = {}
    queue = deque(START)
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc or parts.scheme not in ("", "http") or not parts.path.startswith("/"):
            continue
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if target in seen or parts.path.startswith(SKIP) or parts.path.endswith(".ics"):
            continue
        seen.add(target)
        if parts.query:
            per_path[parts.path] = per_path.get(parts.path, 0) + 1
            if per_path[parts.path] > MAX_PER_PATH:
                continue
        response = client.get(target)
        visited[target] = response.status_code
        assert response.status_code < 500, f"{target} answered {response.status_code}"
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urljoin(target, response["Location"]))
        assert_strict(policy_of(response), target)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        reader = PageReader()
        reader.feed(response.content.decode())
        assert not reader.refused, f"{target}: the policy refuses\n" + "\n".join(reader.refused)
        queue.extend(urljoin(target, link.split("#")[0]) for link in reader.links if not link.startswith("#"))
    return visited


@pytest.fixture
def site(mentor, mentee, moderator, staff, settings, tmp_path):
    """One of everything a page can show: bookings in each state, reviews held and replied to,
    a mail in the development mailbox."""
    from allauth.account.models import EmailAddress

    from ratings.services import rating_create, reply_create

    open_every_day(mentor)
    BookingFactory(mentor=mentor, mentee=mentee)  # confirmed, tomorrow
    BookingFactory(mentor=mentor, mentee=mentee, status="requested",
                   start=timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2))
    done = [BookingFactory(mentor=mentor, mentee=mentee, status="completed",
                           start=timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=d))
            for d in range(2, 10)]
    published = rating_create(booking_id=done[0].pk, rater=mentee, stars=4, comment="Clear and kind advice.")
    reply_create(rating_id=published.pk, author=mentor, body="Thank you!")
    rating_create(booking_id=done[1].pk, rater=mentee, stars=5, comment="Call me on +1 212 555 0199 any time.")
    # More published reviews than the mentor page shows, so it links to the page with all of them.
    for booking, stars in zip(done[2:], (3, 5, 4, 5, 2, 4), strict=False):
        rating_create(booking_id=booking.pk, rater=mentee, stars=stars, comment="Useful, a little rushed.")

    # An email change waiting for verification: allauth's page then holds a hidden form.
    EmailAddress.objects.create(user=mentee, email="manu.new@example.com", verified=False, primary=False)

    settings.DEV_MAILBOX_DIR = tmp_path / "mail"
    message = EmailMultiAlternatives("Your session is confirmed", "See you tomorrow.", to=[mentee.email])
    message.attach_alternative("<p style='color: #333'>See you <b>tomorrow</b>.</p>", "text/html")
    MailboxBackend().send_messages([message])
    return {"mentor": mentor, "mentee": mentee, "moderator": moderator, "staff": staff}


ROLES = ["anonymous", "mentee", "mentor", "moderator", "staff"]
_reached: dict[str, set[str]] = {}  # role -> view names its crawl saw, kept across this module's tests


def _crawl_as(site, role: str) -> None:
    client = Client() if role == "anonymous" else signed_in_client(site[role])
    visited = crawl(client)
    assert any(status == 200 for status in visited.values())
    names = set()
    for path, status in visited.items():
        if status != 200:  # a redirect to the sign-in page has not shown the page itself
            continue
        try:
            names.add(resolve(urlsplit(path).path).view_name)
        except Resolver404:
            pass
    _reached[role] = names


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_a_strict_policy_and_nothing_inline(site, role):
    _crawl_as(site, role)


def test_the_crawls_reached_every_page(site):
    for role in ROLES:
        if role not in _reached:  # this test was run on its own
            _crawl_as(site, role)
    missing = MUST_VISIT - set().union(*_reached.values())
    assert not missing, f"no role's crawl reached {sorted(missing)}"


def test_error_pages_carry_the_policy(client):
    from django.test import RequestFactory
    from django.views import defaults

    assert_strict(policy_of(client.get("/no-such-page/")), "404")
    assert_strict(policy_of(client.get("/calendar/%00.ics")), "400 (NUL byte, answered by a middleware)")
    csrf = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@b.c", "password": "x"})
    assert csrf.status_code == 403
    assert_strict(policy_of(csrf), "403 CSRF")
    reader = PageReader()
    reader.feed(defaults.server_error(RequestFactory().get("/")).content.decode())
    assert not reader.refused


def test_api_docs_start_up_script_is_a_same_origin_file(client):
    page = client.get("/api/docs/")
    reader = PageReader()
    reader.feed(page.content.decode())
    assert not reader.refused
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert script["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_mail_frame_keeps_its_own_tighter_policy(site, client):
    from mentorship.mail_backends import mailbox_messages

    client.force_login(site["staff"])
    [path] = mailbox_messages()
    policy = policy_of(client.get(f"/staff/mail/{path.name}/html/"))
    assert policy["default-src"] == ["'none'"] and "sandbox" in policy and "script-src" not in policy
    assert policy["frame-ancestors"] == ["'self'"]  # the site's 'none' would blank the mail page's frame


def test_social_login_providers_may_receive_the_sign_in_form():
    """The provider's sign-in button posts to us and we redirect to the provider: form-action must
    allow the provider, or the browser stops the redirect. Only providers switched on are allowed."""
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_CLIENT_ID", "_CLIENT_SECRET"))}
    env.update(DJANGO_SETTINGS_MODULE="mentorship.settings", GOOGLE_CLIENT_ID="id", GOOGLE_CLIENT_SECRET="secret")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.split() == ["'self'", "https://accounts.google.com"]
