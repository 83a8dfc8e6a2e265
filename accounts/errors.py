"""The accounts app's domain error: bad profile or settings input, mapped to a 4xx in one place."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from mentorship.errors import DomainError


class AccountError(DomainError):
    status = 400
    code = "invalid"

    @classmethod
    def from_validation_error(cls, exc: ValidationError, message: str = "Please correct the errors below.") -> AccountError:
        if hasattr(exc, "error_dict"):
            field_errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        else:
            field_errors = {"non_field_errors": list(exc.messages)}
        return cls(message, field_errors=field_errors)
