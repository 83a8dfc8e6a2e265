"""python manage.py recommend [EMAIL ...] [--all] [--limit N] --format json

Prints {"<mentee email>": [{"mentor": "<email>", "score": 0.87, "reasons": [...]}, ...]} with the
same engine as the page and the API (matching.selectors.matches_for_many): stored lists when
present, scored on the fly against the stored mentor features otherwise (in one batch).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from matching.selectors import is_matchable_mentee, matches_for_many


class Command(BaseCommand):
    help = "Print recommended mentors for mentees, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("emails", nargs="*", metavar="EMAIL", help="Mentees' email addresses")
        parser.add_argument("--all", action="store_true", help="Every active mentee")
        parser.add_argument("--limit", type=int, default=10, help="Mentors per mentee (1-50, default 10)")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, emails, all, limit, **options):
        if not 1 <= limit <= 50:
            raise CommandError("--limit must be between 1 and 50.")
        if bool(emails) == bool(all):
            raise CommandError("Give mentee email addresses or --all (not both).")
        if all:
            mentees = list(User.objects.filter(is_active=True, is_mentee=True, mentee_profile__isnull=False)
                           .order_by("email"))
        else:
            wanted = [e.strip().lower() for e in emails]
            found = {u.email.lower(): u for u in User.objects.filter(email__in=wanted)}
            unknown = [e for e in wanted if e not in found]
            if unknown:
                raise CommandError(f"No such user: {', '.join(unknown)}")
            not_mentees = [e for e in wanted if not is_matchable_mentee(found[e])]
            if not_mentees:
                raise CommandError(f"Not an active mentee: {', '.join(not_mentees)}")
            mentees = [found[e] for e in wanted]
        matches = matches_for_many(mentees=mentees, limit=limit)
        out = {
            mentee.email: [{"mentor": m.mentor.email, "score": round(m.score, 4), "reasons": m.reasons}
                           for m in matches.get(mentee.pk, [])]
            for mentee in mentees
        }
        self.stdout.write(json.dumps(out, indent=2, ensure_ascii=False))
