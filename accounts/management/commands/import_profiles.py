"""manage.py import_profiles FILE.json — onboard a company's mentors and mentees in bulk."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.importing import import_size, profiles_import
from mentorship.parsers import MAX_DEPTH, json_depth_exceeds

PROGRESS_FROM = 50  # records; below this the import is instant and a bar is noise


class Command(BaseCommand):
    help = "Create or update mentors and mentees from a JSON file (all or nothing; idempotent by email)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON file ({\"mentors\": [...], \"mentees\": [...]})")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar")

    def handle(self, *args, file: str, no_progress: bool = False, **options):
        try:
            with open(file, encoding="utf-8") as fh:
                text = fh.read()
            # Python's decoder recurses per level and dies with a RecursionError traceback; a
            # profile file nests four levels at most.
            if json_depth_exceeds(text, MAX_DEPTH):
                raise CommandError(f"{file} nests deeper than {MAX_DEPTH} levels; it is not a profiles file.",
                                   returncode=2)
            data = json.loads(text)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text: {exc}")
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")

        total = import_size(data)
        bar = tqdm(total=total, unit="record", disable=no_progress or total < PROGRESS_FROM, file=self.stderr._out)
        try:
            report = profiles_import(data=data, progress=bar.update)
        finally:
            bar.close()
        if report.errors:
            for line in report.errors:
                self.stderr.write(f"  {line}")
            raise CommandError(f"{len(report.errors)} problem(s) found; nothing was imported. Fix the file and rerun.")
        self.stdout.write(self.style.SUCCESS(
            f"Imported {report.mentors} mentor(s) and {report.mentees} mentee(s): "
            f"{report.users_created} new user(s), {report.users_updated} updated."
        ))
        if report.users_created:
            self.stdout.write("New users have no password yet; they set one with “Forgot password?” on the login page.")
