"""The API's answer follows its documented schema, refuses a bad period with a 400 that names the
field, and the CSV carries the same figures as the API (hidden ones as "<5")."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from insights.tests.support import march_program, member
from orgs.models import Membership

pytestmark = pytest.mark.django_db
PERIOD = "?from=2027-03-01&to=2027-03-31"


@pytest.fixture
def admin():
    march = march_program()
    return member(march.org, email="boss@acme.test", role=Membership.Role.ADMIN)


def test_the_schema_builds_without_warnings_and_describes_the_report(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/orgs/{slug}/insights/:" in text and "InsightsReportOut" in text
    assert "/api/v1/orgs/{slug}/programs/{program_slug}/insights/:" in text


def test_the_answer_has_every_documented_key(admin):
    client = APIClient()
    client.force_authenticate(admin)
    data = client.get(f"/api/v1/orgs/acme/programs/cross-team/insights/{PERIOD}").json()
    assert set(data) == {"organisation", "program", "from", "to", "timezone", "min_cell", "participation",
                         "satisfaction", "reach", "mentor_load", "topics"}
    assert (data["program"], data["from"], data["to"], data["timezone"]) == ("cross-team", "2027-03-01",
                                                                              "2027-03-31", "Europe/Berlin")
    assert set(data["participation"]["sessions"]["requested"]) == {"value", "suppressed", "display"}


@pytest.mark.parametrize("query,field", [("?from=2027-03-31&to=2027-03-01", "to"), ("?from=2027-03-01", "to"),
                                         ("?from=1999-01-01&to=2027-01-01", "from"), ("?from=x&to=2027-01-01", "from"),
                                         ("?from=2020-01-01&to=2027-01-01", "to")])
def test_a_bad_period_is_a_400_naming_the_field(admin, query, field):
    client = APIClient()
    client.force_authenticate(admin)
    response = client.get(f"/api/v1/orgs/acme/insights/{query}")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_a_bad_period_on_the_page_shows_the_form_error(admin):
    client = Client()
    client.force_login(admin)
    response = client.get("/orgs/acme/insights/?from=2027-03-31&to=2027-03-01")
    assert response.status_code == 400 and "The end comes before the start." in response.content.decode()
    assert client.get("/orgs/acme/insights.csv?from=2027-03-31&to=2027-03-01").status_code == 400


def test_the_csv_matches_the_api(admin, settings):
    settings.INSIGHTS_MIN_CELL = 2
    client = Client()
    client.force_login(admin)
    response = client.get(f"/orgs/acme/programs/cross-team/insights.csv{PERIOD}")
    assert response["Content-Disposition"] == (
        'attachment; filename="insights-acme-cross-team-2027-03-01-2027-03-31.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "figure", "row", "column", "value"]
    table = {tuple(r[:4]): r[4] for r in rows[2:]}
    api = APIClient()
    api.force_authenticate(admin)
    data = api.get(f"/api/v1/orgs/acme/programs/cross-team/insights/{PERIOD}").json()
    for key, cell in data["participation"]["sessions"].items():
        assert table[("participation", "sessions", key, "")] == cell["display"]
    assert table[("mentor load", "gini", "", "")] == data["mentor_load"]["gini"]["display"]
    assert "<2" in table.values()  # some figures are hidden at two people, in both
    assert any(c["display"] == "<2" for c in data["participation"]["sessions"].values())


def test_names_in_a_csv_cannot_become_formulas(admin, settings):
    from orgs.models import Department

    settings.INSIGHTS_MIN_CELL = 1
    Department.objects.filter(name="Sales").update(name="=HYPERLINK(1)")
    client = Client()
    client.force_login(admin)
    text = client.get(f"/orgs/acme/insights.csv{PERIOD}").content.decode()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
