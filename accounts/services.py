"""Every write to accounts data goes through here (settings, roles, profiles, taxonomy).

Validation lives here too, so the pages, the API and the importer give the same answers; forms
and serializers only parse input. Profile writes tell the matching engine what changed, inside
the same transaction, so a recompute never runs against data that was rolled back.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Model
from django.utils import timezone
from django.utils.text import slugify

from accounts.completeness import mentor_completeness
from accounts.errors import AccountError
from accounts.free_times import mentor_free_times_mark_stale
from accounts.models import ApiToken, Block, Industry, Language, MenteeProfile, MentorProfile, Skill, User, Visibility
from accounts.onboarding import STEP_KEYS
from accounts.search import mentor_search_refresh
from accounts.timezones import canonical_timezone, is_valid_timezone
from accounts.validators import photo_normalise, split_terms
from matching import triggers
from mentorship.text import text_errors
from orgs.selectors import active_org_ids

USER_FIELDS = ("name", "timezone", "is_mentor", "is_mentee", "remind_24h", "remind_1h", "email_updates")
MENTOR_FIELDS = ("headline", "bio", "photo", "skills", "industries", "languages", "years_experience",
                 "session_lengths", "call_method", "meeting_url", "accepting_bookings", "visibility")
MENTEE_FIELDS = ("goals", "interests", "industries", "languages", "career_stage", "share_with_mentors")


# --- Taxonomy ----------------------------------------------------------------------------------

def _canonical_name(name: str) -> str:
    # People type "machine learning" or "kubernetes"; store "Machine learning" and "Kubernetes", but
    # leave anything with capitals alone ("iOS", "AWS", "PostgreSQL") because its author chose them.
    name = " ".join(name.split())
    return name[0].upper() + name[1:] if name.islower() else name


def _slug_base(name: str) -> str:
    return slugify(name.replace("+", " plus ").replace("#", " sharp ").replace("&", " and "))[:70] or "term"


def _unique_slug(model: type[Model], name: str) -> str:
    base = _slug_base(name)
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _taxonomy_index(model: type[Skill] | type[Industry]) -> dict[str, Any]:
    """Every way a term may be written (name, slug, synonym; lower case) -> the term."""
    index: dict[str, Any] = {}
    for term in model.objects.all():
        index.setdefault(term.name.lower(), term)
        index.setdefault(term.slug, term)
        for synonym in term.synonym_list:
            index.setdefault(synonym.lower(), term)
    return index


def taxonomy_resolve(*, model: type[Skill] | type[Industry], names: Iterable[str], create: bool = True) -> list:
    """Map free-text names to canonical terms: by name, slug or synonym, case-insensitively.

    Unknown names become new canonical terms when `create` is set (a mentor's niche skill is
    still a skill); otherwise they are dropped. Order follows the input, without duplicates.
    """
    names = list(names)
    if not names:
        return []
    index = _taxonomy_index(model)
    out: list = []
    for raw in names:
        name = " ".join(raw.split())
        # Exact name, synonym or slug only: slugify() would fold "C++" and "C#" into "C".
        term = index.get(name.lower())
        if term is None and create:
            canonical = _canonical_name(name)
            term, _ = model.objects.get_or_create(name=canonical, defaults={"slug": _unique_slug(model, canonical)})
            index[name.lower()] = term
        if term is not None and term not in out:
            out.append(term)
    return out


def taxonomy_resolve_bulk(*, model: type[Skill] | type[Industry], names: Iterable[str]) -> dict[str, Any]:
    """taxonomy_resolve for a whole import at once: {name as written, lower case: term}.

    The same matching rules, but one query for the taxonomy and one INSERT for every new term
    (resolving per record read the whole taxonomy twice per record). Names must come cleaned by
    `split_terms`. Slugs of new terms are chosen against the slugs already in use, in memory.
    """
    index = _taxonomy_index(model)
    taken = {term.slug for term in index.values()}
    new_terms: dict[str, Any] = {}
    for raw in names:
        key = " ".join(raw.split()).lower()
        if key in index:
            continue
        canonical = _canonical_name(" ".join(raw.split()))
        term = new_terms.get(canonical.lower())
        if term is None:
            base = _slug_base(canonical)
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            term = new_terms[canonical.lower()] = model(name=canonical, slug=slug)
        index[key] = term
    model.objects.bulk_create(new_terms.values())
    return index


def mentor_slugs_allocate(*, users: Iterable[User]) -> dict[int, str]:
    """Profile slugs for many new mentors at once, by `_unique_mentor_slug`'s rule (the name
    slugified, a random suffix when taken), checked against the database in one query (plus one
    per round of suffixes) instead of one per mentor."""
    bases = {user.pk: slugify(user.name or user.email.split("@")[0])[:60] or "mentor" for user in users}
    taken = set(MentorProfile.objects.filter(slug__in=set(bases.values())).values_list("slug", flat=True))
    slugs: dict[int, str] = {}
    drawn = list(bases)
    while drawn:
        suffixed: dict[int, str] = {}
        for pk in drawn:
            slug = slugs.get(pk, bases[pk])
            while slug in taken:
                slug = f"{bases[pk]}-{secrets.token_hex(2)}"
            taken.add(slug)
            slugs[pk] = slug
            if slug != bases[pk]:
                suffixed[pk] = slug
        # A random suffix may clash with a slug the first query did not look for.
        clashes = set(MentorProfile.objects.filter(slug__in=suffixed.values()).values_list("slug", flat=True)) \
            if suffixed else set()
        taken |= clashes
        drawn = [pk for pk, slug in suffixed.items() if slug in clashes]
    return slugs


def profiles_bulk_changed(*, search_ids: Iterable[int], mentor_ids: Iterable[int], mentee_ids: Iterable[int]) -> None:
    """After a bulk write: one search-document refresh and one batch of match recomputes for
    everyone it changed (per-profile services do this per call). Call inside the transaction."""
    search_ids = list(search_ids)
    mentor_ids = list(mentor_ids)
    if search_ids:
        mentor_search_refresh(mentor_ids=search_ids)
    mentors_completeness_refresh(mentor_ids=mentor_ids)
    triggers.mentors_changed(mentor_ids=mentor_ids)
    triggers.mentees_changed(mentee_ids=mentee_ids)


def _languages_resolve(codes, errors: dict[str, list[str]]) -> list[Language] | None:
    if isinstance(codes, str):
        codes = [c for c in codes.replace(" ", ",").split(",") if c]
    try:
        codes = [str(c).strip().lower() for c in codes]
    except TypeError:
        errors["languages"] = ["Give a list of ISO 639-1 language codes, e.g. [\"en\", \"es\"]."]
        return None
    found = {lang.code: lang for lang in Language.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["languages"] = [f"Unknown language code: {', '.join(unknown)} (use ISO 639-1 codes such as en, es, de)."]
        return None
    return [found[c] for c in dict.fromkeys(codes)]


def _terms(model, value, field: str, errors: dict[str, list[str]]) -> list | None:
    try:
        names = split_terms(value)
    except ValidationError as exc:
        errors[field] = list(exc.messages)
        return None
    return taxonomy_resolve(model=model, names=names)


def _check_length(obj: Model, field: str, errors: dict[str, list[str]]) -> None:
    # TextField.max_length only sizes the HTML widget; the model does not enforce it, so we do.
    limit = obj._meta.get_field(field).max_length
    value = getattr(obj, field) or ""
    if limit and len(value) > limit:
        errors.setdefault(field, []).append(f"Use at most {limit} characters (it has {len(value)}).")


def _collect(exc: ValidationError, errors: dict[str, list[str]]) -> None:
    for field, messages in exc.message_dict.items():
        errors.setdefault(field, []).extend(messages)


# --- Users and roles ---------------------------------------------------------------------------

def _unique_mentor_slug(user: User) -> str:
    base = slugify(user.name or user.email.split("@")[0])[:60] or "mentor"
    slug = base
    while MentorProfile.objects.filter(slug=slug).exclude(user=user).exists():
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


@transaction.atomic
def user_set_roles(*, user: User, is_mentor: bool, is_mentee: bool) -> User:
    """Give the user the roles asked for, creating the profile of each new role.

    Dropping the mentor role unlists the profile but keeps it (bookings and ratings refer to it).
    """
    was_mentor, was_mentee = user.is_mentor, user.is_mentee
    user.is_mentor = is_mentor
    user.is_mentee = is_mentee
    user.save(update_fields=["is_mentor", "is_mentee"])
    if is_mentor:
        profile, created = MentorProfile.objects.get_or_create(user=user, defaults={"slug": _unique_mentor_slug(user)})
        if created:
            mentor_search_refresh(mentor_ids=[user.pk])
        if not created and not profile.is_listed:
            profile.is_listed = True
            profile.save(update_fields=["is_listed"])
    else:
        MentorProfile.objects.filter(user=user).update(is_listed=False)
    if is_mentee:
        MenteeProfile.objects.get_or_create(user=user)
    if was_mentor != is_mentor:
        triggers.mentors_changed(mentor_ids=[user.pk])
    if is_mentee and not was_mentee:
        triggers.mentee_changed(mentee_id=user.pk)
    return user


@transaction.atomic
def user_update(*, user: User, **changes: Any) -> User:
    """Change a person's settings: name, time zone, roles and notification preferences."""
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise AccountError("Unknown fields.", field_errors={f: ["This field cannot be changed here."] for f in unknown})
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        raw_name = str(changes["name"] or "").strip()
        name = " ".join(raw_name.split())
        if name_errors := text_errors(single_line={"name": raw_name}):
            errors.update(name_errors)
        elif not name:
            errors["name"] = ["Tell people what to call you."]
        elif len(name) > 120:
            errors["name"] = ["Use at most 120 characters."]
        changes["name"] = name
    if "timezone" in changes and not is_valid_timezone(changes["timezone"]):
        errors["timezone"] = [f"“{changes['timezone']}” is not a known IANA time zone (for example Europe/Berlin)."]
    elif "timezone" in changes:
        changes["timezone"] = canonical_timezone(changes["timezone"])  # Asia/Calcutta -> Asia/Kolkata
    is_mentor = bool(changes.pop("is_mentor", user.is_mentor))
    is_mentee = bool(changes.pop("is_mentee", user.is_mentee))
    if not (is_mentor or is_mentee):
        errors["is_mentee"] = ["Choose at least one role: mentee, mentor or both."]
    if errors:
        raise AccountError("Please correct the errors below.", field_errors=errors)

    zone_changed = "timezone" in changes and changes["timezone"] != user.timezone
    name_changed = "name" in changes and changes["name"] != user.name
    for field, value in changes.items():
        setattr(user, field, bool(value) if field in ("remind_24h", "remind_1h", "email_updates") else value)
    if changes:
        user.save(update_fields=list(changes))
    if (is_mentor, is_mentee) != (user.is_mentor, user.is_mentee):
        user_set_roles(user=user, is_mentor=is_mentor, is_mentee=is_mentee)
    if name_changed:
        mentor_search_refresh(mentor_ids=[user.pk])  # the name is part of the directory's search document
    if zone_changed:
        # Matching prefers mentors whose working hours overlap the mentee's; a new zone changes that.
        if user.is_mentee:
            triggers.mentee_changed(mentee_id=user.pk)
        if user.is_mentor:
            triggers.mentors_changed(mentor_ids=[user.pk])
            # Their weekly hours now fall at other moments: the directory's free times follow
            # within the roll-forward job's next run (accounts.free_times).
            mentor_free_times_mark_stale(mentor_ids=[user.pk])
    return user


def onboarding_step_pass(*, user: User, step: str) -> User:
    """Record a guided-start step as saved or skipped (accounts.onboarding), so /welcome/ resumes
    after it. Idempotent; an unknown step is refused."""
    if step not in STEP_KEYS:
        raise AccountError("No such step.", code="not_found")
    if step not in user.onboarding_steps:
        user.onboarding_steps = [*user.onboarding_steps, step]
        user.save(update_fields=["onboarding_steps"])
    return user


# --- Profiles ----------------------------------------------------------------------------------

def _check_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise AccountError("Unknown fields.", field_errors={f: ["Unknown field."] for f in sorted(unknown)})


@transaction.atomic
def mentor_profile_update(*, user: User, **changes: Any) -> MentorProfile:
    """Edit a mentor's public profile. Pass only what changes; `photo=None` removes the photo.

    `skills` and `industries` take names (a list or a comma-separated string) resolved through
    the taxonomy; `languages` takes ISO codes; `session_lengths` any of settings.SESSION_LENGTHS.
    """
    _check_fields(changes, MENTOR_FIELDS)
    if not user.is_mentor:
        raise AccountError("Take on the mentor role first (in your account settings).", code="not_a_mentor")
    profile = MentorProfile.objects.select_for_update().get(user=user)
    errors: dict[str, list[str]] = {}
    m2m: dict[str, list] = {}
    old_photo = profile.photo.name if profile.photo else ""

    for field in ("headline", "bio", "call_method", "meeting_url"):
        if field in changes:
            setattr(profile, field, (changes[field] or "").strip())
    for field in ("accepting_bookings",):
        if field in changes:
            setattr(profile, field, bool(changes[field]))
    if "visibility" in changes:
        visibility = changes["visibility"]
        if visibility not in Visibility.values:
            errors["visibility"] = ["Choose public or internal."]
        elif visibility == Visibility.INTERNAL and visibility != profile.visibility and not active_org_ids(user=user):
            # Internal means "colleagues only": without an organisation nobody could find them.
            errors["visibility"] = ["Only members of an organisation can mentor internally."]
        else:
            profile.visibility = visibility
    if "years_experience" in changes:
        try:
            years = int(changes["years_experience"])
        except (TypeError, ValueError):
            errors["years_experience"] = ["Enter a whole number of years."]
        else:
            if not 0 <= years <= 70:
                errors["years_experience"] = ["Enter a number from 0 to 70."]
            profile.years_experience = max(0, min(years, 70))
    if "session_lengths" in changes:
        try:
            lengths = sorted({int(n) for n in changes["session_lengths"] or []})
        except (TypeError, ValueError):
            lengths = None
        allowed = list(settings.SESSION_LENGTHS)
        if lengths is None or any(n not in allowed for n in lengths):
            errors["session_lengths"] = [f"Session lengths must be among {', '.join(map(str, allowed))} minutes."]
        elif not lengths:
            errors["session_lengths"] = ["Offer at least one session length."]
        else:
            profile.set_session_lengths(lengths)
    if "photo" in changes:
        photo = changes["photo"]
        if photo:
            try:
                profile.photo = photo_normalise(photo)
            except ValidationError as exc:
                errors["photo"] = list(exc.messages)
        else:
            profile.photo = None
    if "skills" in changes:
        m2m["skills"] = _terms(Skill, changes["skills"], "skills", errors)
    if "industries" in changes:
        m2m["industries"] = _terms(Industry, changes["industries"], "industries", errors)
    if "languages" in changes:
        m2m["languages"] = _languages_resolve(changes["languages"] or [], errors)

    _check_length(profile, "bio", errors)
    errors.update(text_errors(single_line={"headline": profile.headline}, multi_line={"bio": profile.bio}))
    if profile.call_method == MentorProfile.CallMethod.OWN_LINK and not profile.meeting_url:
        errors.setdefault("meeting_url", []).append("Add your meeting link, or choose the automatic video room.")
    try:
        profile.full_clean(exclude=["user", "slug", "photo", *errors], validate_unique=False,
                           validate_constraints=False)
    except ValidationError as exc:
        _collect(exc, errors)
    if errors:
        raise AccountError("Please correct the errors below.", field_errors=errors)

    # Session lengths and "accepting bookings" shape the directory's free times: mark them due for
    # the roll-forward job (accounts.free_times), in the same UPDATE.
    profile.free_computed_at = None
    profile.save()
    for field, terms in m2m.items():
        getattr(profile, field).set(terms)
    mentor_completeness_refresh(mentor_id=user.pk)
    mentor_search_refresh(mentor_ids=[user.pk])
    new_photo = profile.photo.name if profile.photo else ""
    if old_photo and old_photo != new_photo:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    triggers.mentors_changed(mentor_ids=[user.pk])
    return profile


@transaction.atomic
def mentee_profile_update(*, user: User, require_content: bool = True, **changes: Any) -> MenteeProfile:
    """Edit what a mentee wants help with; `interests` are skills, resolved like a mentor's.
    `require_content=False` lets a bulk import create a profile its person fills in later."""
    _check_fields(changes, MENTEE_FIELDS)
    if not user.is_mentee:
        raise AccountError("Take on the mentee role first (in your account settings).",
                           code="not_a_mentee")
    profile, _ = MenteeProfile.objects.select_for_update().get_or_create(user=user)
    errors: dict[str, list[str]] = {}
    m2m: dict[str, list] = {}
    if "goals" in changes:
        profile.goals = (changes["goals"] or "").strip()
    if "career_stage" in changes:
        profile.career_stage = changes["career_stage"] or ""
    if "share_with_mentors" in changes:
        profile.share_with_mentors = bool(changes["share_with_mentors"])
    if "interests" in changes:
        m2m["interests"] = _terms(Skill, changes["interests"], "interests", errors)
    if "industries" in changes:
        m2m["industries"] = _terms(Industry, changes["industries"], "industries", errors)
    if "languages" in changes:
        m2m["languages"] = _languages_resolve(changes["languages"] or [], errors)
    _check_length(profile, "goals", errors)
    errors.update(text_errors(multi_line={"goals": profile.goals}))
    # A profile with neither goals nor interests gives mentors and recommendations nothing to go on,
    # so saving one is not "saved". Bulk imports may leave it for the person to fill in.
    has_interests = bool(m2m["interests"]) if "interests" in m2m else (profile.pk and profile.interests.exists())
    if require_content and not profile.goals and not has_interests and "goals" not in errors:
        errors["goals"] = ["Say what you want help with, or add an interest, so mentors and "
                           "recommendations can match you."]
    try:
        profile.full_clean(exclude=["user", *errors], validate_unique=False)
    except ValidationError as exc:
        _collect(exc, errors)
    if errors:
        raise AccountError("Please correct the errors below.", field_errors=errors)
    # Session lengths and "accepting bookings" shape the directory's free times: mark them due for
    # the roll-forward job (accounts.free_times), in the same UPDATE.
    profile.free_computed_at = None
    profile.save()
    for field, terms in m2m.items():
        getattr(profile, field).set(terms)
    triggers.mentee_changed(mentee_id=user.pk)
    return profile


@transaction.atomic
def mentor_completeness_refresh(*, mentor_id: int) -> bool:
    """Store whether the mentor's profile is complete (accounts.completeness), which lists or
    unlists it; returns the new value. Called by every write that changes a part of the rule."""
    profile = MentorProfile.objects.select_for_update().filter(user_id=mentor_id).first()
    if profile is None:
        return False
    complete = mentor_completeness(profile).complete
    if complete != profile.is_complete:
        # Listing or unlisting changes everyone's candidates for recommendations: every caller
        # (a profile or availability write) already tells matching that this mentor changed.
        MentorProfile.objects.filter(user_id=mentor_id).update(is_complete=complete)
    return complete


def mentors_completeness_refresh(*, mentor_ids: Iterable[int]) -> None:
    """mentor_completeness_refresh for a bulk write (an import): three queries whatever the count."""
    profiles = list(MentorProfile.objects.filter(user_id__in=list(mentor_ids)).annotate(skill_count=Count("skills")))
    verdicts: dict[bool, list[int]] = {True: [], False: []}
    for profile in profiles:
        complete = mentor_completeness(profile, skill_count=profile.skill_count).complete
        if complete != profile.is_complete:
            verdicts[complete].append(profile.pk)
    for complete, ids in verdicts.items():
        if ids:
            MentorProfile.objects.filter(user_id__in=ids).update(is_complete=complete)


@transaction.atomic
def mentor_availability_set(*, mentor_id: int, has_availability: bool) -> bool:
    """The availability services report whether the mentor now has free time set up (accounts
    cannot read booking's tables); the profile's completeness follows. Call inside their
    transaction, so the listing changes together with the availability or not at all."""
    MentorProfile.objects.filter(user_id=mentor_id).exclude(has_availability=has_availability) \
        .update(has_availability=has_availability)
    return mentor_completeness_refresh(mentor_id=mentor_id)


def mentor_rating_aggregate_set(*, mentor_id: int, count: int, total: int, bayes: float) -> None:
    """Store a mentor's rating aggregate (computed by the ratings service) on the profile."""
    MentorProfile.objects.filter(user_id=mentor_id).update(rating_count=count, rating_sum=total, rating_bayes=bayes)


def block_create(*, blocker: User, blocked: User, now=None) -> Block:
    """Block someone (idempotent: blocking twice keeps the first block). Refuses blocking oneself."""
    if blocker.pk == blocked.pk:
        raise AccountError("You cannot block yourself.", field_errors={"user": ["You cannot block yourself."]})
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked,
                                           defaults={"created_at": now or timezone.now()})
    return block


def block_remove(*, blocker: User, blocked_id: int) -> bool:
    """Lift a block this person made; False when there was none."""
    return Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()[0] > 0


# --- Sign-in for people who left (directory sync) ------------------------------------------------

def users_deactivate(*, user_ids: Iterable[int]) -> list[int]:
    """Refuse sign-in to people who left their organisation: the account becomes inactive (the
    sign-in form refuses it, open browser sessions end at their next request because Django's
    backend ignores inactive users) and their API tokens are deleted. Their history stays.

    Staff accounts are never locked by a company's directory: an organisation does not own the
    people who run the platform. Returns the ids actually deactivated (active ones before).
    """
    ids = list(User.objects.filter(pk__in=list(user_ids), is_active=True, is_staff=False, is_superuser=False)
               .values_list("pk", flat=True))
    if not ids:
        return []
    User.objects.filter(pk__in=ids).update(is_active=False)
    ApiToken.objects.filter(user_id__in=ids).delete()
    # Locked mentors leave everyone's recommendations (bookable mentors are active ones).
    mentors = list(User.objects.filter(pk__in=ids, is_mentor=True).values_list("pk", flat=True))
    triggers.mentors_changed(mentor_ids=mentors)
    return ids


def users_reactivate(*, user_ids: Iterable[int]) -> list[int]:
    """Restore sign-in (the password they had, or the reset flow if they never set one)."""
    ids = list(User.objects.filter(pk__in=list(user_ids), is_active=False).values_list("pk", flat=True))
    if not ids:
        return []
    User.objects.filter(pk__in=ids).update(is_active=True)
    triggers.mentors_changed(mentor_ids=User.objects.filter(pk__in=ids, is_mentor=True).values_list("pk", flat=True))
    return ids
