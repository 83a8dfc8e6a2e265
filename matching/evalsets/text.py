"""Word-level checks on an evaluation set: which goals share no content word with their right mentor.

Deliberately crude and strict: a word counts as shared when the first five letters of the two words
agree ("presenting" and "presentation" share one), so a goal counted as a paraphrase really has no
word of its right mentor's profile in it.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
STOPWORDS = frozenset("""
a about after again all also am an and any are as at be because been before being but by can
can't could did do does doing don't down during each even every few for from get got had has have
having he her here him his how i i'm i've if in into is isn't it it's its just like lot lots make
me more most much my need new next no nobody not now of off on once one only or other our out over
own people pls same say she should so some someone something still such than that the their them
then there these they thing things this those through to too up us very want was way we week were
what when where which while who why will with without would yet you your im dont doesnt ive
""".split())


def stems(text: str) -> set[str]:
    """Content-word stems of a text: lower case, stop words and words under three letters dropped."""
    out = set()
    for word in _WORD.findall(text.lower()):
        if len(word) >= 3 and word not in STOPWORDS:
            out.add(word[:5])
    return out


def profile_text(data, mentor_id: int) -> str:
    headline, bio, skill_ids, _ = data.mentors[mentor_id]
    names = {pk: f"{name}, {syn}" for pk, name, syn in data.skills}
    return " ".join([headline, bio, *(names[s] for s in skill_ids)])


def shares_no_word_with_best(data, index: int) -> bool:
    goal = stems(data.goals[index][0])
    best = [m for m, grade in data.judgements[index].items() if grade == 2]
    return all(not goal & stems(profile_text(data, m)) for m in best)


def hard_cases(data) -> dict[str, list[int]]:
    """Indexes of the hard mentees: goals in another language, and English goals sharing no content
    word with any of their grade-2 mentors."""
    other = [i for i, (_, _, langs) in enumerate(data.goals) if langs[0] != "en"]
    para = [i for i, (_, _, langs) in enumerate(data.goals) if langs[0] == "en" and shares_no_word_with_best(data, i)]
    return {"other-language": other, "no-shared-word": para}
