"""The time-zone list: canonical zones only, grouped by region, aliases mapped to their zone."""

from __future__ import annotations

import re

import pytest

from accounts.timezones import all_timezones, canonical_timezone, timezone_choices
from tests.factories import MenteeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("alias", "canonical"), [
    ("Asia/Calcutta", "Asia/Kolkata"), ("US/Eastern", "America/New_York"), ("Europe/Kiev", "Europe/Kyiv"),
    ("Etc/UTC", "UTC"), ("Asia/Kolkata", "Asia/Kolkata"), ("Mars/Base", "Mars/Base"),
])
def test_aliases_map_to_their_canonical_zone(alias, canonical):
    assert canonical_timezone(alias) == canonical


def test_the_list_offers_canonical_zones_only_grouped_by_region():
    zones = all_timezones()
    assert "Asia/Kolkata" in zones and "America/New_York" in zones and "UTC" in zones
    assert not {"Asia/Calcutta", "US/Eastern", "Europe/Kiev", "Etc/UTC", "GMT"} & set(zones)
    assert len(zones) < 450  # ~590 with the aliases
    groups = dict(timezone_choices())
    assert ("Europe/Berlin", "Berlin") in groups["Europe"]
    assert ("America/Argentina/Buenos_Aires", "Argentina/Buenos Aires") in groups["America"]
    assert groups["UTC"] == [("UTC", "UTC")]


def test_settings_page_groups_zones_offers_a_filter_and_stores_a_submitted_alias_canonically(client_for, mentee):
    client = client_for(mentee)
    html = client.get("/me/").content.decode()
    assert '<optgroup label="Europe">' in html and 'value="Asia/Calcutta"' not in html
    assert 'data-tz-filter-for="id_timezone"' in html and "js/tz-filter.js" in html
    response = client.post("/me/", {"name": "Manu", "timezone": "Asia/Calcutta", "is_mentee": "on"})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.timezone == "Asia/Kolkata"


def test_a_stored_alias_is_shown_as_its_canonical_zone(client_for):
    person = MenteeFactory(timezone="US/Eastern")
    html = client_for(person).get("/me/").content.decode()
    assert re.search(r'<option value="America/New_York"[^>]*selected', html)


def test_api_stores_an_alias_as_its_canonical_zone(client_for, mentee):
    response = client_for(mentee).patch("/api/v1/me/", {"timezone": "Asia/Calcutta"}, format="json")
    assert response.status_code == 200 and response.json()["timezone"] == "Asia/Kolkata"
    mentee.refresh_from_db()
    assert mentee.timezone == "Asia/Kolkata"


def test_slot_picker_groups_zones_and_selects_the_canonical_one(client, mentor):
    html = client.get(f"/mentors/{mentor.pk}/slots/?tz=Asia/Calcutta").content.decode()
    assert '<optgroup label="Asia">' in html
    assert re.search(r'<option value="Asia/Kolkata"[^>]*selected', html)
