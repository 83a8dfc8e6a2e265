"""People and their public and private profiles.

A User signs in with an email address and keeps an IANA time zone: everything is stored in UTC
and shown in that zone. A user can be a mentee, a mentor, or both (`is_mentor` / `is_mentee`);
each role has its own profile row, created when the role is taken on. Staff users are admins; the
`Moderators` group carries the ratings moderation permissions.

Skills and industries form a small normalised taxonomy: each term has a canonical name, a slug and
synonyms, so "JS", "javascript" and "JavaScript" are one skill for search and matching.
"""

from __future__ import annotations

import re
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import slugify

from accounts.timezones import cached_zone, validate_timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person. Lifecycle: created (signup, import or social login) -> email verified -> active.

    Deactivation (is_active=False) keeps history (bookings, ratings) intact.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=120, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone],
                                help_text="IANA time zone, e.g. Europe/Berlin")
    is_mentor = models.BooleanField(default=False)
    is_mentee = models.BooleanField(default=True)

    # Notification preferences: which reminders this person wants before a session.
    remind_24h = models.BooleanField("remind me 24 hours before", default=True)
    remind_1h = models.BooleanField("remind me 1 hour before", default=True)
    email_updates = models.BooleanField("email me about booking changes", default=True)

    # Private token for the iCalendar feed; rotating it revokes every subscribed calendar.
    calendar_token = models.CharField(max_length=64, unique=True, default=None, null=True, blank=True)
    # The guided start after sign-up (accounts.onboarding): the steps this person saved or skipped,
    # so coming back to /welcome/ resumes at the first step left.
    onboarding_steps = models.JSONField(default=list, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return cached_zone(self.timezone or "UTC")

    @property
    def is_moderator(self) -> bool:
        return self.is_staff or self.groups.filter(name=MODERATORS_GROUP).exists()

    def rotate_calendar_token(self) -> str:
        self.calendar_token = secrets.token_urlsafe(32)
        self.save(update_fields=["calendar_token"])
        return self.calendar_token


MODERATORS_GROUP = "Moderators"


class TaxonomyTerm(models.Model):
    """A canonical term with synonyms (comma-separated, matched case-insensitively)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    synonyms = models.TextField(blank=True, help_text="Comma-separated alternative names")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)

    @property
    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.split(",") if s.strip()]


class Skill(TaxonomyTerm):
    pass


class Industry(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name_plural = "industries"


class Language(models.Model):
    """A spoken language by ISO 639-1 code (rows come from accounts.languages via a migration)."""

    code = models.CharField(max_length=8, primary_key=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# THE listing condition on MentorProfile: listed by its owner and admins, and complete (not a draft,
# see accounts.completeness). The directory's partial indexes cover exactly these rows; every door
# that lists mentors reaches it through accounts.selectors.mentor_listed_q.
_LISTED = models.Q(is_listed=True, is_complete=True)


class Visibility(models.TextChoices):
    PUBLIC = "public", "Everyone: the public directory and my organisations"
    INTERNAL = "internal", "Only colleagues in my organisations"


_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SLUG_STAND_IN = "mentor-slug-stand-in"
_MENTOR_URL: dict[tuple, tuple[str, str]] = {}  # (URLconf, script prefix) -> the URL around a slug
RESPONDS_WITHIN_MINUTES = 24 * 60


def _new_slug() -> str:
    return secrets.token_hex(4)


class MentorProfile(models.Model):
    """The public face of a mentor. Its primary key is the user's id, so /mentors/<id>/ is stable.

    Lifecycle: created when a user becomes a mentor -> edited -> `accepting_bookings` toggles
    whether new bookings are taken (existing ones stay). `is_listed` hides it from the directory
    (set by admins, or when the user stops being a mentor). A new profile is a draft (`is_complete`
    False) until it has a headline, a bio, a skill, a session length and some availability
    (accounts.completeness); drafts are not listed or bookable, but their owner can preview them.
    """

    class CallMethod(models.TextChoices):
        JITSI = "jitsi", "Automatic video room (Jitsi Meet)"
        OWN_LINK = "own_link", "My own meeting link"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="mentor_profile")
    slug = models.SlugField(max_length=80, unique=True, help_text="Public URL: /mentors/<slug>/")
    headline = models.CharField(max_length=140, blank=True)
    bio = models.TextField(max_length=5000, blank=True)
    photo = models.ImageField(upload_to="photos/", blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="mentors")
    industries = models.ManyToManyField(Industry, blank=True, related_name="mentors")
    languages = models.ManyToManyField(Language, blank=True, related_name="mentors")
    years_experience = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(70)])
    offers_15 = models.BooleanField("offers 15-minute sessions", default=False)
    offers_30 = models.BooleanField("offers 30-minute sessions", default=True)
    offers_45 = models.BooleanField("offers 45-minute sessions", default=False)
    offers_60 = models.BooleanField("offers 60-minute sessions", default=False)
    call_method = models.CharField(max_length=16, choices=CallMethod.choices, default=CallMethod.JITSI)
    meeting_url = models.URLField(blank=True, help_text="Your own meeting link (Zoom, Meet, Teams ...)")
    accepting_bookings = models.BooleanField(default=True)
    is_listed = models.BooleanField(default=True)
    # Kept by accounts.services.mentor_completeness_refresh (never edited by hand): whether the
    # mentor has any free time set up (the availability services report it; accounts does not read
    # booking's tables), and whether the profile passes accounts.completeness's rule.
    has_availability = models.BooleanField(default=False, editable=False)
    is_complete = models.BooleanField(default=False, editable=False)
    # INTERNAL: seen and booked only by colleagues with an active membership in one of the mentor's
    # organisations (accounts.selectors decides who sees whom); never in the public directory.
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    # Denormalised rating aggregate, kept by the ratings service (exact, recomputable).
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_bayes = models.FloatField(default=0.0, db_index=True)
    # Recognition read by cards, profiles and the slot picker without a query of their own; kept
    # from the booking and rating record by the mentor-stats job (never edited by hand).
    response_median_minutes = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text="Median minutes from a request to the mentor's answer over recent requests (None: too few).")
    badges = models.JSONField(default=list, blank=True, editable=False,
                              help_text="Recognition earned from the record, e.g. ['quick_responder', 'top_mentor'].")
    # Full-text search document (PostgreSQL only; see accounts/search.py), kept by the services.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    # The name in lower case, for typo-tolerant trigram matching (pg_trgm, index
    # mentor_search_trgm); kept beside search_vector by mentor_search_refresh.
    search_text = models.TextField(blank=True, default="", editable=False)
    # Discovery by availability: a read model of the slot engine's answer, written only by
    # accounts.services.mentor_free_times_store (the booking side computes it and calls that; see
    # MentorFreeTime). None: no free time in the horizon, or not computed yet.
    next_free_at = models.DateTimeField(null=True, blank=True, editable=False)
    # next_free_at falls within DIRECTORY_FREE_SOON_DAYS: the default order lists these first.
    # Stored (not computed per query) so the default order stays an index scan; the roll-forward
    # job flips it as time passes.
    free_soon = models.BooleanField(default=False, editable=False)
    free_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offers_15=True) | models.Q(offers_30=True) | models.Q(offers_45=True)
                | models.Q(offers_60=True),
                name="mentor_offers_some_length",
            ),
        ]
        indexes = [
            # Directory text search (accounts.selectors.mentor_text_match). PostgreSQL only: the
            # migration skips it elsewhere.
            GinIndex(fields=["search_vector"], name="mentor_search_gin"),
            # One per directory order (accounts.selectors.mentors_search), listed mentors only, each
            # ending in the user-id tie-break: a page is an index scan that stops after 20 rows
            # instead of a sort of every mentor.
            models.Index(fields=["-rating_bayes", "-years_experience", "user"], condition=_LISTED,
                         name="mentor_dir_default"),
            models.Index(fields=["-rating_bayes", "-rating_count", "user"], condition=_LISTED, name="mentor_dir_rating"),
            models.Index(fields=["-years_experience", "user"], condition=_LISTED, name="mentor_dir_experience"),
            models.Index(fields=["-created_at", "user"], condition=_LISTED, name="mentor_dir_newest"),
            # The default order with mentors free soon first, and "earliest free time".
            models.Index(fields=["-free_soon", "-rating_bayes", "-years_experience", "user"], condition=_LISTED,
                         name="mentor_dir_free_default"),
            models.Index(fields=["next_free_at", "user"], condition=_LISTED, name="mentor_dir_earliest"),
            # Typo-tolerant search (accounts.selectors.mentor_text_match). PostgreSQL only.
            GinIndex(fields=["search_text"], name="mentor_search_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} (mentor)"

    def get_absolute_url(self) -> str:
        # A directory page asks for 12-20 of these; reverse() each time was ~1 ms of it. A slug of
        # plain slug characters is written into the URL as reverse() would write it.
        if not _PLAIN_SLUG.fullmatch(self.slug):
            return reverse("accounts:mentor_detail", kwargs={"slug": self.slug})
        key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
        around = _MENTOR_URL.get(key)
        if around is None:
            around = _MENTOR_URL[key] = tuple(
                reverse("accounts:mentor_detail", kwargs={"slug": _SLUG_STAND_IN}).split(_SLUG_STAND_IN))
        return f"{around[0]}{self.slug}{around[1]}"

    @property
    def session_lengths(self) -> list[int]:
        return [n for n in settings.SESSION_LENGTHS if getattr(self, f"offers_{n}")]

    def set_session_lengths(self, lengths) -> None:
        for n in settings.SESSION_LENGTHS:
            setattr(self, f"offers_{n}", n in lengths)

    @property
    def responds_within_a_day(self) -> bool:
        """The "responds within a day" signal on cards (response_median_minutes is kept elsewhere)."""
        return self.response_median_minutes is not None and self.response_median_minutes <= RESPONDS_WITHIN_MINUTES

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None


class MentorFreeTime(models.Model):
    """One run of a mentor's free slot starts within the discovery horizon, in UTC: every start on
    the mentor's slot grid from `start` to `last_start` is free for their shortest session length
    (so `first_end` = start + length and `end` = last_start + length).

    A read model for the directory's availability filters, never a source of truth: the booking
    side computes it with the slot picker's own selector (sessions.services.free_times) and writes
    it through accounts.services.mentor_free_times_store, which replaces a mentor's rows whole.
    Lifecycle: replaced on commit of every availability, policy or booking change of the mentor,
    and rolled forward by a periodic job as time passes; rows that end in the past are ignored by
    the filters (they ask for `last_start >= now`) and dropped at the next refresh.
    """

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="free_times")
    start = models.DateTimeField()
    first_end = models.DateTimeField()
    last_start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["mentor_id", "start"]
        indexes = [models.Index(fields=["mentor", "last_start", "first_end"], name="mentor_free_time_window")]

    def __str__(self) -> str:
        return f"{self.mentor_id} free {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC"


class MenteeProfile(models.Model):
    """What a mentee wants help with; the matching engine reads it."""

    class CareerStage(models.TextChoices):
        STUDENT = "student", "Student"
        EARLY = "early", "Early career (0-3 years)"
        MID = "mid", "Mid career (3-10 years)"
        SENIOR = "senior", "Senior (10+ years)"
        SWITCHING = "switching", "Changing careers"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="mentee_profile")
    goals = models.TextField(max_length=3000, blank=True, help_text="What do you want help with?")
    interests = models.ManyToManyField(Skill, blank=True, related_name="interested_mentees")
    industries = models.ManyToManyField(Industry, blank=True, related_name="mentees")
    languages = models.ManyToManyField(Language, blank=True, related_name="mentees")
    career_stage = models.CharField(max_length=16, choices=CareerStage.choices, blank=True)
    # The mentee's choice: whether a mentor they book sees their goals, career stage, industries
    # and their earlier sessions together on the request (on by default: it is why they wrote them).
    share_with_mentors = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user} (mentee)"


class ApiToken(models.Model):
    """A credential an API client sends as `Authorization: Token <key>`; a person may hold several
    (one per app or script) and see and revoke each.

    Lifecycle: created by signing in at the token endpoint (the key is shown once; only its SHA-256
    is stored, so a database leak gives no working key) -> used, which refreshes `last_used_at` ->
    revoked by its owner (deleted), or dead on its own: idle longer than API_TOKEN_IDLE_DAYS, or
    issued before the owner's password or email changed (`credential_stamp` no longer matches).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, blank=True, help_text="Which app or script uses it")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to recognise it")
    credential_stamp = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}... ({self.user})"


def mentor_rating_smoothing() -> tuple[float, int]:
    """(prior mean, prior weight) for the Bayesian average shown on profiles."""
    return (getattr(settings, "RATING_PRIOR_MEAN", 4.0), getattr(settings, "RATING_PRIOR_WEIGHT", 5))


__all__ = [
    "User", "Skill", "Industry", "Language", "MentorProfile", "MentorFreeTime", "MenteeProfile", "ApiToken", "MODERATORS_GROUP",
    "MinValueValidator",
]


class Block(models.Model):
    """One person blocking another. While it stands, the two cannot book each other (the blocked
    person does not even see the blocker's free times: a 404, as for a mentor not listed) and
    cannot message each other. Only the blocker sees or lifts it; the blocked person is never told.

    Lifecycle: created by accounts.services.block_create, deleted by block_remove; nothing else."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_blocked_blocker")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
