"""One spelling for each action across our pages and allauth's: "Sign up", "Sign in"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

WRONG = re.compile(r"\b(Sign Up|Signup|SignUp|Log in|Log In|Login|Sign In)\b")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/mentors/"])
def test_pages_spell_sign_up_and_sign_in_one_way(path):
    html = Client().get(path).content.decode()
    text = re.sub(r"<[^>]+>", " ", html)  # visible words only, not URLs or attribute names
    assert not WRONG.findall(text), (path, sorted(set(WRONG.findall(text))))


def test_our_templates_spell_them_one_way():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            visible = re.sub(r"\{[%#{].*?[%#}]\}|<[^>]+>", " ", line)
            if WRONG.search(visible):
                offenders.append(f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
