"""JSON bodies with bounded size and nesting, so hostile input is a 400, never a 500.

Python's json decoder recurses once per nesting level: 2,000 brackets (4 KB) raise RecursionError,
which DRF does not catch. No request of ours nests deeper than a few levels, so the parser counts
depth in one pass before decoding.
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


def json_depth_exceeds(text: str, limit: int) -> bool:
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(f"Request body too large (at most {limit} bytes).")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError("Request body is not valid UTF-8.")
        if json_depth_exceeds(text, MAX_DEPTH):
            raise ParseError(f"JSON nested too deeply (at most {MAX_DEPTH} levels).")
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}")


def _reject_constant(name: str):
    # NaN and Infinity are not JSON; Python would accept them and store them.
    raise ValueError(f"{name} is not valid JSON")
