"""Recompute the directory's free times (accounts.MentorFreeTime and each mentor's next free start)
for every mentor, or some: after a bulk load that went around the services, after a deploy that
changed the slot engine, or to fill a fresh copy of a database."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from accounts.models import MentorProfile
from sessions.services.free_times import mentors_free_times_refresh


class Command(BaseCommand):
    help = "Recompute every mentor's free times over the directory's horizon (with a progress bar)."

    def add_arguments(self, parser):
        parser.add_argument("--mentor", type=int, action="append", default=[], help="Only this mentor id (repeatable)")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar")

    def handle(self, *args, mentor: list[int], no_progress: bool = False, **options):
        ids = mentor or list(MentorProfile.objects.order_by("user_id").values_list("user_id", flat=True))
        bar = tqdm(total=len(ids), unit="mentor", disable=no_progress, file=self.stderr._out)
        try:
            done = mentors_free_times_refresh(mentor_ids=ids, progress=bar.update)
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Free times recomputed for {done} mentor(s)."))
