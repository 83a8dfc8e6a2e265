"""manage.py seed_demo: realistic, deterministic demo data, logins printed, --if-empty respected."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from accounts.demo_data import DEMO_PASSWORD
from accounts.models import MenteeProfile, MentorProfile, User
from accounts.selectors import featured_mentors
from ratings.models import MentorReply, Rating
from ratings.services import mentor_aggregate_compute
from sessions.models import LIVE_STATUSES, Booking, BookingEvent, Notification, ReliabilityRecord

pytestmark = pytest.mark.django_db
# The history is written relative to the clock: pin it wherever seeding runs.
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def _seed(*args) -> str:
    import io

    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
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


@time_machine.travel(NOW, tick=False)
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


# --- The history: every page a newcomer opens has something real on it ------------------------


def _overlaps(rows) -> list:
    """Pairs of consecutive intervals (per owner) that overlap; rows are (owner, start, end)."""
    clashes, last = [], {}
    for owner, start, end in sorted(rows):
        if owner in last and last[owner][1] > start:
            clashes.append((last[owner], (start, end)))
        last[owner] = (start, end)
    return clashes


@time_machine.travel(NOW, tick=False)
def test_seeded_history_tells_a_true_story(client):
    _seed()
    sam = User.objects.get(email="sam.taylor@demo.mentorship.local")
    lena = User.objects.get(email="lena.hoffmann@demo.mentorship.local")

    featured = featured_mentors()
    assert featured and all(p.rating_count >= 2 for p in featured)
    page = client.get(reverse("accounts:mentor_detail", args=[featured[0].slug])).content.decode()
    assert "New mentor" not in page and f"{featured[0].rating_count} reviews" in page
    assert 'class="review-comment"' in page
    rated = MentorProfile.objects.filter(rating_count__gt=0).count()
    assert rated >= 50 and MentorProfile.objects.filter(rating_count=0).exists()  # a few new mentors

    for profile in MentorProfile.objects.all():
        told = re.findall(r"\b(\w+) years\b", profile.bio)
        assert all(n == str(profile.years_experience) for n in told), (profile.headline, profile.bio)
        count, total, bayes = mentor_aggregate_compute(mentor_id=profile.pk)
        assert (profile.rating_count, profile.rating_sum) == (count, total)
        assert profile.rating_bayes == pytest.approx(bayes)
    assert MentorProfile.objects.filter(bio__regex=r"\d+ years").count() >= 8

    reviews = Rating.objects.filter(direction=Rating.Direction.MENTEE_TO_MENTOR)
    assert set(reviews.values_list("stars", flat=True)) == {3, 4, 5}
    assert reviews.filter(stars__gte=4).count() > 0.8 * reviews.count()
    assert reviews.exclude(comment="").values("comment").distinct().count() >= 40
    assert MentorReply.objects.exists()
    assert Booking.objects.filter(status=Booking.Status.NO_SHOW).exists()
    assert Booking.objects.filter(status=Booking.Status.CANCELLED, cancelled_late=True).exists()
    assert ReliabilityRecord.objects.filter(no_shows__gt=0).exists()
    assert ReliabilityRecord.objects.filter(late_cancellations__gt=0).exists()
    # Past within about six months (the company's program goes back a year: its own test), upcoming
    # within two weeks, and history dated when it happened.
    assert not Booking.objects.filter(program__isnull=True, start__lt=NOW - timedelta(days=185)).exists()
    assert not Booking.objects.filter(start__gt=NOW + timedelta(days=15)).exists()
    assert BookingEvent.objects.filter(at__lt=NOW - timedelta(days=90)).exists()
    assert not BookingEvent.objects.filter(at__gt=NOW).exists()
    # Nobody is mailed about sessions that never happened; reminders of upcoming ones stay.
    assert not Notification.objects.filter(state="pending").exclude(kind__startswith="reminder_").exists()
    assert Notification.objects.filter(state="pending", kind__startswith="reminder_").exists()

    live = Booking.objects.filter(status__in=LIVE_STATUSES)
    assert _overlaps(live.values_list("mentor_id", "blocked_start", "blocked_end")) == []
    assert _overlaps(live.values_list("mentee_id", "start", "end")) == []

    client.force_login(sam)
    past = client.get(reverse("booking:my_sessions") + "?when=past").content.decode()
    upcoming = client.get(reverse("booking:my_sessions")).content.decode()
    assert past.count('data-status="completed"') >= 3
    assert 'data-status="confirmed"' in upcoming and 'data-status="requested"' in upcoming
    done = Booking.objects.filter(mentee=sam, status=Booking.Status.COMPLETED)
    unrated = done.exclude(ratings__rater=sam)
    assert done.count() >= 3 and unrated.count() == 1

    assert Booking.objects.filter(mentor=lena, status=Booking.Status.REQUESTED, start__gt=NOW).count() >= 2
    assert Booking.objects.filter(mentor=lena, status=Booking.Status.CONFIRMED, start__gt=NOW).exists()
    client.force_login(lena)
    assert "Needs your answer" in client.get(reverse("booking:my_sessions")).content.decode()

    counts = (Booking.objects.count(), Rating.objects.count(), BookingEvent.objects.count())
    assert "already exist" in _seed("--if-empty")
    assert (Booking.objects.count(), Rating.objects.count(), BookingEvent.objects.count()) == counts


@pytest.mark.parametrize("args", [(), ("--if-empty",), ("--print-logins",)])
def test_seed_demo_refuses_in_production_and_writes_nothing(settings, args):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    users_before = User.objects.count()
    with pytest.raises(CommandError, match="PRODUCTION=1"):
        _seed(*args)
    assert User.objects.count() == users_before == 0
    assert not MentorProfile.objects.exists() and not Notification.objects.exists()


def test_seed_demo_exits_non_zero_under_production_settings(tmp_path):
    # The real command line, as a deployment would run it: a non-zero exit and the reason on stderr.
    import os
    import subprocess
    import sys

    env = {**os.environ, "PRODUCTION": "1", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.com",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "TESTING": "0"}
    env.pop("DEBUG", None)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "manage.py", "seed_demo"], env=env, capture_output=True, text=True,
                            timeout=120, cwd=root)
    assert result.returncode == 1
    assert "refuses to run with PRODUCTION=1" in result.stderr
    assert "admin@" not in result.stdout and not (tmp_path / "prod.sqlite3").exists()


@time_machine.travel(NOW, tick=False)
def test_seeded_company_runs_a_program_with_a_year_its_manager_can_read(client):
    from orgs.models import Membership, Organisation, Program, ProgramEnrollment

    out = _seed()
    org = Organisation.objects.get(slug="northwind")
    assert org.departments.count() == 5 and org.levels.count() == 4
    members = Membership.objects.filter(organisation=org, is_active=True)
    assert 140 <= members.count() <= 160
    assert members.filter(manager__isnull=False).count() > 100  # the HR file's manager tree arrived
    program = Program.objects.get(organisation=org, status="open")
    sessions = Booking.objects.filter(program=program)
    completed = sessions.filter(status="completed")
    assert completed.count() >= 300
    # Every program session keeps both sides' department and level, and honours the program's rule.
    assert not sessions.filter(mentee_level__isnull=True).exists()
    assert not sessions.filter(mentor_department__isnull=True).exists()
    assert all(b.mentor_level.rank >= b.mentee_level.rank + 1
               for b in completed.select_related("mentor_level", "mentee_level"))
    crossed = completed.exclude(mentor_department=models.F("mentee_department")).count()
    assert crossed > completed.count() / 2
    joined = dict(ProgramEnrollment.objects.filter(program=program, side="mentee").values_list("user_id", "joined_at"))
    assert all(joined[b.mentee_id] is not None and b.created_at >= joined[b.mentee_id] for b in sessions)
    # Spread over the year, not bunched in the last weeks.
    assert sessions.filter(start__lt=NOW - timedelta(days=180)).count() >= 50

    # Internal mentors: colleagues see them, the public directory does not.
    internal = MentorProfile.objects.filter(visibility="internal")
    assert internal.count() == 40
    public_page = client.get(reverse("accounts:mentor_detail", args=[internal.first().slug]))
    assert public_page.status_code == 404

    assert "priya.raman@northwind.mentorship.local" in out
    assert client.login(email="priya.raman@northwind.mentorship.local", password=DEMO_PASSWORD)
    page = client.get(reverse("insights:orgs-insights", args=["northwind"])).content.decode()
    assert "Cross-team mentoring" in page and ">Reach<" in page and "No sessions in this period yet" not in page
