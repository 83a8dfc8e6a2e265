"""Every time is shown in the viewer's zone with the zone named, the same on pages and in emails."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template

from mentorship.templatetags.tz_display import format_in_zone


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        # Berlin is UTC+1 in winter and UTC+2 after the 28 March 2027 change.
        (datetime(2027, 3, 27, 8, 0, tzinfo=UTC), "Europe/Berlin", "Sat 27 Mar 2027, 09:00 CET (Europe/Berlin)"),
        (datetime(2027, 3, 29, 8, 0, tzinfo=UTC), "Europe/Berlin", "Mon 29 Mar 2027, 10:00 CEST (Europe/Berlin)"),
        # New York changes two weeks earlier (14 March 2027).
        (datetime(2027, 3, 15, 13, 0, tzinfo=UTC), "America/New_York", "Mon 15 Mar 2027, 09:00 EDT (America/New_York)"),
        # Half-hour and 45-minute offsets.
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "Asia/Kolkata", "Fri 1 Jan 2027, 05:30 IST (Asia/Kolkata)"),
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "Pacific/Chatham", "Fri 1 Jan 2027, 13:45 +1345 (Pacific/Chatham)"),
    ],
)
def test_format_names_the_zone_and_follows_dst(moment, zone, expected):
    assert format_in_zone(moment, zone) == expected


def test_unknown_zone_falls_back_to_utc_and_says_so():
    assert format_in_zone(datetime(2027, 1, 1, 12, 0, tzinfo=UTC), "Not/AZone") == "Fri 1 Jan 2027, 12:00 UTC"


def test_template_filters_render_in_the_given_zone():
    html = Template("{% load tz_display %}{{ t|in_zone:'Europe/Berlin' }} / {{ t|in_zone_time:'Asia/Kolkata' }}").render(
        Context({"t": datetime(2027, 7, 1, 7, 0, tzinfo=UTC)}))
    assert html == "Thu 1 Jul 2027, 09:00 CEST (Europe/Berlin) / 12:30 IST"


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["America/New_York", "America%2FNew_York"])
def test_a_visitors_zone_cookie_is_honoured_raw_or_url_encoded(client, cookie):
    client.cookies["tz"] = cookie
    assert "America/New_York" in client.get("/mentors/").content.decode()


@pytest.mark.django_db
def test_a_bogus_zone_cookie_falls_back_to_utc(client):
    client.cookies["tz"] = "Mars%2FOlympus"
    response = client.get("/mentors/")
    assert response.wsgi_request.tz_name == "UTC"


@pytest.mark.django_db
@pytest.mark.parametrize(("cookie", "zone"), [("Asia/Calcutta", "Asia/Kolkata"), ("US/Eastern", "America/New_York")])
def test_a_visitors_alias_zone_cookie_is_read_as_the_canonical_zone(client, mentor, cookie, zone):
    # Chrome reports old alias names (Asia/Calcutta) and the script stores what it reports; pages
    # name the zone as the zone lists do, and the slot picker preselects it.
    client.cookies["tz"] = cookie
    response = client.get(mentor.mentor_profile.get_absolute_url())
    assert response.wsgi_request.tz_name == zone
    assert f"<strong>{zone}</strong>" in response.content.decode()
    picker = client.get(f"/mentors/{mentor.pk}/slots/").content.decode()
    assert re.search(rf'<option value="{zone}"[^>]*selected', picker)
