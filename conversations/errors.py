from mentorship.errors import DomainError


class ConversationError(DomainError):
    """What a thread, agenda, note or action-item request cannot do (status from the code)."""
