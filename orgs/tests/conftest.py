"""Personas around one organisation (Acme): its admin, a member, an internal mentor, the admin of
another organisation, a stranger; staff and anonymous visitors come from the root conftest.
`csv_file` writes a directory sync file as text."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, MentorFactory, UserFactory, org_with_ladder

HEADER = "email,name,department,level,title,location,manager_email,employee_id,active"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


@pytest.fixture
def acme(db):
    """Acme: Engineering, Finance, Sales; IC1..IC4; no domains."""
    org, depts, levels = org_with_ladder(name="Acme")
    org.depts, org.ladder = depts, levels
    return org


@pytest.fixture
def acme_domain(acme):
    """acme.test as Acme's verified domain (the sync tests' people have addresses there)."""
    return acme.domains.create(domain="acme.test", verified_at=timezone.now())


@pytest.fixture
def other_org(db):
    org, _, _ = org_with_ladder(name="Globex")
    return org


@pytest.fixture
def org_admin(acme):
    user = UserFactory(email="ada@acme.example", name="Ada Admin")
    MembershipFactory(organisation=acme, user=user, role="admin", department=acme.depts["Engineering"],
                      level=acme.ladder["IC4"], title="Head of engineering")
    return user


@pytest.fixture
def member(acme):
    user = UserFactory(email="mo@acme.example", name="Mo Member", is_mentee=True)
    MembershipFactory(organisation=acme, user=user, department=acme.depts["Finance"], level=acme.ladder["IC1"],
                      title="Analyst")
    return user


@pytest.fixture
def internal_mentor(acme):
    user = MentorFactory(email="iris@acme.example", name="Iris Internal", profile__visibility="internal",
                         profile__headline="Internal platform mentor")
    MembershipFactory(organisation=acme, user=user, department=acme.depts["Engineering"], level=acme.ladder["IC3"])
    return user


@pytest.fixture
def other_admin(other_org):
    user = UserFactory(email="gus@globex.example", name="Gus Globex")
    MembershipFactory(organisation=other_org, user=user, role="admin")
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(email="olga@outside.example", name="Olga Outsider", is_mentee=True)


@pytest.fixture
def persona(request, org_admin, member, other_admin, outsider, staff):
    """persona("admin") etc. -> that user, or None for an anonymous visitor."""
    people = {"anonymous": None, "outsider": outsider, "other_admin": other_admin, "member": member,
              "admin": org_admin, "staff": staff}
    return people.__getitem__
