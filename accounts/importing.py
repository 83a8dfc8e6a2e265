"""Bulk onboarding from a JSON file: validate every record first, then write all or nothing.

Format (see the issue): {"mentors": [{email, name, timezone, headline, bio, expertise, industries,
languages, years_experience, session_lengths}], "mentees": [{email, name, timezone, goals,
interests, industries, languages}]}. Users are matched by email (case-insensitively), so running
the same file twice changes nothing the second time. New users get an unusable password and a
verified address: the company vouches for the address, and password reset needs it verified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from rest_framework import serializers

from accounts import services
from accounts.models import Language, MenteeProfile, User
from accounts.timezones import is_valid_timezone
from accounts.validators import MAX_TERM_LENGTH, MAX_TERMS


def _terms(**kwargs):
    return serializers.ListField(child=serializers.CharField(max_length=MAX_TERM_LENGTH), max_length=MAX_TERMS,
                                 required=False, default=list, **kwargs)


class _PersonRecord(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=120)
    timezone = serializers.CharField(max_length=64)
    industries = _terms()
    languages = serializers.ListField(child=serializers.CharField(max_length=8), max_length=20, required=False,
                                      default=list)

    def validate_email(self, value: str) -> str:
        return value.strip().lower()

    def validate_timezone(self, value: str) -> str:
        if not is_valid_timezone(value):
            raise serializers.ValidationError(f"“{value}” is not a known IANA time zone (for example Europe/Berlin).")
        return value

    def validate_languages(self, value: list[str]) -> list[str]:
        codes = [c.strip().lower() for c in value]
        unknown = [c for c in codes if c not in self.context["language_codes"]]
        if unknown:
            raise serializers.ValidationError(f"Unknown language code: {', '.join(unknown)} (use ISO 639-1, e.g. en).")
        return codes


class MentorRecord(_PersonRecord):
    headline = serializers.CharField(max_length=140, required=False, allow_blank=True, default="")
    bio = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    expertise = _terms()
    years_experience = serializers.IntegerField(min_value=0, max_value=70, required=False, default=0)
    session_lengths = serializers.ListField(child=serializers.ChoiceField(choices=list(settings.SESSION_LENGTHS)),
                                            min_length=1, max_length=4, required=False, default=lambda: [30])


class MenteeRecord(_PersonRecord):
    goals = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    interests = _terms()
    career_stage = serializers.ChoiceField(choices=MenteeProfile.CareerStage.choices, required=False,
                                           allow_blank=True, default="")


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
    """Check the whole document; return (clean records per section, error lines "mentors[3].timezone: ...")."""
    if not isinstance(data, dict):
        return {}, ["The file must contain a JSON object with \"mentors\" and/or \"mentees\" lists."]
    errors = [f"{key}: unknown section (expected \"mentors\" or \"mentees\")." for key in data if key not in SECTIONS]
    context = {"language_codes": set(Language.objects.values_list("code", flat=True))}
    clean: dict[str, list[dict]] = {}
    for section, record_serializer in SECTIONS.items():
        records = data.get(section, [])
        if not isinstance(records, list):
            errors.append(f"{section}: must be a list of records.")
            continue
        clean[section] = []
        first_seen: dict[str, int] = {}
        for position, record in enumerate(records):
            where = f"{section}[{position}]"
            if not isinstance(record, dict):
                errors.append(f"{where}: must be an object.")
                continue
            unknown = sorted(set(record) - set(record_serializer().fields))
            if unknown:
                errors.append(f"{where}: unknown field(s) {', '.join(unknown)}.")
            raw_email = record.get("email")
            if isinstance(raw_email, str) and raw_email.strip():
                email = raw_email.strip().lower()
                if email in first_seen:
                    errors.append(f"{where}.email: {email} already appears at {section}[{first_seen[email]}].")
                    continue
                first_seen[email] = position
            parsed = record_serializer(data=record, context=context)
            if not parsed.is_valid():
                label = f"{where} ({raw_email})" if isinstance(raw_email, str) else where
                errors.extend(f"{label}.{line}" for line in _flatten(parsed.errors))
                continue
            clean[section].append(parsed.validated_data)
    return clean, errors


def _user_for(record: dict, report: ImportReport, touched: dict[str, User]) -> User:
    email = record["email"]
    if email in touched:
        return touched[email]
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, name=record["name"],
                                        timezone=record["timezone"], is_mentee=False)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        report.users_created += 1
    else:
        services.user_update(user=user, name=record["name"], timezone=record["timezone"])
        EmailAddress.objects.get_or_create(user=user, email__iexact=email,
                                           defaults={"email": email, "verified": True, "primary": True})
        report.users_updated += 1
    touched[email] = user
    return user


@transaction.atomic
def profiles_import(*, data, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update users and profiles from an import document, all or nothing.

    When any record is invalid nothing is written and the report lists every problem.
    """
    clean, errors = profiles_import_validate(data)
    if errors:
        return ImportReport(errors=errors)
    report = ImportReport()
    touched: dict[str, User] = {}
    for record in clean.get("mentors", []):
        user = _user_for(record, report, touched)
        services.user_set_roles(user=user, is_mentor=True, is_mentee=user.is_mentee)
        services.mentor_profile_update(
            user=user, headline=record["headline"], bio=record["bio"], skills=record["expertise"],
            industries=record["industries"], languages=record["languages"],
            years_experience=record["years_experience"], session_lengths=record["session_lengths"],
        )
        report.mentors += 1
        if progress:
            progress(1)
    for record in clean.get("mentees", []):
        user = _user_for(record, report, touched)
        services.user_set_roles(user=user, is_mentor=user.is_mentor, is_mentee=True)
        changes = {"goals": record["goals"], "interests": record["interests"], "industries": record["industries"],
                   "languages": record["languages"]}
        if record.get("career_stage"):
            changes["career_stage"] = record["career_stage"]
        services.mentee_profile_update(user=user, require_content=False, **changes)
        report.mentees += 1
        if progress:
            progress(1)
    return report


def import_size(data) -> int:
    if not isinstance(data, dict):
        return 0
    return sum(len(v) for k, v in data.items() if k in SECTIONS and isinstance(v, list))
