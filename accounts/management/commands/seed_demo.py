"""manage.py seed_demo [--if-empty] [--print-logins] — realistic demo data and its history.

People, profiles and availability are the same on every run; the history (accounts/demo_history.py)
is written once, relative to the moment of seeding, so the demo always looks current. A rerun
without --if-empty refreshes the profiles and leaves the history alone.
"""

from __future__ import annotations

import random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts import demo_company, demo_data, services
from accounts.demo_history import history_seed
from accounts.models import MODERATORS_GROUP, Industry, MentorProfile, Skill, User
from insights.services import booking_skills_refresh
from matching import services as matching_services
from sessions.models import AvailabilityRule
from sessions.services.availability import availability_seed_demo, policy_update

SEED = 2027
LENGTH_PATTERNS = [[30], [30, 60], [15, 30], [15, 30, 45, 60], [45, 60], [30, 45], [15], [60]]


def _email(name: str) -> str:
    return f"{slugify(name).replace('-', '.')}@{demo_data.DEMO_DOMAIN}"


ADMIN = ("Ada Admin", f"admin@{demo_data.DEMO_DOMAIN}")
MODERATOR = ("Mo Moderator", f"moderator@{demo_data.DEMO_DOMAIN}")
SAMPLE_MENTOR = "Lena Hoffmann"
SAMPLE_MENTEE = "Sam Taylor"


class Command(BaseCommand):
    help = "Create demo mentors, mentees, an admin and a moderator (deterministic; safe to rerun)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any mentor exists")
        parser.add_argument("--print-logins", action="store_true", help="Only print the demo logins")

    def handle(self, *args, if_empty: bool = False, print_logins: bool = False, **options):
        # The demo superuser's password is printed here and written in the README: in production it
        # would be a public admin login. Checked before anything else, so nothing is written.
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with PRODUCTION=1: it creates a superuser whose password "
                               "is public. Create an admin with `manage.py createsuperuser` instead.")
        if print_logins:
            self._print_logins()
            return
        if if_empty and MentorProfile.objects.exists():
            self.stdout.write("Mentors already exist; demo data not added.")
            return
        with transaction.atomic():
            counts = self._seed()
        # What the worker does nightly: recommendations are scored against precomputed features; and
        # what it does every few minutes: the insights' topics of the new bookings.
        matching_services.features_refresh_all()
        booking_skills_refresh()
        history = counts["history"]
        told = (f"; {history['completed']} past sessions, {history['reviews']} reviews, "
                f"{history['upcoming']} upcoming sessions and {history['requests']} open requests") if history else ""
        company = counts["company"]
        if company:
            told += (f"; {demo_company.NAME}: {company['members']} members, {company['mentors']} internal mentors "
                     f"and {company['completed']} program sessions over a year")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {counts['mentors']} mentors, {counts['mentees']} mentees, an admin and a moderator"
            f"{told}."))
        self._print_logins()

    def _print_logins(self) -> None:
        password = demo_data.DEMO_PASSWORD
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for role, email in (("admin", ADMIN[1]), ("moderator", MODERATOR[1]),
                            ("mentor", _email(SAMPLE_MENTOR)), ("mentee", _email(SAMPLE_MENTEE)),
                            ("program manager", demo_company.ADMIN[1])):
            self.stdout.write(f"  {role:<16} {email}")
        self.stdout.write(f"  (the program manager runs the program of {demo_company.NAME}: /orgs/{demo_company.SLUG}/)")

    def _user(self, *, name: str, timezone: str, **extra) -> User:
        email = _email(name) if "email" not in extra else extra.pop("email")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, name=name, timezone=timezone,
                                            is_mentee=False, **extra)
            # One hash for every demo user: hashing is deliberately slow and would dominate seeding.
            user.password = self._password_hash
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def _seed(self) -> dict[str, int]:
        self._password_hash = make_password(demo_data.DEMO_PASSWORD)
        rng = random.Random(SEED)
        for model, terms in ((Skill, demo_data.SKILLS), (Industry, demo_data.INDUSTRIES)):
            for name, synonyms in terms.items():
                model.objects.update_or_create(name=name, defaults={"slug": slugify(name.replace("&", "and")),
                                                                    "synonyms": synonyms})

        self._user(name=ADMIN[0], email=ADMIN[1], timezone="Europe/London", is_staff=True, is_superuser=True)
        moderator = self._user(name=MODERATOR[0], email=MODERATOR[1], timezone="America/New_York")
        moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))

        profiles = [(name, industries, p) for name, (industries, ps) in demo_data.FIELDS.items() for p in ps]
        rng.shuffle(profiles)
        people = sorted(demo_data.PEOPLE, key=lambda p: p[0] != SAMPLE_MENTOR)  # the sample login comes first
        mentors: list[tuple[User, str]] = []
        paused: list[User] = []
        for (name, zone, languages), (field, industries, (headline, skills, bio)) in zip(people, profiles,
                                                                                        strict=False):
            user = self._user(name=name, timezone=zone)
            services.user_set_roles(user=user, is_mentor=True, is_mentee=False)
            own_link = rng.random() < 0.25
            drawn = rng.randint(*demo_data.YEARS_RANGE)
            years = demo_data.YEARS.get(headline, drawn)
            services.mentor_profile_update(
                user=user, headline=headline, bio=demo_data.mentor_bio(bio, years), skills=skills,
                industries=rng.sample(industries, k=min(len(industries), rng.randint(1, 2))),
                languages=languages if "en" in languages else [*languages, "en"],
                years_experience=years, session_lengths=rng.choice(LENGTH_PATTERNS),
                call_method="own_link" if own_link else "jitsi",
                meeting_url=f"https://zoom.us/j/{rng.randint(10**9, 10**10 - 1)}" if own_link else "",
                # Everyone takes bookings while the history is written; the paused few stop after.
                accepting_bookings=True,
            )
            if rng.random() >= 0.9:
                paused.append(user)
            mentors.append((user, field))

        mentees: list[User] = []
        for record in demo_data.MENTEES:
            user = self._user(name=record["name"], timezone=record["timezone"])
            services.user_set_roles(user=user, is_mentor=False, is_mentee=True)
            services.mentee_profile_update(user=user, goals=record["goals"], interests=record["interests"],
                                           industries=record["industries"], languages=record["languages"],
                                           career_stage=record["career_stage"])
            mentees.append(user)
        for name, zone, interests in demo_data.COMMUNITY_MENTEES:
            user = self._user(name=name, timezone=zone)
            services.user_set_roles(user=user, is_mentor=False, is_mentee=True)
            services.mentee_profile_update(user=user, goals=f"Looking for practical advice on {interests[0].lower()}"
                                           f" and {interests[-1].lower()} from someone who has done it.",
                                           interests=interests, languages=["en"])
            mentees.append(user)

        self._seed_availability([m for m, _ in mentors])
        lena = mentors[0][0]
        # The demo mentor answers requests herself, so her sessions start as requests.
        policy_update(mentor=lena, requires_approval=True)
        sam = User.objects.get(email=_email(SAMPLE_MENTEE))
        self.stdout.write("Writing the demo history (past sessions, reviews, upcoming bookings)...")
        history = history_seed(mentors=mentors, mentees=mentees, demo_mentor=lena, demo_mentee=sam,
                               now=timezone.now(), rng=random.Random(f"{SEED}-history"), progress=self.stdout.write)
        for user in paused:
            services.mentor_profile_update(user=user, accepting_bookings=False)
        self.stdout.write(f"Adding {demo_company.NAME}, a company running an internal program...")
        company = demo_company.company_seed(now=timezone.now(), rng=random.Random(f"{SEED}-company"),
                                            password_hash=self._password_hash,
                                            progress=self.stdout.write)
        return {"mentors": len(mentors), "mentees": len(mentees), "history": history, "company": company}

    def _seed_availability(self, mentors: list[User]) -> None:
        for mentor in mentors:
            # A rerun keeps the week (and does not add the holiday override a second time).
            if not AvailabilityRule.objects.filter(mentor=mentor).exists():
                availability_seed_demo(mentor=mentor, rng=random.Random(f"{SEED}-{mentor.email}"))
