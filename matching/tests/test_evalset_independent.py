"""The independent evaluation set (matching/evalsets/independent.py) keeps the promises issue 16 made
for it: size, share of paraphrases and of other languages, both halves alike, and nothing of it
copied into the lexicon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matching import lexicon
from matching.evalsets import independent
from matching.evalsets.text import hard_cases, shares_no_word_with_best, stems
from matching.evaluation import eval_set

DATA = eval_set("independent")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def test_the_set_is_large_enough_and_every_mentee_has_a_mentor_to_book():
    assert len(DATA.mentors) >= 60
    assert len(DATA.goals) >= 150
    for judgement in DATA.judgements:
        assert set(judgement) <= set(DATA.mentors)
        assert 2 in judgement.values()


def test_a_third_are_paraphrases_and_a_quarter_are_in_other_languages_including_a_non_latin_script():
    hard = hard_cases(DATA)
    assert len(hard["no-shared-word"]) >= len(DATA.goals) / 3
    assert len(hard["other-language"]) >= len(DATA.goals) / 4
    languages = {DATA.goals[i][2][0] for i in hard["other-language"]}
    assert {"es", "de", "fr", "pt", "it", "nl"} <= languages
    assert any(not DATA.goals[i][0].isascii() and not re.search("[a-zA-Z]", DATA.goals[i][0])
               for i in hard["other-language"])


def test_the_paraphrase_check_sees_a_shared_word():
    # The counter above is only worth something if it notices an overlap, inflections included.
    goals = [g for g, _, _ in DATA.goals]
    assert not shares_no_word_with_best(DATA, goals.index("django orm makes 400 queries on one page"))
    assert shares_no_word_with_best(DATA, goals.index("my voice cracks whenever I stand up in front of a crowd"))
    assert stems("presenting to the board") & stems("Presentations coach")


def test_both_halves_hold_their_share_of_hard_cases():
    for kind, rows in hard_cases(DATA).items():
        dev = sum(DATA.splits[i] == "dev" for i in rows)
        assert 0.4 <= dev / len(rows) <= 0.6, kind
    assert {independent.split_of(i) for i in range(len(DATA.goals))} == {"dev", "test"}


def test_some_goals_are_lexical_traps_whose_obvious_word_names_a_mentor_they_should_not_book():
    traps = [mid for mid in DATA.mentors if not DATA.mentors[mid][2] and DATA.mentors[mid][3] == ("en",)
             and mid >= 32]
    caught = [i for i, (goal, _, _) in enumerate(DATA.goals)
              if any(stems(goal) & stems(" ".join(DATA.mentors[t][:2])) and t not in DATA.judgements[i]
                     for t in traps)]
    assert len(caught) >= 10


@pytest.mark.parametrize("n", [3])
def test_no_phrase_of_the_set_is_in_the_lexicon(n):
    source = Path(lexicon.__file__).read_text(encoding="utf-8").lower()
    words = _TOKEN.findall(source)
    lexicon_runs = {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    copied = []
    for goal, _, _ in DATA.goals:
        tokens = _TOKEN.findall(goal.lower())
        copied += [" ".join(run) for run in (tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
                   if run in lexicon_runs and sum(len(w) > 3 for w in run) >= 2]
    assert copied == []
