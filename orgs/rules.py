"""A program's matching rules between one mentee and one mentor, in one place.

Pure: no database. The program page's recommendations (matching.programs), booking inside a
program (sessions.services.program_quota) and flash questions (sessions.services.flash) load the
two people's department, level and languages and ask `rule_failures`; so a mentor the page
recommends is one the booking accepts, and a mentor it filters out is one the booking refuses.

Required rules: "require a different department", the minimum level gap (mentor above mentee by at
least that many ranks) and a shared language. A rule that needs a department or a level nobody
recorded is not met: the program cannot vouch for what it does not know. "Prefer a different
department" is no filter; the ranking boosts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orgs.models import Program

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
                10: "ten"}


def number_word(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


@dataclass(frozen=True)
class Person:
    """What the rules need to know about one side: department, level rank and spoken languages."""

    department_id: int | None = None
    department_name: str = ""
    level_rank: int | None = None
    languages: frozenset[str] = field(default_factory=frozenset)


def level_gap_words(gap: int) -> str:
    """"Two levels above you", "One level above you", "Same level as you", "One level below you"."""
    if gap == 0:
        return "Same level as you"
    n = abs(gap)
    return f"{number_word(n).capitalize()} level{'s' if n != 1 else ''} {'above' if gap > 0 else 'below'} you"


def rule_failures(*, program: Program, mentee: Person, mentor: Person) -> list[str]:
    """Why this mentor may not mentor this mentee in the program, one sentence per required rule
    not met (empty: the pair is allowed)."""
    failures: list[str] = []
    if program.department_rule == Program.DepartmentRule.REQUIRE_OTHER:
        if mentee.department_id is None or mentor.department_id is None:
            failures.append("This program pairs people from different departments, and a department is not on "
                            "record for one of you.")
        elif mentee.department_id == mentor.department_id:
            failures.append(f"This program pairs people from different departments; you are both in "
                            f"{mentor.department_name}.")
    if program.min_level_gap is not None:
        gap = program.min_level_gap
        need = f"at least {number_word(gap)} level{'s' if gap != 1 else ''} above the mentee"
        if mentee.level_rank is None or mentor.level_rank is None:
            failures.append(f"This program needs mentors {need}, and a level is not on record for one of you.")
        elif mentor.level_rank - mentee.level_rank < gap:
            failures.append(f"This program needs mentors {need}.")
    if program.require_shared_language and not (mentee.languages & mentor.languages):
        failures.append("This program needs a language you both speak.")
    return failures


def rules_in_words(program: Program) -> list[str]:
    """The program's matching rules as sentences for its page."""
    words = {
        Program.DepartmentRule.ANY: "Mentors may come from any department, your own included.",
        Program.DepartmentRule.PREFER_OTHER: "Mentors from other departments come first, especially ones you "
                                             "have not met yet.",
        Program.DepartmentRule.REQUIRE_OTHER: "Mentors always come from another department than yours.",
    }
    out = [words[Program.DepartmentRule(program.department_rule)]]
    if program.min_level_gap:
        gap = program.min_level_gap
        out.append(f"Mentors are at least {number_word(gap)} level{'s' if gap != 1 else ''} above you.")
    elif program.min_level_gap == 0:
        out.append("Mentors are at your level or above.")
    if program.require_shared_language:
        out.append("You and your mentor speak a language in common.")
    return out
