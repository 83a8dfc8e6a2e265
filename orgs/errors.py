from mentorship.errors import DomainError


class OrgError(DomainError):
    """What an organisation, membership, program or directory-sync request cannot do (status from the code)."""
