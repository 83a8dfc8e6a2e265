"""Fixtures for accounts tests: a way to fill the directory, and a record of matching triggers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from accounts.search import mentor_search_refresh
from tests.factories import MentorFactory, SkillFactory


@pytest.fixture
def make_mentors(db):
    """make_mentors(n) -> n listed mentors, each with two skills and two languages."""

    def make(n: int, **profile):
        python = SkillFactory(name="Python", synonyms="py")
        mentors = []
        for i in range(n):
            mentor = MentorFactory(name=f"Mentor {i:03d}", profile__years_experience=i % 30, **profile)
            mentor.mentor_profile.skills.add(python, SkillFactory(name=f"Topic {i}"))
            mentor.mentor_profile.languages.add("de")
            mentors.append(mentor)
        # The factories write around the services, which keep the stored search document.
        mentor_search_refresh(mentor_ids=[m.pk for m in mentors])
        return mentors

    return make


@pytest.fixture
def trigger_calls(monkeypatch):
    """Record calls to matching.triggers (and whether they happened inside the writing transaction)."""
    from matching import triggers

    calls: list[tuple[str, object, bool]] = []

    def mentee_changed(*, mentee_id):
        calls.append(("mentee_changed", mentee_id, connection.in_atomic_block))

    def mentors_changed(*, mentor_ids):
        calls.append(("mentors_changed", list(mentor_ids), connection.in_atomic_block))

    monkeypatch.setattr(triggers, "mentee_changed", mentee_changed)
    monkeypatch.setattr(triggers, "mentors_changed", mentors_changed)
    return calls


def image_upload(name="me.png", fmt="PNG", size=(40, 40), pad_to: int | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format=fmt)
    data = buffer.getvalue()
    if pad_to:
        data += b"\0" * (pad_to - len(data))
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, data, content_type=content_type)
