"""The demo company: an organisation running an internal program with a year of history.

Northwind Labs has five departments, a four-step ladder and about 150 people. Its people arrive
the way a real company's do: an HR export run through the directory sync (orgs.sync), so the demo
exercises the same code path as `manage.py sync_directory`. Forty of them mentor colleagues
(internal profiles: invisible outside the company), everyone may be a mentee, and one program,
"Cross-team mentoring", has run for a year with a monthly quota, a weekly capacity and the rule
that a mentor is at least one level above the mentee. Its sessions are booked, confirmed,
completed and rated through the booking and ratings services with the clock pinned (the
machinery of accounts.demo_history), so the insights page has a believable year to show.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta

from django.utils.text import slugify

from accounts import demo_data, services
from accounts.demo_history import History
from accounts.models import User
from orgs.models import Department, Level, Membership, Organisation, OrganisationDomain, Program
from orgs.services import programs as program_services
from orgs.sync import directory_sync
from sessions.models import Booking
from sessions.services import lifecycle
from sessions.services.availability import availability_seed_demo

NAME = "Northwind Labs"
SLUG = "northwind"
DOMAIN = "northwind.mentorship.local"
ZONE = "Europe/Berlin"
ADMIN = ("Priya Raman", f"priya.raman@{DOMAIN}")
# Department -> the demo field whose skills, questions and headlines its people use.
DEPARTMENTS = {"Engineering": "engineering", "Product": "product", "Design": "design", "Finance": "finance",
               "Sales": "marketing"}
LEVELS = [("A1", "Associate"), ("P2", "Professional"), ("S3", "Senior"), ("L4", "Lead")]
HEADCOUNT = {"Engineering": 50, "Product": 25, "Design": 20, "Finance": 25, "Sales": 30}
LOCATIONS = [("Berlin", "Europe/Berlin"), ("Lisbon", "Europe/Lisbon"), ("London", "Europe/London"),
             ("Toronto", "America/Toronto")]
TITLES = {
    "Engineering": ["Software Engineer", "Software Engineer", "Senior Software Engineer", "Engineering Lead"],
    "Product": ["Associate Product Manager", "Product Manager", "Senior Product Manager", "Group Product Manager"],
    "Design": ["Junior Designer", "Product Designer", "Senior Product Designer", "Design Lead"],
    "Finance": ["Financial Analyst", "Accountant", "Senior Financial Analyst", "Finance Lead"],
    "Sales": ["Sales Development Rep", "Account Executive", "Senior Account Executive", "Sales Lead"],
}
FIRST = ["Aisha", "Ben", "Carla", "Dmitri", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kemi", "Luca",
         "Maya", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoe",
         "Anton", "Bea", "Chen", "Dara", "Emil"]
LAST = ["Adeyemi", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito", "Jensen",
        "Kowalski", "Lopez", "Meyer", "Novak", "Okafor", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka"]
MENTORS = 40
PROGRAM_DAYS = 365


def _people(rng: random.Random) -> list[dict]:
    """The HR export: one row per person; each department's leads manage its seniors, who manage the rest."""
    names = [f"{first} {last}" for last in LAST for first in FIRST]
    rng.shuffle(names)
    rows: list[dict] = []
    number = 1000
    for department, count in HEADCOUNT.items():
        # A pyramid: more associates and professionals than seniors and leads.
        ladder = [0] * round(count * 0.3) + [1] * round(count * 0.35) + [2] * round(count * 0.22)
        ladder += [3] * (count - len(ladder))
        managers: dict[int, list[str]] = {}
        for rank in sorted(ladder, reverse=True):
            name = names.pop()
            email = f"{slugify(name).replace('-', '.')}@{DOMAIN}"
            location, _ = rng.choice(LOCATIONS)
            above = managers.get(3 if rank >= 2 else 2) or managers.get(3) or []
            number += 1
            rows.append({"email": email, "name": name, "department": department, "level": LEVELS[rank][0],
                         "title": TITLES[department][rank], "location": location,
                         "manager_email": rng.choice(above) if above and rank < 3 else "",
                         "employee_id": f"NW{number}", "active": "yes"})
            managers.setdefault(rank, []).append(email)
    admin_name, admin_email = ADMIN
    rows.append({"email": admin_email, "name": admin_name, "department": "Product", "level": "L4",
                 "title": "Head of Learning & Development", "location": "Berlin", "manager_email": "",
                 "employee_id": "NW0001", "active": "yes"})
    return rows


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


class ProgramHistory(History):
    """demo_history's story machinery over one program: sessions only between its enrolled people,
    each counted in the program (quota, capacity, rules and the department/level snapshot)."""

    past_days = PROGRAM_DAYS

    def __init__(self, *, program: Program, ranks: dict[int, tuple[int, int]], joined: dict[int, datetime],
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.program = program
        self.ranks = ranks  # user id -> (department id, level rank)
        self.joined = joined
        self.floor: datetime | None = None

    def _random_day(self) -> datetime:
        start = max(self.floor or self.now - timedelta(days=self.past_days), self.now - timedelta(days=self.past_days))
        return start + (self.now - timedelta(days=1.5) - start) * self.rng.random()

    def _mentors_for(self, mentee: User) -> list[User]:
        department, rank = self.ranks[mentee.pk]
        eligible = [m for m in self.mentors if m.pk != mentee.pk and self.ranks[m.pk][1] >= rank + 1]
        # The program prefers another department; most people take the hint.
        weights = [4 if self.ranks[m.pk][0] != department else 1 for m in eligible]
        return self.rng.choices(eligible, weights=weights, k=3) if eligible else []

    def run(self) -> dict[str, int]:
        past: list[Booking] = []
        mentees = sorted(self.mentees, key=lambda m: m.pk)
        for number, mentee in enumerate(mentees, start=1):
            if number % 25 == 0:
                self.progress(f"  company history: {number}/{len(mentees)} mentees")
            # Sessions are booked up to a week before they start and a few days around the drawn
            # day: a floor ten days after joining keeps every booking after the mentee joined.
            self.floor = self.joined[mentee.pk] + timedelta(days=10)
            for _ in range(int(self.rng.triangular(0, 12, 4))):
                for mentor in self._mentors_for(mentee):
                    booking = self._past_one(mentor, mentee=mentee, day=self._random_day())
                    if booking is not None:
                        if booking.status == Booking.Status.CONFIRMED:
                            past.append(booking)
                        break
        self.floor = None
        completed = self._finish(past)
        for booking in completed:
            if self.rng.random() < 0.7:
                self._rate(booking)
        for mentor in self.mentors:
            for _ in range(self.rng.choice([0, 1, 1, 2])):
                mentee = self.rng.choice(self.mentees)
                if self.ranks[mentor.pk][1] > self.ranks[mentee.pk][1]:
                    self._upcoming(mentor, mentee=mentee)
        lifecycle.requests_expire_due(now=self.now)
        self._backdate()
        return self.counts


def company_seed(*, now: datetime, rng: random.Random, password_hash: str, progress=None) -> dict[str, int]:
    """Create Northwind Labs, its people, its program and the program's year; a no-op if it exists."""
    progress = progress or (lambda message: None)
    if Organisation.objects.filter(slug=SLUG).exists():
        return {}
    org = Organisation.objects.create(name=NAME, slug=SLUG, timezone=ZONE,
                                      join_policy=Organisation.JoinPolicy.DOMAIN)
    OrganisationDomain.objects.create(organisation=org, domain=DOMAIN, verified_at=now - timedelta(days=PROGRAM_DAYS))
    for name in DEPARTMENTS:
        Department.objects.create(organisation=org, name=name, slug=slugify(name))
    for rank, (code, name) in enumerate(LEVELS, start=1):
        Level.objects.create(organisation=org, code=code, name=name, rank=rank)

    rows = _people(rng)
    plan = directory_sync(organisation=org, content=_csv(rows), fmt="csv", now=now - timedelta(days=PROGRAM_DAYS + 7))
    assert not plan.problems, plan.problems  # the demo's own file: a problem here is a bug in this module
    members = {m.user.email: m for m in Membership.objects.filter(organisation=org)
               .select_related("user", "department", "level")}
    admin = members[ADMIN[1]]
    Membership.objects.filter(pk=admin.pk).update(role=Membership.Role.ADMIN)
    zones = dict(LOCATIONS)
    for member in members.values():
        user = member.user
        user.password = password_hash
        user.timezone = zones.get(member.location, ZONE)
    User.objects.bulk_update([m.user for m in members.values()], ["password", "timezone"], batch_size=500)

    by_rank = sorted((m for m in members.values() if m.user.email != ADMIN[1]),
                     key=lambda m: (-m.level.rank, m.employee_id))
    mentor_members = by_rank[:MENTORS]
    mentors: list[tuple[User, str]] = []
    per_department: dict[str, int] = {}
    headlines: set[str] = set()
    for index, member in enumerate(mentor_members):
        field = DEPARTMENTS[member.department.name]
        nth = per_department[field] = per_department.get(field, -1) + 1
        headline, skills, bio = demo_data.FIELDS[field][1][nth % len(demo_data.FIELDS[field][1])]
        headline = f"{member.title}: {headline[0].lower()}{headline[1:]}"
        if headline in headlines:  # every profile reads as its own person
            headline = f"{member.title} in {member.location}: {headline.split(': ', 1)[1]}"
        headlines.add(headline)
        years = 4 + member.level.rank * 3
        services.user_set_roles(user=member.user, is_mentor=True, is_mentee=True)
        services.mentor_profile_update(
            user=member.user, headline=headline,
            bio=demo_data.mentor_bio(bio, years), skills=skills,
            industries=demo_data.FIELDS[field][0][:1], languages=["en"], years_experience=years,
            session_lengths=[15, 30] if index % 2 else [30], visibility="internal", accepting_bookings=True)
        availability_seed_demo(mentor=member.user, rng=random.Random(f"northwind-{member.user.email}"))
        mentors.append((member.user, field))
    mentor_ids = {m.pk for m, _ in mentors}
    mentees: list[User] = []
    for member in members.values():
        if member.user.pk in mentor_ids or member.user.email == ADMIN[1]:
            continue
        field = DEPARTMENTS[member.department.name]
        interests = sorted({s for _, skills, _ in demo_data.FIELDS[field][1][:3] for s in skills})[:4]
        services.user_set_roles(user=member.user, is_mentor=False, is_mentee=True)
        services.mentee_profile_update(
            user=member.user, goals=f"As a {member.title.lower()}, I want advice from colleagues outside "
            f"{member.department.name} on {interests[0].lower()} and where to grow next.",
            interests=interests, languages=["en"])
        mentees.append(member.user)

    start = now - timedelta(days=PROGRAM_DAYS)
    data = program_services.ProgramData(
        name="Cross-team mentoring", session_lengths=(15, 30),
        purpose="Thirty minutes with a colleague from another team, one or two levels up: "
                "bring one question, leave with one next step.",
        starts_on=start.astimezone(org.tzinfo).date(), ends_on=(now + timedelta(days=120)).astimezone(org.tzinfo).date(),
        mentee_quota_per_month=2, mentor_capacity=3, department_rule=Program.DepartmentRule.PREFER_OTHER,
        min_level_gap=1, allows_flash_questions=True)
    program = program_services.program_create(organisation=org, actor=admin.user, data=data)
    program = program_services.program_open(program=program, actor=admin.user, now=start)
    joined: dict[int, datetime] = {}
    for user, _ in mentors:
        program_services.enrollment_join(program=program, user=user, side="mentor", now=start)
        joined[user.pk] = start
    for user in mentees:
        if rng.random() < 0.12:
            # Invited by the admin and not (yet) joined: the insights count them as invited.
            program_services.enrollment_add(program=program, actor=admin.user, user=user, side="mentee", invite=True,
                                            now=start + timedelta(days=rng.uniform(0, 200)))
            continue
        at = start + timedelta(days=rng.triangular(0, 300, 20))
        program_services.enrollment_join(program=program, user=user, side="mentee", now=at)
        joined[user.pk] = at
    enrolled = [u for u in mentees if u.pk in joined]
    ranks = {m.user.pk: (m.department_id, m.level.rank) for m in members.values()}
    mentors = [(User.objects.select_related("mentor_profile").get(pk=m.pk), f) for m, f in mentors]
    enrolled = list(User.objects.filter(pk__in=[u.pk for u in enrolled]).select_related("mentee_profile")
                    .prefetch_related("mentee_profile__interests"))
    progress(f"Writing the program year of {NAME} ({len(enrolled)} mentees, {len(mentors)} mentors)...")
    story = ProgramHistory(program=program, ranks=ranks, joined=joined, mentors=mentors, mentees=enrolled,
                           demo_mentor=mentors[0][0], demo_mentee=enrolled[0], now=now,
                           rng=random.Random(f"{rng.random()}-northwind"), progress=progress)
    counts = story.run()
    return {"members": len(members), "mentors": len(mentors), "mentees": len(enrolled), **counts}
