"""python manage.py recommend ... --format json"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from matching import services
from matching.tests.conftest import make_mentee

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command("recommend", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_prints_ranked_mentors_per_mentee_computed_on_the_fly(pool):
    make_mentee("freeze@example.com", "I freeze when presenting to the board")
    data = run("freeze@example.com", "--limit", "2")
    (items,) = data.values()
    assert list(data) == ["freeze@example.com"]
    assert len(items) == 2 and items[0]["mentor"] == "speaker@example.com"
    assert set(items[0]) == {"mentor", "score", "reasons"} and 0 < items[0]["score"] <= 1 and items[0]["reasons"]


def test_all_uses_the_same_stored_scores_as_the_api(pool, client_for):
    a = make_mentee("a@example.com", "I freeze when presenting to the board")
    make_mentee("b@example.com", "Tengo miedo a hablar en público", languages=("es",))
    services.matches_recompute_all()
    data = run("--all")
    assert list(data) == ["a@example.com", "b@example.com"]
    assert data["b@example.com"][0]["mentor"] == "oratoria@example.com"
    api = client_for(a).get("/api/v1/matches/", {"limit": 10}).json()["results"]
    emails = {u.pk: u.email for u in pool.values()}
    assert [(m["mentor"], m["score"]) for m in data["a@example.com"]] == [
        (emails[r["mentor"]["id"]], r["score"]) for r in api
    ]


def test_unknown_email_is_a_clear_error(pool):
    with pytest.raises(CommandError, match="No such user: nobody@example.com"):
        run("nobody@example.com")


def test_a_mentor_is_not_a_mentee(pool):
    with pytest.raises(CommandError, match="Not an active mentee: speaker@example.com"):
        run("speaker@example.com")


@pytest.mark.parametrize("args", [(), ("--all", "x@example.com"), ("--all", "--limit", "0")])
def test_bad_arguments_are_errors(args, pool):
    with pytest.raises(CommandError):
        run(*args)


def test_all_mixes_stored_lists_and_on_the_fly_ones_in_one_run(pool):
    stored = make_mentee("stored@example.com", "I freeze when presenting to the board")
    make_mentee("fresh@example.com", "Tengo miedo a hablar en público", languages=("es",))
    services.matches_recompute_for_mentees(mentee_ids=[stored.pk])
    data = run("--all", "--limit", "1")
    assert data == {
        "fresh@example.com": [{"mentor": "oratoria@example.com", "score": data["fresh@example.com"][0]["score"],
                               "reasons": data["fresh@example.com"][0]["reasons"]}],
        "stored@example.com": [{"mentor": "speaker@example.com", "score": data["stored@example.com"][0]["score"],
                                "reasons": data["stored@example.com"][0]["reasons"]}],
    }
