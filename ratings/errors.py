from mentorship.errors import DomainError


class RatingError(DomainError):
    """Anything a rating, reply, report or moderation request cannot do (400/403/404/409)."""
