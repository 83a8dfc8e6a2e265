"""Fixtures for the directory sync tests: Acme with a ladder, and files written as text."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, UserFactory, org_with_ladder

HEADER = "email,name,department,level,title,location,manager_email,employee_id,active"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


@pytest.fixture
def acme(db):
    """Acme: Engineering, Finance, Sales; IC1..IC4; acme.test is a verified domain."""
    from django.utils import timezone

    org, _, _ = org_with_ladder(name="Acme")
    org.domains.create(domain="acme.test", verified_at=timezone.now())
    return org


@pytest.fixture
def org_admin(acme):
    user = UserFactory(email="olga@acme.test", name="Olga Admin")
    MembershipFactory(organisation=acme, user=user, role="admin")
    return user
