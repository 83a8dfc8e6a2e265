"""manage.py import_profiles: validate everything, write all or nothing, idempotent by email."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts.models import MenteeProfile, MentorProfile, Skill, User
from tests.factories import IndustryFactory, MenteeFactory, SkillFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "mentors": [
        {"email": "Rita.Rao@Example.com", "name": "Rita Rao", "timezone": "Asia/Kolkata", "headline": "Data lead",
         "bio": "Analytics for a decade.", "expertise": ["SQL", "js"], "industries": ["Fintech"],
         "languages": ["en", "hi"], "years_experience": 11, "session_lengths": [15, 30]},
        {"email": "kai@example.com", "name": "Kai Berg", "timezone": "Europe/Berlin", "headline": "Designer",
         "bio": "", "expertise": ["Figma"], "industries": [], "languages": ["de"], "years_experience": 4,
         "session_lengths": [60]},
    ],
    "mentees": [
        {"email": "lu@example.com", "name": "Lu Chen", "timezone": "America/New_York", "goals": "Learn SQL",
         "interests": ["SQL"], "industries": ["Fintech"], "languages": ["en", "zh"]},
        {"email": "kai@example.com", "name": "Kai Berg", "timezone": "Europe/Berlin", "goals": "Get better at talks",
         "interests": ["Public speaking"], "industries": [], "languages": ["de"]},
    ],
}


def _write(tmp_path, data, name="people.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def _snapshot():
    return (User.objects.count(), MentorProfile.objects.count(), MenteeProfile.objects.count(), Skill.objects.count(),
            EmailAddress.objects.count())


def test_import_creates_users_profiles_and_verified_addresses(tmp_path, capsys):
    SkillFactory(name="JavaScript", synonyms="JS")
    call_command("import_profiles", _write(tmp_path, GOOD))
    out = capsys.readouterr().out
    assert "2 mentor(s) and 2 mentee(s): 3 new user(s)" in out
    rita = User.objects.get(email="rita.rao@example.com")
    assert rita.is_mentor and not rita.is_mentee and not rita.has_usable_password()
    assert EmailAddress.objects.get(user=rita).verified
    profile = rita.mentor_profile
    assert sorted(profile.skills.values_list("name", flat=True)) == ["JavaScript", "SQL"]
    assert profile.session_lengths == [15, 30] and profile.years_experience == 11
    kai = User.objects.get(email="kai@example.com")
    assert kai.is_mentor and kai.is_mentee and kai.mentee_profile.goals == "Get better at talks"


def test_reimporting_the_same_file_changes_nothing(tmp_path, capsys):
    path = _write(tmp_path, GOOD)
    call_command("import_profiles", path)
    before = _snapshot()
    profiles = list(MentorProfile.objects.order_by("pk").values())
    call_command("import_profiles", path)
    assert "0 new user(s), 3 updated" in capsys.readouterr().out
    assert _snapshot() == before
    after = list(MentorProfile.objects.order_by("pk").values())
    for row in (*profiles, *after):
        row.pop("updated_at")
    assert after == profiles


def test_import_updates_an_existing_user_found_by_email_and_keeps_their_roles(tmp_path):
    existing = MenteeFactory(email="rita.rao@example.com", name="Old Name", password="keep-this-password-1")
    call_command("import_profiles", _write(tmp_path, {"mentors": GOOD["mentors"][:1]}))
    existing.refresh_from_db()
    assert existing.name == "Rita Rao" and existing.is_mentor and existing.is_mentee
    assert existing.check_password("keep-this-password-1")


def test_a_bad_file_writes_nothing_and_reports_every_bad_record_by_position_and_field(tmp_path, capsys):
    bad = json.loads(json.dumps(GOOD))
    bad["mentors"].append({"email": "not-an-email", "name": "", "timezone": "Mars/Base", "languages": ["xx"],
                           "session_lengths": [20], "years_experience": 200, "bio": "b" * 5001})
    bad["mentees"][0]["languages"] = ["en", "klingon"]
    bad["mentees"].append({"email": "lu@example.com", "name": "Lu Again", "timezone": "UTC"})
    before = _snapshot()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_profiles", _write(tmp_path, bad))
    err = capsys.readouterr().err
    for expected in ("mentors[2] (not-an-email).email", "mentors[2] (not-an-email).name",
                     "mentors[2] (not-an-email).timezone", "mentors[2] (not-an-email).languages",
                     "mentors[2] (not-an-email).session_lengths", "mentors[2] (not-an-email).years_experience",
                     "mentors[2] (not-an-email).bio", "mentees[0] (lu@example.com).languages",
                     "mentees[2].email: lu@example.com already appears at mentees[0]"):
        assert expected in err, expected
    assert "Mars/Base" in err and "klingon" in err
    # The good records were not written either.
    assert _snapshot() == before
    assert not User.objects.filter(email="kai@example.com").exists()


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"mentors": {"email": "a@b.c"}}', "must be a list"),
    ('{"mentors": [], "admins": []}', "unknown section"),
    ('{"mentors": ["x"]}', "must be an object"),
])
def test_malformed_documents_are_refused_with_a_clear_message(tmp_path, capsys, content, message):
    with pytest.raises(CommandError) as exc:
        call_command("import_profiles", _write(tmp_path, content))
    assert message in str(exc.value) + capsys.readouterr().err
    assert User.objects.count() == 0


def test_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_profiles", "/nonexistent/people.json")


def test_large_file_shows_a_progress_bar(tmp_path, capsys):
    mentees = [{"email": f"m{i}@example.com", "name": f"Mentee {i}", "timezone": "UTC", "goals": "Grow"}
               for i in range(60)]
    call_command("import_profiles", _write(tmp_path, {"mentees": mentees}))
    captured = capsys.readouterr()
    assert "60/60" in captured.err and "60 mentee(s)" in captured.out
    assert MenteeProfile.objects.count() == 60


def test_a_deeply_nested_file_is_a_clear_error_with_exit_code_2(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "deep.json"
    path.write_text('{"mentors": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(CommandError, match="nests deeper than") as exc:
        call_command("import_profiles", str(path))
    assert exc.value.returncode == 2
    # Run as people do: one line on stderr, no traceback, exit status 2.
    result = subprocess.run([sys.executable, "manage.py", "import_profiles", str(path)], capture_output=True, text=True,
                            env={**__import__("os").environ, "DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode == 2 and "Traceback" not in result.stderr and "nests deeper" in result.stderr


def _company(n: int, prefix: str) -> dict:
    """n mentors and n mentees of one shape, so two sizes write the same kinds of rows."""
    return {
        "mentors": [{"email": f"{prefix}-mentor-{i}@example.com", "name": f"{prefix} Mentor {i}", "timezone": "Asia/Calcutta",
                     "headline": "Backend lead", "bio": "Ten years of services.", "expertise": ["Python", f"{prefix} niche {i}"],
                     "industries": ["Fintech"], "languages": ["en", "de"], "session_lengths": [30, 60]}
                    for i in range(n)],
        "mentees": [{"email": f"{prefix}-mentee-{i}@example.com", "name": f"{prefix} Mentee {i}", "timezone": "UTC",
                     "goals": "Learn Go", "interests": ["Go"], "industries": ["Fintech"], "languages": ["en"],
                     "career_stage": "early"}
                    for i in range(n)],
    }


def test_import_runs_the_same_number_of_queries_for_10_and_40_people_each_way():
    # 40, not more: SQLite splits an INSERT at 999 parameters (49 mentor profiles), PostgreSQL
    # does not; at scale the import also works in rounds of BATCH records.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.importing import profiles_import

    SkillFactory(name="Python"), SkillFactory(name="Go"), IndustryFactory(name="Fintech")
    with CaptureQueriesContext(connection) as few:
        report = profiles_import(data=_company(10, "few"))
    assert (report.mentors, report.mentees, report.users_created) == (10, 10, 20)
    with CaptureQueriesContext(connection) as many:
        report = profiles_import(data=_company(40, "many"))
    assert (report.mentors, report.mentees, report.users_created) == (40, 40, 80)
    assert len(many) == len(few), "\n".join(q["sql"][:120] for q in many.captured_queries)
    assert len(few) <= 45
    # Everything a record asks for was written.
    mentor = User.objects.get(email="many-mentor-39@example.com")
    assert mentor.timezone == "Asia/Kolkata" and mentor.is_mentor and not mentor.is_mentee
    assert sorted(mentor.mentor_profile.skills.values_list("name", flat=True)) == ["Many niche 39", "Python"]
    assert sorted(mentor.mentor_profile.languages.values_list("code", flat=True)) == ["de", "en"]
    assert mentor.mentor_profile.session_lengths == [30, 60]
    mentee = MenteeProfile.objects.get(user__email="many-mentee-0@example.com")
    assert (mentee.goals, mentee.career_stage) == ("Learn Go", "early")
    assert list(mentee.interests.values_list("name", flat=True)) == ["Go"]
    assert Skill.objects.filter(name="Python").count() == 1


def test_import_queues_one_recompute_per_person_and_a_rerun_queues_nothing(tmp_path):
    from matching.models import RecomputeRequest

    path = _write(tmp_path, _company(3, "co"))
    call_command("import_profiles", path)
    pending = {(r.kind, r.subject_id): r.due_at for r in RecomputeRequest.objects.all()}
    ids = dict(User.objects.values_list("email", "pk"))
    assert set(pending) == ({("mentor", ids[f"co-mentor-{i}@example.com"]) for i in range(3)}
                            | {("mentee", ids[f"co-mentee-{i}@example.com"]) for i in range(3)})
    call_command("import_profiles", path)
    assert {(r.kind, r.subject_id): r.due_at for r in RecomputeRequest.objects.all()} == pending


def test_reimport_with_changes_replaces_links_and_updates_only_what_changed(tmp_path):
    first = _company(2, "co")
    call_command("import_profiles", _write(tmp_path, first))
    untouched = MentorProfile.objects.get(user__email="co-mentor-1@example.com")
    second = json.loads(json.dumps(first))
    second["mentors"][0].update(expertise=["Go"], languages=["fr"], headline="Platform lead", name="Co Renamed")
    second["mentees"][0].update(interests=["Rust"], goals="Learn Rust")
    call_command("import_profiles", _write(tmp_path, second, "second.json"))
    changed = MentorProfile.objects.get(user__email="co-mentor-0@example.com")
    assert list(changed.skills.values_list("name", flat=True)) == ["Go"]
    assert list(changed.languages.values_list("code", flat=True)) == ["fr"]
    assert changed.headline == "Platform lead" and changed.user.name == "Co Renamed"
    assert MentorProfile.objects.get(pk=untouched.pk).updated_at == untouched.updated_at
    mentee = MenteeProfile.objects.get(user__email="co-mentee-0@example.com")
    assert mentee.goals == "Learn Rust" and list(mentee.interests.values_list("name", flat=True)) == ["Rust"]


def test_unsafe_text_is_reported_by_position_and_nothing_is_written(tmp_path, capsys):
    bad = _company(2, "co")
    bad["mentors"][1]["name"] = "Eve\r\nBcc: all@example.com"
    bad["mentors"][1]["bio"] = "fine\x1b[31m"
    bad["mentees"][0]["interests"] = ["Go\nlang"]
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_profiles", _write(tmp_path, bad))
    err = capsys.readouterr().err
    assert "mentors[1] (co-mentor-1@example.com).name" in err and "mentors[1] (co-mentor-1@example.com).bio" in err
    assert "mentees[0] (co-mentee-0@example.com).interests" in err
    assert User.objects.count() == 0
