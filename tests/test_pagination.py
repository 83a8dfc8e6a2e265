"""One pager for every list page (templates/_pagination.html): it keeps the list's filters and
changes only ?page=."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.factories import BookingFactory, MentorFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def test_the_pager_is_written_once():
    holders = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.glob("**/*.html")
                     if 'class="pagination"' in p.read_text())
    assert holders == ["_pagination.html"]
    users = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.glob("**/*.html")
                   if '{% include "_pagination.html"' in p.read_text() and p.name != "_pagination.html")
    assert users == ["accounts/_directory_results.html", "booking/my_sessions.html", "conversations/inbox.html",
                     "conversations/moderation.html", "orgs/members/admin_members.html", "orgs/programs/people.html",
                     "ratings/moderation_audit.html",
                     "ratings/moderation_queue.html", "staff/mail_list.html"]


def test_pager_links_keep_the_filters_and_replace_the_page():
    request = RequestFactory().get("/x/", {"when": "past", "role": "mentor", "page": "2"})
    page = Paginator(range(30), 10).get_page(2)
    html = render_to_string("_pagination.html", {"page": page}, request=request)
    assert '<a href="?when=past&amp;role=mentor&amp;page=1" rel="prev">' in html
    assert '<a href="?when=past&amp;role=mentor&amp;page=3" rel="next">' in html
    assert "Page 2 of 3" in html


def test_one_page_has_no_pager():
    page = Paginator(range(3), 10).get_page(1)
    assert render_to_string("_pagination.html", {"page": page}, request=RequestFactory().get("/")).strip() == ""


def _follow_next(client: Client, url: str) -> str:
    first = client.get(url).content.decode()
    [link] = NEXT.findall(first)
    response = client.get(url.split("?")[0] + link.replace("&amp;", "&"))
    assert response.status_code == 200
    return link, response.content.decode()


@pytest.mark.django_db
def test_my_sessions_pages_keep_when_and_role(mentor, mentee):
    for day in range(11):
        BookingFactory(mentor=mentor, mentee=mentee, start=timezone.now() + timedelta(days=day + 1, hours=2))
    client = Client()
    client.force_login(mentor)
    link, second = _follow_next(client, "/sessions/?when=upcoming&role=mentor")
    assert link == "?when=upcoming&amp;role=mentor&amp;page=2"
    assert "Page 2 of 2" in second and 'rel="prev"' in second


@pytest.mark.django_db
def test_directory_pages_keep_the_search():
    for n in range(13):
        MentorFactory(name=f"Mentor {n:02d}", email=f"m{n}@example.com")
    link, second = _follow_next(Client(), "/mentors/?q=&sort=experience")
    assert link == "?q=&amp;sort=experience&amp;page=2"
    assert "Page 2 of 2" in second


@pytest.mark.django_db
def test_organisation_members_pages_keep_the_filters():
    from tests.factories import MembershipFactory, UserFactory, org_with_ladder

    org, depts, _ = org_with_ladder(name="Acme")
    admin = UserFactory(name="Ada Admin")
    MembershipFactory(organisation=org, user=admin, role="admin")
    for n in range(26):
        MembershipFactory(organisation=org, user=UserFactory(name=f"Person {n:02d}"), department=depts["Sales"])
    client = Client()
    client.force_login(admin)
    link, second = _follow_next(client, "/orgs/acme/admin/members/?department=sales&active=yes")
    assert link == "?department=sales&amp;active=yes&amp;page=2"
    assert "Page 2 of 2" in second
