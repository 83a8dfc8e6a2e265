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
    """A user with the mentor role and a listed profile that offers 30 and 60 minute sessions."""

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
