"""`<id:...>` in URL patterns: a database id, refused (404) past the largest id a row can have.

Django's `<int:...>` takes any run of digits; `/api/v1/mentors/80766511044645068875136795410432/reviews/`
then reached the database, which cannot hold the number (SQLite: OverflowError; PostgreSQL:
out of range), and the caller got a 500. Every id in this project is a BigAutoField.
"""

from __future__ import annotations

from django.urls import register_converter

# The schema says the same (SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"]).
MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("not an id")  # the pattern does not match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
