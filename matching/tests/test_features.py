"""Feature building rules that need no database: daytime across DST, language detection, taxonomy."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from matching.features import build_taxonomy, daytime_hours, detect_language


def utc_hours(zone: str, day: datetime) -> list[int]:
    return [int(h) for h in np.flatnonzero(daytime_hours(zone, day))]


def test_daytime_follows_daylight_saving_time():
    winter, summer = datetime(2027, 1, 15, tzinfo=UTC), datetime(2027, 7, 15, tzinfo=UTC)
    assert utc_hours("Europe/Berlin", winter) == list(range(7, 19))   # 08:00-20:00 CET = 07-19 UTC
    assert utc_hours("Europe/Berlin", summer) == list(range(6, 18))   # CEST
    assert utc_hours("America/New_York", winter) == [0, *range(13, 24)]  # 08:00-20:00 EST = 13-01 UTC
    # Berlin and New York share 6 daytime hours in winter and 6 in summer (both shift), but on
    # the March weeks when only the US has switched they share 7.
    march = datetime(2027, 3, 20, tzinfo=UTC)
    shared = set(utc_hours("Europe/Berlin", march)) & set(utc_hours("America/New_York", march))
    assert len(shared) == 7


def test_unknown_zone_counts_as_utc():
    assert utc_hours("Mars/Olympus", datetime(2027, 1, 1, tzinfo=UTC)) == list(range(8, 20))


def test_language_of_goals_is_detected_only_when_sure():
    assert detect_language("Tengo miedo a hablar en público delante de mi jefe") == "es"
    assert detect_language("Ich habe Lampenfieber vor jeder Präsentation") == "de"
    assert detect_language("Quero entrar na área de ciência de dados") == "pt"
    assert detect_language("Je veux devenir développeuse web") == "fr"
    assert detect_language("I freeze when presenting to the board") == "en"
    assert detect_language("Kubernetes") is None  # too short to say


def test_skills_named_in_free_text_resolve_through_synonyms_and_acronyms():
    tax = build_taxonomy(skills=[(1, "JavaScript", "JS, ECMAScript"), (2, "Product management", "PM"),
                                 (3, "Go", "golang")], industries=[], languages=[("en", "English")])
    cols = tax.skills_in("I want to go deeper into ecmascript and become a PM; maybe learn Golang")
    assert cols == {0, 1, 2}
    assert tax.skills_in("I want to go home and js is lowercase here") == set()  # 'go' is a word; 'js' not caps
