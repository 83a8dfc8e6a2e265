"""Factories for every app's tests. Personas in conftest.py are built from these."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Industry, Language, MenteeProfile, MentorProfile, Skill, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    timezone = "UTC"
    is_mentee = False
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        # allauth needs a verified primary EmailAddress for mandatory verification.
        if not create:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Industry {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class MentorFactory(UserFactory):
    """A user with the mentor role and a listed profile that offers 30 and 60 minute sessions.

    Complete (not a draft, accounts.completeness) unless a test says otherwise
    (`profile__is_complete=False`): it has a headline and a bio, and is marked as having free
    time, which tests that book give it with availability rules of their own."""

    is_mentor = True

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if not create:
            return
        defaults = {
            "slug": slugify(obj.name or obj.email)[:50] + f"-{obj.pk}",
            "headline": "Engineering leader",
            "bio": "I help engineers grow.",
            "years_experience": 10,
            "offers_30": True,
            "offers_60": True,
            "has_availability": True,
            "is_complete": True,
        }
        defaults.update(kwargs)
        profile, _ = MentorProfile.objects.get_or_create(user=obj, defaults=defaults)
        english = Language.objects.get(code="en")
        profile.languages.add(english)


class MenteeFactory(UserFactory):
    is_mentee = True

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if not create:
            return
        defaults = {"goals": "Grow into a senior engineer."}
        defaults.update(kwargs)
        profile, _ = MenteeProfile.objects.get_or_create(user=obj, defaults=defaults)
        profile.languages.add(Language.objects.get(code="en"))


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed 30-minute booking tomorrow at 15:00 UTC, written straight to the table.

    For tests that need a booking in some state without going through the booking service (for
    example a completed session to rate). Tests of booking rules use the service instead.
    """

    class Meta:
        model = "booking.Booking"

    mentor = factory.SubFactory(MentorFactory)
    mentee = factory.SubFactory(MenteeFactory)
    start = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    )
    duration_minutes = 30
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=o.duration_minutes))
    blocked_start = factory.LazyAttribute(lambda o: o.start)
    blocked_end = factory.LazyAttribute(lambda o: o.end)
    status = "confirmed"
    topic = "Career growth"
    question = "How do I prepare for a staff engineer interview?"
    call_url = factory.Sequence(lambda n: f"https://meet.jit.si/mm-test-room-{n}")


# --- organisations (orgs) ---------------------------------------------------------------------------

class OrganisationFactory(factory.django.DjangoModelFactory):
    """A company with no domains, departments or levels; add them with the factories below or
    use `org_with_ladder()`."""

    class Meta:
        model = "orgs.Organisation"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    timezone = "Europe/Berlin"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orgs.Department"
        django_get_or_create = ("organisation", "slug")

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orgs.Level"
        django_get_or_create = ("organisation", "rank")

    organisation = factory.SubFactory(OrganisationFactory)
    rank = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"L{o.rank}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member (role member) of `organisation`; pass department= and level= for HR data."""

    class Meta:
        model = "orgs.Membership"

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    joined_at = factory.LazyFunction(timezone.now)


class ProgramFactory(factory.django.DjangoModelFactory):
    """An open program running from 30 days ago to 90 days ahead, 30-minute sessions, no limits."""

    class Meta:
        model = "orgs.Program"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    status = "open"
    starts_on = factory.LazyFunction(lambda: (timezone.now() - timedelta(days=30)).date())
    ends_on = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=90)).date())
    allows_15 = False
    allows_30 = True


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orgs.ProgramEnrollment"

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    side = "mentee"
    status = "joined"
    joined_at = factory.LazyFunction(timezone.now)


def org_with_ladder(*, name: str = "Acme", departments=("Engineering", "Finance", "Sales"),
                    levels=("IC1", "IC2", "IC3", "IC4")):
    """An organisation with the given departments and a ladder of levels (rank 1 = most junior).

    Returns (organisation, {department name: Department}, {level code: Level}).
    """
    org = OrganisationFactory(name=name, slug=slugify(name))
    depts = {d: DepartmentFactory(organisation=org, name=d, slug=slugify(d)) for d in departments}
    ladder = {code: LevelFactory(organisation=org, code=code, rank=i + 1) for i, code in enumerate(levels)}
    return org, depts, ladder
