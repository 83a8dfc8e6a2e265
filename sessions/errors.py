from mentorship.errors import DomainError


class BookingError(DomainError):
    """Anything a booking or availability request cannot do: 400 by default, 409 for conflicts."""
