"""What other apps call when something that affects match scores changes.

Call inside the writing transaction; the recompute is debounced and runs in the background.
The matching work implements these; until then they record nothing.
"""

from __future__ import annotations

from collections.abc import Iterable


def mentee_changed(*, mentee_id: int) -> None:
    """A mentee's profile (goals, interests, languages, zone) changed."""


def mentors_changed(*, mentor_ids: Iterable[int]) -> None:
    """Mentor profiles, availability or ratings changed; recompute the lists they appear in."""
