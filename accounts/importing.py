"""Bulk onboarding from a JSON file: validate every record first, then write all or nothing.

Format (see the issue): {"mentors": [{email, name, timezone, headline, bio, expertise, industries,
languages, years_experience, session_lengths}], "mentees": [{email, name, timezone, goals,
interests, industries, languages}]}. Users are matched by email (case-insensitively), so running
the same file twice changes nothing the second time. New users get an unusable password and a
verified address: the company vouches for the address, and password reset needs it verified.

Writes are set-based, BATCH records at a time: one query per table and batch (users, addresses,
profiles, each many-to-many table, each taxonomy), not a service call per record, which cost about
25 statements and a scan of the whole taxonomy per record (44 records/s). The rules are the
services' own: validation below applies what `user_update` and `mentor_profile_update` check, and
terms, slugs, the search refresh and match-recompute triggers go through the accounts services.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from rest_framework import serializers

from accounts import services
from accounts.models import Industry, Language, MenteeProfile, MentorProfile, Skill, User
from accounts.timezones import canonical_timezone, is_valid_timezone
from accounts.validators import MAX_TERM_LENGTH, MAX_TERMS, split_terms
from mentorship.text import text_errors

BATCH = 1000  # records per round of statements: bounds statement size and memory, and paces the bar


def _terms(**kwargs):
    return serializers.ListField(child=serializers.CharField(max_length=MAX_TERM_LENGTH), max_length=MAX_TERMS,
                                 required=False, default=list, **kwargs)


def _clean_terms(value: list[str]) -> list[str]:
    # The services' rule (split_terms): no control characters, de-duplicated case-insensitively.
    try:
        return split_terms(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages)


class _PersonRecord(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=120)
    timezone = serializers.CharField(max_length=64)
    industries = _terms()
    languages = serializers.ListField(child=serializers.CharField(max_length=8), max_length=20, required=False,
                                      default=list)

    def validate_email(self, value: str) -> str:
        return value.strip().lower()

    def validate_name(self, value: str) -> str:
        # user_update's rule, checked here so a bad name is reported by position, not raised mid-write.
        if errors := text_errors(single_line={"name": value}):
            raise serializers.ValidationError(errors["name"])
        return " ".join(value.split())

    def validate_timezone(self, value: str) -> str:
        if not is_valid_timezone(value):
            raise serializers.ValidationError(f"“{value}” is not a known IANA time zone (for example Europe/Berlin).")
        zones = self.context["canonical_zones"]
        if value not in zones:
            zones[value] = canonical_timezone(value)  # Asia/Calcutta -> Asia/Kolkata, as user_update stores it
        return zones[value]

    def validate_industries(self, value: list[str]) -> list[str]:
        return _clean_terms(value)

    def validate_languages(self, value: list[str]) -> list[str]:
        codes = [c.strip().lower() for c in value]
        unknown = [c for c in codes if c not in self.context["language_codes"]]
        if unknown:
            raise serializers.ValidationError(f"Unknown language code: {', '.join(unknown)} (use ISO 639-1, e.g. en).")
        return list(dict.fromkeys(codes))


class MentorRecord(_PersonRecord):
    headline = serializers.CharField(max_length=140, required=False, allow_blank=True, default="")
    bio = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    expertise = _terms()
    years_experience = serializers.IntegerField(min_value=0, max_value=70, required=False, default=0)
    session_lengths = serializers.ListField(child=serializers.ChoiceField(choices=list(settings.SESSION_LENGTHS)),
                                            min_length=1, max_length=4, required=False, default=lambda: [30])

    def validate_headline(self, value: str) -> str:
        if errors := text_errors(single_line={"headline": value}):
            raise serializers.ValidationError(errors["headline"])
        return value

    def validate_bio(self, value: str) -> str:
        if errors := text_errors(multi_line={"bio": value}):
            raise serializers.ValidationError(errors["bio"])
        return value

    def validate_expertise(self, value: list[str]) -> list[str]:
        return _clean_terms(value)


class MenteeRecord(_PersonRecord):
    goals = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    interests = _terms()
    career_stage = serializers.ChoiceField(choices=MenteeProfile.CareerStage.choices, required=False,
                                           allow_blank=True, default="")

    def validate_goals(self, value: str) -> str:
        if errors := text_errors(multi_line={"goals": value}):
            raise serializers.ValidationError(errors["goals"])
        return value

    def validate_interests(self, value: list[str]) -> list[str]:
        return _clean_terms(value)


SECTIONS = {"mentors": MentorRecord, "mentees": MenteeRecord}


@dataclass
class ImportReport:
    mentors: int = 0
    mentees: int = 0
    users_created: int = 0
    users_updated: int = 0
    errors: list[str] = field(default_factory=list)


def _flatten(detail, prefix: str = "") -> list[str]:
    if isinstance(detail, dict):
        return [m for key, value in detail.items() for m in _flatten(value, f"{prefix}{key}" if not prefix
                                                                     else f"{prefix}.{key}")]
    if isinstance(detail, list):
        out: list[str] = []
        for i, item in enumerate(detail):
            # DRF reports list items as {index: [...]}, plain messages as strings.
            out.extend(_flatten(item, prefix) if isinstance(item, str) else _flatten(item, f"{prefix}[{i}]"))
        return out
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def profiles_import_validate(data) -> tuple[dict[str, list[dict]], list[str]]:
    """Check the whole document; return (clean records per section, error lines "mentors[3].timezone: ...").

    One query (the language codes) whatever the size: every other rule is checked in memory.
    """
    if not isinstance(data, dict):
        return {}, ["The file must contain a JSON object with \"mentors\" and/or \"mentees\" lists."]
    errors = [f"{key}: unknown section (expected \"mentors\" or \"mentees\")." for key in data if key not in SECTIONS]
    context = {"language_codes": set(Language.objects.values_list("code", flat=True)), "canonical_zones": {}}
    clean: dict[str, list[dict]] = {}
    for section, record_serializer in SECTIONS.items():
        records = data.get(section, [])
        if not isinstance(records, list):
            errors.append(f"{section}: must be a list of records.")
            continue
        clean[section] = []
        first_seen: dict[str, int] = {}
        # One serializer checks every record of the section (building one per record cost more
        # than the checks themselves).
        checker = record_serializer(context=context)
        known_fields = set(checker.fields)
        for position, record in enumerate(records):
            where = f"{section}[{position}]"
            if not isinstance(record, dict):
                errors.append(f"{where}: must be an object.")
                continue
            unknown = sorted(set(record) - known_fields)
            if unknown:
                errors.append(f"{where}: unknown field(s) {', '.join(unknown)}.")
            raw_email = record.get("email")
            if isinstance(raw_email, str) and raw_email.strip():
                email = raw_email.strip().lower()
                if email in first_seen:
                    errors.append(f"{where}.email: {email} already appears at {section}[{first_seen[email]}].")
                    continue
                first_seen[email] = position
            try:
                clean[section].append(checker.run_validation(record))
            except serializers.ValidationError as exc:
                label = f"{where} ({raw_email})" if isinstance(raw_email, str) else where
                errors.extend(f"{label}.{line}" for line in _flatten(exc.detail))
    return clean, errors


@dataclass
class _Changes:
    """What the import changed, for the one search refresh and the one batch of triggers at the end."""

    touched: set[str] = field(default_factory=set)  # emails already written by this import
    search: set[int] = field(default_factory=set)  # mentors whose search document changed
    mentors: set[int] = field(default_factory=set)  # mentors whose match inputs changed
    mentees: set[int] = field(default_factory=set)


@transaction.atomic
def profiles_import(*, data, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update users and profiles from an import document, all or nothing.

    When any record is invalid nothing is written and the report lists every problem. Records
    that match what is stored write nothing, so a second run of the same file is a no-op.
    """
    clean, errors = profiles_import_validate(data)
    if errors:
        return ImportReport(errors=errors)
    report = ImportReport()
    changes = _Changes()
    for section, write in (("mentors", _mentors_write), ("mentees", _mentees_write)):
        records = clean.get(section, [])
        for start in range(0, len(records), BATCH):
            batch = records[start:start + BATCH]
            users = _users_write(batch, report, changes, role="is_mentor" if section == "mentors" else "is_mentee")
            write(batch, users, changes)
            if progress:
                progress(len(batch))
        setattr(report, section, len(records))
    if settings.IS_POSTGRES and len(changes.touched) >= BATCH:
        _statistics_refresh()
    services.profiles_bulk_changed(search_ids=changes.search, mentor_ids=changes.mentors, mentee_ids=changes.mentees)
    return report


def _statistics_refresh() -> None:
    # Autovacuum has not seen the rows this transaction wrote, so the planner still believes the
    # link tables are nearly empty and computes each search document by scanning every skill
    # (4 ms a mentor, 40 s for 10,000; 0.4 ms with fresh statistics). ANALYZE counts the rows our
    # own open transaction inserted, and is cheap: it samples.
    tables = [model._meta.db_table for model in (User, MentorProfile, MentorProfile.skills.through, Skill,
                                                 MenteeProfile, MenteeProfile.interests.through)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def _users_write(records: list[dict], report: ImportReport, changes: _Changes, *, role: str) -> dict[str, User]:
    """Create the batch's new users, update the known ones (found by email, case-insensitively),
    give each the section's role; returns {email: user}."""
    emails = [r["email"] for r in records]
    users = {u.email.lower(): u for u in User.objects.annotate(email_ci=Lower("email")).filter(email_ci__in=emails)}
    new: list[User] = []
    updated: list[User] = []
    for record in records:
        email = record["email"]
        user = users.get(email)
        if user is None:
            # Imported people start with no role but the section's; a later section adds its own.
            # The password is what set_unusable_password() stores (one urandom call, not 40).
            user = users[email] = User(email=email, name=record["name"], timezone=record["timezone"],
                                       is_mentor=False, is_mentee=False,
                                       password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30))
            setattr(user, role, True)
            new.append(user)
            report.users_created += 1
            changes.touched.add(email)
            continue
        dirty = False
        if email not in changes.touched:
            # The first record of a person wins (a mentor who is also a mentee is updated once).
            changes.touched.add(email)
            report.users_updated += 1
            if user.name != record["name"]:
                user.name, dirty = record["name"], True
                changes.search.add(user.pk)  # the name is part of the directory's search document
            if user.timezone != record["timezone"]:
                user.timezone, dirty = record["timezone"], True
                # Matching prefers overlapping working hours: a new zone changes the person's matches.
                if user.is_mentor:
                    changes.mentors.add(user.pk)
                if user.is_mentee:
                    changes.mentees.add(user.pk)
        if not getattr(user, role):
            setattr(user, role, True)
            dirty = True
            (changes.mentors if role == "is_mentor" else changes.mentees).add(user.pk)
        if dirty:
            updated.append(user)
    User.objects.bulk_create(new)
    User.objects.bulk_update(updated, ["name", "timezone", "is_mentor", "is_mentee"], batch_size=BATCH)
    _addresses_write(users, new_users=new)
    return users


def _addresses_write(users: dict[str, User], *, new_users: list[User]) -> None:
    """A verified primary address per imported user who has none for the imported email."""
    new_ids = {u.pk for u in new_users}
    known = [u.pk for u in users.values() if u.pk not in new_ids]
    have = set(EmailAddress.objects.annotate(email_ci=Lower("email"))
               .filter(user_id__in=known, email_ci__in=list(users)).values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=email, verified=True, primary=True)
                                      for email, u in users.items() if u.pk not in have])


def _links_write(through: Any, owner: str, target: str, wanted: dict[int, set]) -> set[int]:
    """Make each owner's many-to-many links exactly `wanted[owner_id]` (one read, at most one
    DELETE and one INSERT); returns the owners whose links changed."""
    current: dict[int, dict[Any, int]] = {pk: {} for pk in wanted}
    for pk, owner_id, target_id in through.objects.filter(**{f"{owner}__in": list(wanted)}).values_list(
            "pk", owner, target):
        current[owner_id][target_id] = pk
    stale: list[int] = []
    fresh: list[tuple[int, Any]] = []
    changed: set[int] = set()
    for owner_id, targets in wanted.items():
        have = current[owner_id]
        stale.extend(pk for target_id, pk in have.items() if target_id not in targets)
        fresh.extend((owner_id, t) for t in targets if t not in have)
        if set(have) != targets:
            changed.add(owner_id)
    if stale:
        through.objects.filter(pk__in=stale).delete()
    _links_insert(through, owner, target, fresh)
    return changed


def _links_insert(through: Any, owner: str, target: str, pairs: list[tuple[int, Any]]) -> None:
    if not pairs:
        return
    if not settings.IS_POSTGRES:
        through.objects.bulk_create([through(**{owner: o, target: t}) for o, t in pairs])
        return
    # Two arrays in one statement: building a model instance per link row was the import's
    # biggest cost in Python (50,000 rows for 10,000 mentors).
    owners, targets = zip(*pairs, strict=True)
    target_type = "text" if isinstance(targets[0], str) else "bigint"  # language links are ISO codes
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(through._meta.db_table)} "
            f"({connection.ops.quote_name(owner)}, {connection.ops.quote_name(target)}) "
            f"SELECT * FROM unnest(%s::bigint[], %s::{target_type}[])", [list(owners), list(targets)])


def _term_ids(model: type[Skill] | type[Industry], names: dict[int, list[str]]) -> dict[int, set[int]]:
    """{owner id: names} -> {owner id: canonical term ids}, new terms created in one INSERT."""
    index = services.taxonomy_resolve_bulk(model=model, names={n for terms in names.values() for n in terms})
    return {pk: {index[" ".join(n.split()).lower()].pk for n in terms} for pk, terms in names.items()}


def _mentors_write(records: list[dict], users: dict[str, User], changes: _Changes) -> None:
    by_id = {users[r["email"]].pk: r for r in records}
    profiles = {p.user_id: p for p in MentorProfile.objects.filter(user_id__in=list(by_id))}
    slugs = services.mentor_slugs_allocate(users=[users[r["email"]] for pk, r in by_id.items() if pk not in profiles])
    now = timezone.now()
    fields = ("headline", "bio", "years_experience", *(f"offers_{n}" for n in settings.SESSION_LENGTHS), "is_listed")
    new: list[MentorProfile] = []
    updated: list[MentorProfile] = []
    for pk, record in by_id.items():
        profile = profiles.get(pk)
        if profile is None:
            profile = MentorProfile(user_id=pk, slug=slugs[pk])
            new.append(profile)
        before = [getattr(profile, f) for f in fields]
        profile.headline, profile.bio = record["headline"], record["bio"]
        profile.years_experience = record["years_experience"]
        profile.set_session_lengths(record["session_lengths"])
        profile.is_listed = True  # taking the mentor role lists the profile again (user_set_roles)
        if pk in profiles and before != [getattr(profile, f) for f in fields]:
            profile.updated_at = now  # bulk_update skips auto_now
            updated.append(profile)
    MentorProfile.objects.bulk_create(new)
    MentorProfile.objects.bulk_update(updated, [*fields, "updated_at"], batch_size=BATCH)
    written = {p.pk for p in (*new, *updated)}

    skills = _term_ids(Skill, {pk: r["expertise"] for pk, r in by_id.items()})
    industries = _term_ids(Industry, {pk: r["industries"] for pk, r in by_id.items()})
    languages = {pk: set(r["languages"]) for pk, r in by_id.items()}
    skills_changed = _links_write(MentorProfile.skills.through, "mentorprofile_id", "skill_id", skills)
    links_changed = (skills_changed
                     | _links_write(MentorProfile.industries.through, "mentorprofile_id", "industry_id", industries)
                     | _links_write(MentorProfile.languages.through, "mentorprofile_id", "language_id", languages))
    changes.search |= written | skills_changed  # name, headline, skills and bio make the document
    changes.mentors |= written | links_changed


def _mentees_write(records: list[dict], users: dict[str, User], changes: _Changes) -> None:
    by_id = {users[r["email"]].pk: r for r in records}
    profiles = {p.user_id: p for p in MenteeProfile.objects.filter(user_id__in=list(by_id))}
    now = timezone.now()
    new: list[MenteeProfile] = []
    updated: list[MenteeProfile] = []
    for pk, record in by_id.items():
        profile = profiles.get(pk)
        if profile is None:
            profile = MenteeProfile(user_id=pk)
            new.append(profile)
        before = (profile.goals, profile.career_stage)
        profile.goals = record["goals"]
        if record.get("career_stage"):  # a file without stages keeps the one the person chose
            profile.career_stage = record["career_stage"]
        if pk in profiles and before != (profile.goals, profile.career_stage):
            profile.updated_at = now  # bulk_update skips auto_now
            updated.append(profile)
    MenteeProfile.objects.bulk_create(new)
    MenteeProfile.objects.bulk_update(updated, ["goals", "career_stage", "updated_at"], batch_size=BATCH)

    interests = _term_ids(Skill, {pk: r["interests"] for pk, r in by_id.items()})
    industries = _term_ids(Industry, {pk: r["industries"] for pk, r in by_id.items()})
    languages = {pk: set(r["languages"]) for pk, r in by_id.items()}
    links_changed = (_links_write(MenteeProfile.interests.through, "menteeprofile_id", "skill_id", interests)
                     | _links_write(MenteeProfile.industries.through, "menteeprofile_id", "industry_id", industries)
                     | _links_write(MenteeProfile.languages.through, "menteeprofile_id", "language_id", languages))
    changes.mentees |= {p.pk for p in (*new, *updated)} | links_changed


def import_size(data) -> int:
    if not isinstance(data, dict):
        return 0
    return sum(len(v) for k, v in data.items() if k in SECTIONS and isinstance(v, list))


def directory_users_create(*, people: dict[str, str], timezone_name: str, verified_domains: Iterable[str] = ()
                           ) -> dict[str, int]:
    """Accounts for the people a company's directory lists who have none yet ({email: name},
    emails lower-cased and unused); returns {email: user id}.

    The same house rules as the import above: an unusable password (they get in through "Forgot
    password?", an invitation or single sign-on), no role but the model's default (mentee), the
    organisation's zone until they choose theirs. The address is marked verified only on one of
    the organisation's verified domains: there the company vouches for it; anywhere else the
    person confirms it at first sign-in. A few statements per BATCH people.
    """
    verified = {d.lower() for d in verified_domains}
    created: dict[str, int] = {}
    emails = list(people)
    for start in range(0, len(emails), BATCH):
        chunk = emails[start:start + BATCH]
        users = [User(email=email, name=people[email], timezone=timezone_name,
                      password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)) for email in chunk]
        User.objects.bulk_create(users)
        if not all(u.pk for u in users):  # SQLite before 3.35 returns no ids from bulk_create
            ids = dict(User.objects.filter(email__in=chunk).values_list("email", "pk"))
            for user in users:
                user.pk = ids[user.email]
        EmailAddress.objects.bulk_create([
            EmailAddress(user_id=u.pk, email=u.email, primary=True, verified=u.email.rsplit("@", 1)[1] in verified)
            for u in users])
        created.update((u.email, u.pk) for u in users)
    return created
