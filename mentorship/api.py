"""Shared API plumbing: pagination and one error shape for every endpoint.

Every error body is `{"detail": "...", "code": "...", "errors": {"field": ["message", ...]},
"error_codes": {"field": ["code", ...]}}` (`errors` is `{}` when no field is at fault) so clients can
branch on the code and show a message per field; `error_codes` holds one code per message (DRF's
validator codes such as `required` or `max_length`, or the domain error's code). The top-level codes
and their statuses are mentorship.errors.ERROR_CODES. Domain errors from any app (subclasses of DomainError) map to their
HTTP status here, in one place, never to a 500.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mentorship.errors import ERROR_CODES, DomainError, error_body


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


# A DRF exception whose code is not in the registry (an APIException raised with a custom code)
# answers with the registered code of its status instead.
_CODE_FOR_STATUS = {400: "invalid", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
                    405: "method_not_allowed", 406: "not_acceptable", 415: "unsupported_media_type",
                    429: "throttled"}


def _as_field_errors(detail) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """DRF's nested error detail as `errors` {field: [message]} and `error_codes` {field: [code]},
    the two lists of a field always of the same length."""
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail}
    errors, codes = {}, {}
    for key, value in detail.items():
        pairs = _flatten(value)
        errors[key] = [message for message, _ in pairs]
        codes[key] = [code for _, code in pairs]
    return errors, codes


def _flatten(value) -> list[tuple[str, str]]:
    if isinstance(value, (list, tuple)):
        out: list[tuple[str, str]] = []
        for item in value:
            out.extend(_flatten(item))
        return out
    if isinstance(value, dict):
        return [(f"{k}: {m}", c) for k, v in value.items() for m, c in _flatten(v)]
    return [(str(value), getattr(value, "code", None) or "invalid")]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = error_body(exc.code, detail=exc.message, errors=exc.field_errors)
        body.update(exc.extra)
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        # get_error_detail keeps each message's code (a model validator's `code=`).
        detail = get_error_detail(exc)
        exc = exceptions.ValidationError(detail if isinstance(detail, dict) else {"non_field_errors": detail})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors, codes = _as_field_errors(exc.detail)
        response.data = error_body("invalid", errors=errors, error_codes=codes)
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(response.data["detail"], "code", None) or getattr(exc, "default_code", "")
        if ERROR_CODES.get(code) is None or ERROR_CODES[code].status != response.status_code:
            code = _CODE_FOR_STATUS.get(response.status_code, "invalid")
        response.data = error_body(code, detail=str(response.data["detail"]))
    return response
