"""Recommendations inside a company program: the program's mentors ranked for one mentee under the
program's matching rules, with reasons that name the rule.

The rules themselves are orgs.rules (the same function the booking service asks), so a mentor shown
here is one the booking accepts. Required rules (another department, a minimum level gap, a shared
language) filter; "prefer another department" boosts, more for a department the mentee has not met
yet in the organisation's programs (their completed program sessions, by the department the
mentor was in at the time: the booking's snapshot). Within that, mentors are ordered by the
marketplace engine's score (matching.engine over the stored mentor features) when both sides have
features, so goals and skills still decide between two mentors of the same standing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db.models import Value

from accounts.models import MenteeProfile, MentorProfile, User
from accounts.selectors import bookable_mentors
from matching import engine
from matching.features import load_mentee_features
from matching.models import MentorFeatures
from matching.scoring import MentorPool
from orgs.models import Department, Level, Program, ProgramEnrollment
from orgs.rules import Person, level_gap_words, rule_failures
from orgs.selectors_programs import memberships_by_user
from sessions.models import Booking

# How much the program's own preferences weigh against the engine's score (which is in [0, 1]).
OTHER_DEPARTMENT_BOOST = 0.15
NEW_DEPARTMENT_BOOST = 0.15
NEUTRAL_SCORE = 0.4  # no features on one side: rank by the program's rules alone


@dataclass(frozen=True)
class ProgramMatch:
    mentor: User  # with mentor_profile
    department: Department | None
    level: Level | None
    score: float
    rank: int
    reasons: list[str]


def _languages(mentee_id: int, mentor_ids: list[int]) -> tuple[dict[int, set[str]], dict[str, str]]:
    """({user id: language codes}, {code: name}) for the mentee and the mentors, in one query."""
    mentee_side = MenteeProfile.languages.through.objects.filter(menteeprofile_id=mentee_id).values_list(
        "menteeprofile_id", "language_id", "language__name", Value("mentee"))
    mentor_side = MentorProfile.languages.through.objects.filter(mentorprofile_id__in=mentor_ids).values_list(
        "mentorprofile_id", "language_id", "language__name", Value("mentor"))
    spoken: dict[int, set[str]] = {}
    names: dict[str, str] = {"en": "English"}
    for user_id, code, name, side in mentee_side.union(mentor_side, all=True):
        # A person can be both; the key keeps the mentee's own list apart from a mentor's.
        spoken.setdefault(-user_id if side == "mentee" else user_id, set()).add(code)
        names[code] = name
    return spoken, names


def departments_met(*, mentee, program: Program) -> set[int]:
    """Departments the mentee's mentors were in, over their completed sessions in any of the
    organisation's programs."""
    return set(Booking.objects.filter(mentee_id=mentee.pk, status=Booking.Status.COMPLETED,
                                      program__organisation_id=program.organisation_id,
                                      mentor_department__isnull=False)
               .values_list("mentor_department_id", flat=True).distinct())


def _engine_scores(mentee, mentor_ids: list[int], now: datetime | None) -> tuple[dict[int, float], dict[int, list[str]]]:
    """The marketplace engine's score and reasons for each mentor that has stored features, when
    the mentee has a profile; empty otherwise (then the program's rules alone decide)."""
    if not MentorFeatures.objects.filter(mentor_id__in=mentor_ids).exists():
        return {}, {}
    pool = MentorPool.load(now=now)
    mentees = load_mentee_features([mentee.pk], pool.taxonomy, now=now, persist=True)
    if not len(mentees):
        return {}, {}
    position = {int(pk): i for i, pk in enumerate(pool.mentors.ids)}
    rows = [position[pk] for pk in mentor_ids if pk in position]
    if not rows:
        return {}, {}
    subset = pool.mentors.rows(np.array(rows, dtype=np.int64))
    _, parts = engine.score_matrix(mentees, subset, settings.MATCHING_WEIGHTS)
    scores: dict[int, float] = {}
    reasons: dict[int, list[str]] = {}
    for j, mentor_id in enumerate(subset.ids):
        row = {name: float(np.asarray(parts[name])[0, j]) for name in engine.PARTS}
        # The weighted sum without the marketplace's "no shared language" exclusion: inside a
        # program that is the program's rule to make (require_shared_language), not the engine's.
        scores[int(mentor_id)] = sum(float(settings.MATCHING_WEIGHTS.get(n, 0.0)) * v for n, v in row.items())
        reasons[int(mentor_id)] = engine.explain(mentees, 0, subset, j, pool.taxonomy.vocab, row)
    return scores, reasons


def _rule_reasons(program: Program, mentee: Person, mentor: Person, met: set[int], language: str | None) -> list[str]:
    reasons = []
    if mentor.department_id and mentee.department_id and mentor.department_id != mentee.department_id:
        if mentor.department_id not in met:
            reasons.append(f"{mentor.department_name}, a department you have not met yet")
        elif program.department_rule != Program.DepartmentRule.ANY:
            reasons.append(f"{mentor.department_name}, another department than yours")
    if mentor.level_rank is not None and mentee.level_rank is not None:
        gap = mentor.level_rank - mentee.level_rank
        if gap > 0 or program.min_level_gap is not None:
            reasons.append(level_gap_words(gap))
    if language:
        reasons.append(f"Speaks {language}, like you")
    return reasons


def program_recommendations(*, program: Program, mentee, limit: int | None = None,
                            now: datetime | None = None) -> list[ProgramMatch]:
    """The program's mentors who may mentor `mentee` under its rules, best first, with reasons.
    A fixed number of queries whatever the number of mentors (the engine's pool is cached per
    process; see matching.scoring)."""
    members = memberships_by_user(organisation_id=program.organisation_id, user_ids=[mentee.pk])
    own = members.get(mentee.pk)
    if own is None:
        return []
    enrolled = ProgramEnrollment.objects.filter(program=program, side=ProgramEnrollment.Side.MENTOR,
                                                status=ProgramEnrollment.Status.JOINED).values("user_id")
    mentors = {m.pk: m for m in bookable_mentors(viewer=mentee).filter(pk__in=enrolled).exclude(pk=mentee.pk)}
    if not mentors:
        return []
    # Only active members of the organisation mentor in its programs (one query for all of them).
    colleagues = memberships_by_user(organisation_id=program.organisation_id, user_ids=list(mentors))
    ids = sorted(pk for pk in mentors if pk in colleagues)
    spoken, language_names = _languages(mentee.pk, ids)
    mentee_languages = frozenset(spoken.get(-mentee.pk) or {"en"})
    me = Person(department_id=own.department_id, department_name=str(own.department or ""),
                level_rank=own.level.rank if own.level else None, languages=mentee_languages)
    met = departments_met(mentee=mentee, program=program)
    allowed: dict[int, Person] = {}
    for pk in ids:
        m = colleagues[pk]
        them = Person(department_id=m.department_id, department_name=str(m.department or ""),
                      level_rank=m.level.rank if m.level else None, languages=frozenset(spoken.get(pk) or {"en"}))
        if not rule_failures(program=program, mentee=me, mentor=them):
            allowed[pk] = them
    scores, engine_reasons = _engine_scores(mentee, list(allowed), now) if allowed else ({}, {})
    ranked = []
    for pk, them in allowed.items():
        score = scores.get(pk, NEUTRAL_SCORE)
        other = bool(them.department_id and me.department_id and them.department_id != me.department_id)
        if program.department_rule != Program.DepartmentRule.ANY and other:
            score += OTHER_DEPARTMENT_BOOST + (NEW_DEPARTMENT_BOOST if them.department_id not in met else 0.0)
        shared = sorted(me.languages & them.languages, key=lambda c: (c == "en", c))
        language = None
        if shared and (shared[0] != "en" or program.require_shared_language):
            language = language_names.get(shared[0], shared[0])
        reasons = _rule_reasons(program, me, them, met, language)
        reasons += [r for r in engine_reasons.get(pk, []) if not (language and r.startswith("Speaks "))]
        ranked.append((score, pk, reasons))
    ranked.sort(key=lambda item: (-item[0], mentors[item[1]].display_name.lower(), item[1]))
    if limit is not None:
        ranked = ranked[:limit]
    return [ProgramMatch(mentor=mentors[pk], department=colleagues[pk].department, level=colleagues[pk].level,
                         score=round(score, 4), rank=rank, reasons=reasons)
            for rank, (score, pk, reasons) in enumerate(ranked, start=1)]
