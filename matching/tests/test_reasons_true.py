"""Every reason the engine gives is true of the two profiles it names (issue 16).

Many synthetic mentees (random picked interests, goals that sometimes name a skill, random languages
and industries) are matched against the independent evaluation set's mentors with random ratings,
free slots and industries; each reason of each top-5 match is parsed back and checked against the
records. A new user saw "from your interests" for an interest they never gave: the engine named a
skill found in the goal's words as if it had been picked.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import numpy as np
import pytest

from matching import engine, semantic
from matching.evaluation import eval_set
from matching.features import (
    MenteeRecord,
    MentorRecord,
    build_taxonomy,
    mentee_features,
    mentee_text,
    mentor_features,
    mentor_skill_columns,
    mentor_text,
)

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
WEIGHTS = {"semantic": 0.50, "skills": 0.12, "industry": 0.06, "language": 0.08, "daytime": 0.06,
           "availability": 0.10, "quality": 0.08}
GOALS = ["I want to get better at {skill}", "stuck at work, need advice", "how do I grow in my role?",
         "{skill} and {skill2} questions", "my team keeps missing deadlines", "changing jobs soon",
         "Necesito ayuda con {skill}", "Wie werde ich besser in {skill}?"]


@pytest.fixture(scope="module")
def world():
    rng = random.Random(16)
    data = eval_set("independent")
    tax = build_taxonomy(skills=data.skills, industries=data.industries, languages=data.languages)
    codes = [c for c, _ in data.languages]
    names = {pk: name for pk, name, _ in data.skills}
    mentors = [MentorRecord(id=mid, headline=h, bio=b, skill_ids=s, language_codes=langs,
                            industry_ids=tuple(rng.sample(range(1, 7), rng.randint(0, 2))),
                            rating_avg=round(rng.uniform(3, 5), 1) if rng.random() < 0.6 else None,
                            rating_count=rng.randint(3, 40), timezone=rng.choice(["UTC", "Asia/Tokyo"]))
               for mid, (h, b, s, langs) in data.mentors.items()]
    for m in mentors:
        if m.rating_avg is None:
            m.rating_count = 0
    mentees = []
    for i in range(240):
        skill, skill2 = rng.sample(sorted(names), 2)
        goal = rng.choice(GOALS).format(skill=names[skill], skill2=names[skill2])
        mentees.append(MenteeRecord(
            id=10_000 + i, goals=goal, interest_ids=tuple(rng.sample(sorted(names), rng.randint(0, 3))),
            industry_ids=tuple(rng.sample(range(1, 7), rng.randint(0, 2))),
            language_codes=tuple(rng.sample(codes, rng.randint(1, 2))),
            timezone=rng.choice(["UTC", "America/New_York", "Europe/Berlin"])))
    free = np.array([rng.choice([np.nan, 0, 1, 7]) for _ in mentors], dtype=np.float32)
    mf = mentor_features(mentors, tax, embeddings=semantic.encode([mentor_text(r, tax) for r in mentors]),
                         free_slots=free, now=NOW)
    ef = mentee_features(mentees, tax, embeddings=semantic.encode([mentee_text(r, tax) for r in mentees]), now=NOW)
    matches = []
    for block in engine.top_k(ef, mf, WEIGHTS, k=5):
        for r in range(len(block.mentee_ids)):
            for c in range(block.mentor_index.shape[1]):
                if block.valid[r, c]:
                    j = int(block.mentor_index[r, c])
                    parts = {p: float(block.parts[p][r, c]) for p in engine.PARTS}
                    matches.append((r, j, engine.explain(ef, r, mf, j, tax.vocab, parts)))
    return {"tax": tax, "names": names, "mentors": mentors, "mentees": mentees, "free": free, "matches": matches,
            "languages": dict(data.languages), "industries": dict(data.industries)}


def _named(text: str) -> list[str]:
    return [n.strip() for n in re.split(r", | and ", text) if n.strip()]


def test_every_reason_is_true_of_both_profiles(world):
    tax, names = world["tax"], world["names"]
    checked = {"interests": 0, "goal": 0, "speaks": 0, "industry": 0, "rated": 0, "free": 0}
    for r, j, reasons in world["matches"]:
        mentee, mentor = world["mentees"][r], world["mentors"][j]
        mentor_skills = {tax.vocab.skills[c] for c in mentor_skill_columns(mentor, tax)}
        picked = {names[s] for s in mentee.interest_ids}
        in_goal = {tax.vocab.skills[c] for c in tax.skills_in(mentee.goals)}
        for reason in reasons:
            if m := re.fullmatch(r"Knows (.+), from your interests", reason):
                assert set(_named(m[1])) <= picked & mentor_skills, (reason, mentee)
                checked["interests"] += 1
            elif m := re.fullmatch(r"Knows (.+), which your goal mentions", reason):
                assert set(_named(m[1])) <= (in_goal - picked) & mentor_skills, (reason, mentee)
                checked["goal"] += 1
            elif m := re.fullmatch(r"Speaks (.+)", reason):
                code = {v: k for k, v in world["languages"].items()}[m[1]]
                assert code in mentor.language_codes, (reason, mentor)
                checked["speaks"] += 1
            elif m := re.fullmatch(r"Works in (.+), like you", reason):
                pk = {v: k for k, v in world["industries"].items()}[m[1]]
                assert pk in mentor.industry_ids and pk in mentee.industry_ids, (reason, mentee, mentor)
                checked["industry"] += 1
            elif m := re.fullmatch(r"Rated (\S+) by (\d+) mentees", reason):
                assert float(m[1]) == mentor.rating_avg and int(m[2]) == mentor.rating_count
                checked["rated"] += 1
            elif m := re.fullmatch(r"(\d+) free slots? in the next two weeks", reason):
                assert int(m[1]) == world["free"][j] > 0
                checked["free"] += 1
    # Each kind of reason was exercised, so none of the checks above is vacuous.
    assert all(checked.values()), checked
