"""The OpenAPI schema tells every status an operation can answer, errors included.

drf-spectacular documents only the success of each operation; clients (and schemathesis, which runs
in the suite) then meet 400s, 401s and 429s the schema never mentioned. This AutoSchema adds to
every operation the error responses it can really give, each with the one error body
(mentorship.api) and the registered codes of that status (mentorship.errors.ERROR_CODES):

- 400 when the operation takes input (a body, a query or a path parameter: a NUL byte in any of
  them is refused before a view runs);
- 401 where authentication runs (a wrong or expired token is refused even on public reads);
- 403 where a permission beyond "signed in" applies, and on writes that accept the session cookie
  (CSRF);
- 404 on routes with an id, and on paginated lists (`?page=` past the end);
- 406 everywhere (an Accept header nothing here can produce), 415 where there is a body, 429 where a
  throttle applies.

What only a service knows (a 409 for a booking in the wrong state, a 403 for a rating's non-author)
a view declares in `error_statuses`: a set for all its methods, or {method: set}.
"""

from __future__ import annotations

from drf_spectacular import openapi
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import BasePagination

from mentorship.errors import ERROR_CODES

DESCRIPTIONS = {
    400: "Invalid input: `errors` names each field at fault, `error_codes` gives a code per message",
    401: "Not signed in, or the token is wrong or expired",
    403: "Signed in, but not allowed to do this",
    404: "Not found (or not visible to you)",
    406: "The Accept header asks for a format this endpoint cannot produce",
    409: "Not possible in the resource's present state",
    415: "The request body's Content-Type is not accepted",
    429: "Too many requests; retry after the `Retry-After` header's seconds",
}

# Permissions every signed-in caller passes: they answer 401, never 403.
_PLAIN_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated, permissions.IsAuthenticatedOrReadOnly)


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    detail = serializers.CharField(help_text="A sentence for people")
    code = serializers.CharField(help_text="For programs: one of the codes registered for this status")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="Messages per field (`non_field_errors` for the request as a whole)")
    error_codes = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                        help_text="A code per message of `errors`, in the same order")


def codes_for_status(status: int) -> list[str]:
    return sorted(code for code, entry in ERROR_CODES.items() if entry.status == status)


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        responses = operation["responses"]
        for status in sorted(self._error_statuses(operation)):
            codes = codes_for_status(status)
            if str(status) in responses or not codes:
                continue
            schema = {"allOf": [error, {"type": "object", "properties": {"code": {"type": "string", "enum": codes}}}]}
            responses[str(status)] = {"description": DESCRIPTIONS.get(status, "Error"),
                                      "content": {"application/json": {"schema": schema}}}
        return operation

    def _error_statuses(self, operation: dict) -> set[int]:
        view, method = self.view, self.method
        statuses = {406}
        has_body = "requestBody" in operation
        if has_body:
            statuses |= {400, 415}
        if operation.get("parameters"):
            statuses.add(400)
        if any(p.get("in") == "path" for p in operation.get("parameters", [])):
            statuses.add(404)
        authenticators = [cls for cls in getattr(view, "authentication_classes", [])]
        if authenticators:
            statuses.add(401)
        perms = view.get_permissions()
        if any(not isinstance(p, _PLAIN_PERMISSIONS) for p in perms):
            statuses.add(403)
        if any(isinstance(p, (permissions.IsAuthenticated,)) for p in perms) or (
                method not in permissions.SAFE_METHODS and any(
                    isinstance(p, permissions.IsAuthenticatedOrReadOnly) for p in perms)):
            statuses.add(401)
        if method not in permissions.SAFE_METHODS and any(issubclass(cls, SessionAuthentication)
                                                           for cls in authenticators):
            statuses.add(403)  # a session without its CSRF token
        if view.get_throttles():
            statuses.add(429)
        if method == "GET" and isinstance(getattr(view, "paginator", None), BasePagination) and self._is_list_view():
            statuses.add(404)
        declared = getattr(view, "error_statuses", set())
        if isinstance(declared, dict):
            declared = declared.get(method, set())
        return statuses | set(declared)
