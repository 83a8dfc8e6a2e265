"""Data for bench/http.py, written through the project's own code paths (run inside Django).

- mentors and mentees: accounts.importing.profiles_import, what `manage.py import_profiles` runs,
  in chunks of CHUNK records (each chunk one all-or-nothing import); the first chunk is timed for
  the import row of the table;
- availability: sessions.services.availability.availability_seed_demo (weekly rules, a policy and
  sometimes a holiday, through availability_set_weekly / policy_update / override_create), the
  same path seed_demo takes;
- history: accounts.demo_history.history_seed for a sample of mentors (past sessions through
  booking_create / booking_confirm / lifecycle, reviews through the ratings service, upcoming
  sessions and requests), as seed_demo writes it;
- stored recommendation lists: matching.services.matches_recompute_for_mentees;
- API tokens: accounts.tokens.api_token_create.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from accounts import demo_data
from accounts.languages import LANGUAGES

CHUNK = 1000
EMAIL_DOMAIN = "bench-http.example"
FIRST = ["Alex", "Sam", "Priya", "Wei", "Lucía", "Jonas", "Amara", "Haruto", "Olena", "Mateo", "Aisha", "Noah",
         "Camille", "Rafael", "Ji-woo", "Erik", "Layla", "Kwame", "Giulia", "Tanvir", "Sophie", "Arjun", "Mei", "Diego"]
LAST = ["Hoffmann", "Martin", "Sharma", "Zhang", "Fernández", "Becker", "Okafor", "Sato", "Shevchenko", "Silva",
        "Rahman", "Thompson", "Dubois", "Oliveira", "Park", "Lindqvist", "Hassan", "Mensah", "Romano", "Ahmed"]
LENGTH_PATTERNS = [[30], [30, 60], [15, 30], [15, 30, 45, 60], [45, 60], [30, 45], [15], [60]]
EXTRA_BIO = ["Happy to look at your code, your CV or your plan for the next year.",
             "I mentor because someone once did it for me.",
             "Ask me anything about growing from individual contributor to lead.",
             "Weekends and evenings work best for me.", "I answer questions with examples from real projects."]


def _mentor_templates() -> list[tuple[str, list[str], tuple[str, list[str], str]]]:
    return [(field, industries, p) for field, (industries, ps) in demo_data.FIELDS.items() for p in ps]


def _languages(langs: list[str]) -> list[str]:
    codes = [c for c in langs if c in LANGUAGES]
    return codes if "en" in codes else [*codes, "en"]


def mentor_records(start: int, count: int, *, seed: int, tag: str = "m") -> list[dict]:
    rng = random.Random(f"{seed}-{tag}-{start}")
    templates = _mentor_templates()
    skills = list(demo_data.SKILLS)
    out = []
    for i in range(start, start + count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        _, zone, langs = rng.choice(demo_data.PEOPLE)
        field, industries, (headline, expertise, bio) = rng.choice(templates)
        years = rng.randint(*demo_data.YEARS_RANGE)
        extra = rng.sample(skills, k=rng.choice([0, 0, 1, 2]))
        out.append({
            "email": f"bench-{tag}{i}@{EMAIL_DOMAIN}", "name": name, "timezone": zone,
            "headline": headline, "bio": f"{demo_data.mentor_bio(bio, years)} {rng.choice(EXTRA_BIO)}",
            "expertise": list(dict.fromkeys([*expertise, *extra]))[:8],
            "industries": rng.sample(industries, k=min(len(industries), rng.randint(1, 2))),
            "languages": _languages(langs), "years_experience": years,
            "session_lengths": rng.choice(LENGTH_PATTERNS),
        })
    return out


def mentee_records(start: int, count: int, *, seed: int) -> list[dict]:
    rng = random.Random(f"{seed}-e-{start}")
    out = []
    for i in range(start, start + count):
        base = rng.choice(demo_data.MENTEES)
        out.append({
            "email": f"bench-e{i}@{EMAIL_DOMAIN}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "timezone": base["timezone"], "goals": base["goals"], "interests": base["interests"],
            "industries": base["industries"], "languages": _languages(base["languages"]),
            "career_stage": base["career_stage"],
        })
    return out


def taxonomy_seed() -> None:
    """Skills and industries with their synonyms, as seed_demo writes them."""
    from accounts.models import Industry, Skill

    for model, terms in ((Skill, demo_data.SKILLS), (Industry, demo_data.INDUSTRIES)):
        for name, synonyms in terms.items():
            model.objects.update_or_create(name=name, defaults={"slug": slugify(name.replace("&", "and")),
                                                                "synonyms": synonyms})


def profiles_import_chunks(section: str, records: list[dict], *, log: Callable[[str], None]) -> float:
    """Import `records` CHUNK at a time through profiles_import; returns the seconds it took."""
    from accounts.importing import profiles_import

    began = time.perf_counter()
    for i in range(0, len(records), CHUNK):
        report = profiles_import(data={section: records[i:i + CHUNK]})
        if report.errors:
            raise SystemExit(f"import refused the generated {section}: {report.errors[:5]}")
        done = min(i + CHUNK, len(records))
        took = time.perf_counter() - began
        log(f"  {section}: {done:,}/{len(records):,} imported ({done / took:.0f} records/s)")
    return time.perf_counter() - began


def bench_users(kind: str):
    from accounts.models import User

    prefix = "bench-m" if kind == "mentors" else "bench-e"
    return User.objects.filter(email__startswith=prefix, email__endswith=f"@{EMAIL_DOMAIN}").order_by("id")


def availability_seed(*, seed: int, log: Callable[[str], None]) -> None:
    from sessions.models import AvailabilityRule
    from sessions.services.availability import availability_seed_demo

    done_ids = set(AvailabilityRule.objects.values_list("mentor_id", flat=True).distinct())
    mentors = [m for m in bench_users("mentors").filter(is_mentor=True) if m.pk not in done_ids]
    began = time.perf_counter()
    for n, mentor in enumerate(mentors, start=1):
        availability_seed_demo(mentor=mentor, rng=random.Random(f"{seed}-{mentor.email}"))
        if n % 1000 == 0 or n == len(mentors):
            log(f"  availability: {n:,}/{len(mentors):,} mentors ({n / (time.perf_counter() - began):.0f}/s)")


def history_seed(*, mentors: int, mentees: int, seed: int, log: Callable[[str], None]) -> dict[str, int]:
    """seed_demo's history (accounts.demo_history) over the first `mentors` bench mentors."""
    from accounts.demo_history import history_seed as write_history

    fields = {}
    for template_field, _, (headline, _, _) in _mentor_templates():
        fields.setdefault(headline, template_field)
    people = list(bench_users("mentors").filter(is_mentor=True).select_related("mentor_profile")[:mentors])
    if len(people) < 12:
        log("  history: skipped (needs at least 12 mentors)")
        return {}
    pairs = [(m, fields.get(m.mentor_profile.headline, "engineering")) for m in people]
    mentee_users = list(bench_users("mentees").filter(is_mentee=True)[:mentees])
    began = time.perf_counter()
    counts = write_history(mentors=pairs, mentees=mentee_users, demo_mentor=people[0], demo_mentee=mentee_users[0],
                           now=timezone.now(), rng=random.Random(f"{seed}-history"), progress=log)
    log(f"  history: {counts} in {time.perf_counter() - began:.0f} s")
    return counts


def features_refresh() -> int:
    """What the worker does after an import: every mentor's and mentee's matching features
    (matching.services.features_refresh_all); requests then score against the stored matrix."""
    from matching.services import features_refresh_all

    return features_refresh_all()


def stored_lists_write(mentee_ids: list[int]) -> int:
    from matching.services import matches_recompute_for_mentees

    return matches_recompute_for_mentees(mentee_ids=mentee_ids)


def fresh_mentees(count: int, *, exclude: set[int]) -> list:
    """Bench mentees with no booking, no stored list and no token yet: each run takes new ones."""
    from accounts.models import ApiToken
    from matching.models import MatchScore
    from sessions.models import Booking

    busy = set(Booking.objects.values_list("mentee_id", flat=True))
    busy |= set(MatchScore.objects.values_list("mentee_id", flat=True))
    busy |= set(ApiToken.objects.values_list("user_id", flat=True))
    out = []
    for user in bench_users("mentees").filter(is_mentee=True, is_active=True).iterator():
        if user.pk not in busy and user.pk not in exclude:
            out.append(user)
            if len(out) == count:
                break
    return out


def tokens_for(users) -> dict[int, str]:
    from accounts.tokens import api_token_create

    return {u.pk: api_token_create(user=u, name="bench/http.py")[1] for u in users}


def booking_slots(count: int, *, now: datetime, exclude_mentors: set[int]) -> list[tuple[int, datetime, int]]:
    """(mentor id, UTC start, duration) for `count` bookings, one per mentor where there are enough
    mentors (so no cap or weekly budget of a mentor is in the way), from the project's slot selector."""
    from accounts.selectors import bookable_mentors
    from sessions.selectors import mentor_slots

    mentors = list(bookable_mentors().filter(email__endswith=f"@{EMAIL_DOMAIN}", mentor_profile__accepting_bookings=True)
                   .exclude(pk__in=exclude_mentors).order_by("?")[:count * 2])
    per_mentor = max(1, -(-count // max(len(mentors), 1)))
    begin = now + timedelta(days=3)
    out: list[tuple[int, datetime, int]] = []
    for mentor in mentors:
        duration = mentor.mentor_profile.session_lengths[0]
        starts = mentor_slots(mentor=mentor, start=begin, end=begin + timedelta(days=10), duration=duration, now=now)
        # Spread a mentor's picks over different days, so daily caps are not in the way either.
        by_day: dict = {}
        for s in starts:
            by_day.setdefault(s.date(), s)
        for start in list(by_day.values())[:per_mentor]:
            out.append((mentor.pk, start, duration))
        if len(out) >= count:
            break
    return out[:count]


def meta_get(key: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_http_meta (key text PRIMARY KEY, value text NOT NULL)")
        cursor.execute("SELECT value FROM bench_http_meta WHERE key = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else None


def meta_set(key: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_http_meta (key text PRIMARY KEY, value text NOT NULL)")
        cursor.execute("INSERT INTO bench_http_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                       [key, value])
