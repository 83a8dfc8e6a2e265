"""manage.py sync_directory: problems by line and field (exit non-zero, nothing written), the dry
run's diff, the progress bar while applying."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from orgs.models import Membership
from orgs.tests.conftest import csv_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acme_domain")]


def _run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_directory", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def write(tmp_path):
    def to_file(content: bytes, name: str = "people.csv") -> str:
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return to_file


def test_problems_are_printed_by_line_and_field_and_nothing_is_written(acme, write):
    path = write(csv_file("ana@acme.test,Ana,Marketing", "bad-email,Bo,Sales", header="email,name,department"))
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("sync_directory", "acme", path, stdout=io.StringIO(), stderr=err)
    assert "2 problem(s) found" in str(refused.value) and "nothing was changed" in str(refused.value)
    assert "line 2, department: “Marketing” is not a department of Acme" in err.getvalue()
    assert "line 3, email: “bad-email” is not an email address" in err.getvalue()
    assert not User.objects.exists() and not Membership.objects.exists()


def test_the_command_exits_non_zero_on_problems(acme, write, capsys):
    path = write(csv_file("nope", header="email"))
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "sync_directory", "acme", path]).execute()
    assert exited.value.code != 0
    assert "line 2, email" in capsys.readouterr().err


def test_a_dry_run_prints_the_diff_and_writes_nothing(acme, write):
    path = write(csv_file("ana@acme.test,Ana Lopez,Engineering,IC2", header="email,name,department,level"))
    out, _ = _run("acme", path, "--dry-run")
    assert "+ ana@acme.test (Ana Lopez) [line 2]: new account; department Engineering; level IC2" in out
    assert "Acme: 1 row(s) read, 1 to create (1 new account(s)), 0 to update" in out
    assert "Dry run: nothing was changed." in out
    assert not Membership.objects.exists()


def test_applying_shows_progress_and_a_second_run_has_nothing_to_do(acme, write):
    path = write(csv_file(*(f"p{i}@acme.test,Person {i},Sales" for i in range(60)), header="email,name,department"))
    out, err = _run("acme", path)
    assert "Applied. Acme: 60 row(s) read, 60 created (60 new account(s))" in out
    assert "“Forgot password?”" in out
    assert "60/60" in err and "change" in err  # the tqdm bar, on stderr
    assert Membership.objects.filter(organisation=acme).count() == 60
    out, err = _run("acme", path)
    assert "Nothing to change." in out and err == ""


def test_json_by_name_or_by_flag(acme, write):
    content = b'[{"email": "ana@acme.test", "name": "Ana"}]'
    _run("acme", write(content, "people.txt"), "--format", "json", "--no-progress")
    assert Membership.objects.filter(user__email="ana@acme.test").exists()


def test_unknown_organisation_or_file(acme, write):
    with pytest.raises(CommandError, match="No organisation"):
        _run("globex", write(b"email\n"))
    with pytest.raises(CommandError, match="No such file"):
        _run("acme", "/nonexistent/people.csv")
