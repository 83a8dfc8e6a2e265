"""manage.py seed_demo: realistic, deterministic demo data, logins printed, --if-empty respected."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.demo_data import DEMO_PASSWORD
from accounts.models import MenteeProfile, MentorProfile, User

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    import io

    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_varied_mentors_mentees_admin_and_moderator():
    out = _seed()
    mentors = MentorProfile.objects.select_related("user").prefetch_related("languages", "skills")
    assert mentors.count() >= 60
    zones = {p.user.timezone for p in mentors}
    assert {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo"} <= zones
    languages = {lang.code for p in mentors for lang in p.languages.all()}
    assert {"es", "de", "fr", "pt", "hi"} <= languages
    skills = {s.name for p in mentors for s in p.skills.all()}
    assert {"Public speaking", "Career change", "Financial modelling", "Privacy law", "UX design"} <= skills
    assert len({p.headline for p in mentors}) == mentors.count()
    goals = list(MenteeProfile.objects.values_list("goals", flat=True))
    assert any("Quiero" in g or "Soy" in g for g in goals) and any("Ich" in g for g in goals)

    admin = User.objects.get(email="admin@demo.mentorship.local")
    assert admin.is_staff and admin.check_password(DEMO_PASSWORD)
    assert User.objects.get(email="moderator@demo.mentorship.local").is_moderator
    assert DEMO_PASSWORD in out and "lena.hoffmann@demo.mentorship.local" in out
    assert User.objects.get(email="lena.hoffmann@demo.mentorship.local").check_password(DEMO_PASSWORD)


def test_seed_demo_is_deterministic_and_safe_to_rerun():
    _seed()
    first = list(MentorProfile.objects.order_by("user__email").values_list(
        "user__email", "headline", "years_experience", "offers_15", "offers_60", "call_method"))
    _seed()
    again = list(MentorProfile.objects.order_by("user__email").values_list(
        "user__email", "headline", "years_experience", "offers_15", "offers_60", "call_method"))
    assert first == again


def test_if_empty_does_nothing_when_mentors_exist(mentor):
    out = _seed("--if-empty")
    assert "already exist" in out and MentorProfile.objects.count() == 1


def test_print_logins_only_prints():
    out = _seed("--print-logins")
    assert "admin@demo.mentorship.local" in out and User.objects.count() == 0
