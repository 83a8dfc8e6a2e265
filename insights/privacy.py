"""Small-cell suppression: what a program manager may see of the numbers the selectors compute.

The rule (README, "Insights and privacy"): a figure built from fewer than INSIGHTS_MIN_CELL
distinct people is shown as "<5" (the setting's value) in the page, the API and the CSV alike.

- People behind a figure. A count of people (invited mentees, mentors in a load bin) is its own
  head count. A count of sessions or ratings has two sides: it needs INSIGHTS_MIN_CELL distinct
  mentees *and* as many distinct mentors, so that no cell tells one mentor's (or one mentee's)
  sessions, however many people sat on the other side.
- Zero is shown as 0: nobody is behind it, so it reveals nobody.
- Differencing. Where a chart's cells add up to a total that is shown (a week's requests split by
  outcome, the period total of one outcome, the ratings by stars, sessions by level gap, the
  department matrix against completed sessions), hiding one cell is not enough: the total minus
  the visible cells gives it back. So within every such group, when any cell is hidden, more cells
  are hidden (the smallest first) until the hidden ones are at least two and together stand for at
  least INSIGHTS_MIN_CELL people; a total that is itself hidden protects nothing and needs nothing.
  Groups that share cells (rows and columns of the weekly table) are repeated until none changes.
- Derived figures are rounded (shares to whole percent, averages to one decimal, the median to
  whole days) and shown only when their whole base passes the threshold. Not guarded: combining
  rounded shares with cells of another chart can narrow a hidden cell down to a small range.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings


def min_cell() -> int:
    return settings.INSIGHTS_MIN_CELL


@dataclass
class Cell:
    """One published number and whether it is hidden. `people` never leaves the server."""

    value: int | float | None
    people: int
    hidden: bool = False
    size: int = field(default=0)  # what "smallest first" compares (the raw count)

    @property
    def display(self) -> str:
        if self.hidden:
            return f"<{min_cell()}"
        if self.value is None:
            return "–"
        if isinstance(self.value, float):
            return f"{self.value:g}"
        return f"{self.value:,}"

    @property
    def shown_value(self) -> int | float | None:
        return None if self.hidden else self.value

    def as_json(self) -> dict:
        return {"value": self.shown_value, "suppressed": self.hidden, "display": self.display}


def count_cell(value: int, people: int) -> Cell:
    """A count; hidden when fewer than the threshold (but more than zero) people are behind it."""
    return Cell(value=value, people=people, hidden=0 < people < min_cell(), size=value)


def session_cell(value: int, mentees: int, mentors: int) -> Cell:
    return count_cell(value, min(mentees, mentors) if value else 0)


def derived_cell(value: int | float | None, people: int) -> Cell:
    """A share, an average or a median: shown only when its whole base passes the threshold."""
    if value is None or people == 0:
        return Cell(value=None, people=people)
    return Cell(value=value, people=people, hidden=people < min_cell(), size=people)


def protect_groups(groups: Iterable[tuple[Cell, list[Cell]]]) -> None:
    """Secondary suppression (see the module docstring). Each group is (its published total, the
    cells that add up to it); cells may sit in several groups."""
    groups = list(groups)
    k = min_cell()
    changed = True
    while changed:
        changed = False
        for total, cells in groups:
            if total.hidden:
                continue
            hidden = [c for c in cells if c.hidden]
            if not hidden:
                continue
            while len(hidden) < 2 or sum(c.people for c in hidden) < k:
                visible = [c for c in cells if not c.hidden]
                if not visible:
                    break
                # Smallest non-zero first (least lost); zeros last: hiding a known zero helps only
                # by making the split of the hidden sum unknowable.
                pick = min(visible, key=lambda c: (c.size == 0, c.size))
                pick.hidden = True
                hidden.append(pick)
                changed = True
