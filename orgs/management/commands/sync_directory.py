"""manage.py sync_directory ORG FILE - the organisation's memberships from an HR export (orgs.sync)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from orgs.errors import OrgError
from orgs.models import Organisation
from orgs.sync import directory_sync

PROGRESS_FROM = 50  # changes; below this the sync is instant and a bar is noise


class Command(BaseCommand):
    help = ("Create, update, reactivate and deactivate an organisation's members from a CSV or JSON export "
            "(validated whole first; all or nothing; running it twice changes nothing the second time).")

    def add_arguments(self, parser):
        parser.add_argument("org", help="The organisation's slug")
        parser.add_argument("file", help="CSV or JSON file: email, name, department, level, title, location, "
                                         "manager_email, employee_id, active")
        parser.add_argument("--dry-run", action="store_true", help="Print what would change and write nothing")
        parser.add_argument("--deactivate-missing", action="store_true",
                            help="Deactivate members who are not in the file (organisation admins are kept)")
        parser.add_argument("--format", choices=["csv", "json"], help="Default: from the file's name or content")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar")

    def handle(self, *args, org: str, file: str, dry_run: bool = False, deactivate_missing: bool = False,
               format: str | None = None, no_progress: bool = False, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug “{org}”.")
        try:
            content = Path(file).read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}")
        arguments = {"organisation": organisation, "content": content, "fmt": format, "filename": file,
                     "deactivate_missing": deactivate_missing}

        plan = directory_sync(**arguments, dry_run=True)
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{len(plan.problems)} problem(s) found in {file}; nothing was changed. "
                               "Fix the file and run again.")
        for line in plan.lines():
            self.stdout.write(line)
        self.stdout.write(plan.summary())
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        if not plan.size:
            self.stdout.write(self.style.SUCCESS("Nothing to change."))
            return

        bar = tqdm(total=plan.size, unit="change", disable=no_progress or plan.size < PROGRESS_FROM,
                   file=self.stderr._out)
        try:
            done = directory_sync(**arguments, expected_digest=plan.digest, progress=bar.update)
        except OrgError as exc:
            raise CommandError(str(exc))
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Applied. {done.summary()}"))
        if done.accounts_created:
            self.stdout.write(f"{done.accounts_created} new account(s) have no password yet: people sign in with "
                              "“Forgot password?” on the sign-in page (or single sign-on where it is set up).")
        if done.accounts_locked:
            self.stdout.write(f"{done.accounts_locked} account(s) of people who left can no longer sign in.")
