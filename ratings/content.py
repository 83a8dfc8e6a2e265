"""Which review texts a person must look at before they go public.

Links, email addresses and phone numbers in reviews are nearly always spam or someone's private
contact details; blocklisted words are the abusive ones. None of these is rejected: the review is
held as pending so a moderator can approve it, because false positives happen.
"""

from __future__ import annotations

import re

from django.conf import settings

_LINK = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[a-z0-9][a-z0-9-]*\.(?:com|net|org|io|dev|co|me|info|biz|app|ly|gg|xyz|ai|de|uk|in)\b(?:/\S*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven to fifteen digits with the usual separators; a year range such as 2019-2024 is not a phone.
_PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s\-.()/]{0,2}\d){6,14}(?![\w])")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d\s*[-/]\s*(?:19|20)\d\d$")


def _has_phone(text: str) -> bool:
    for match in _PHONE.finditer(text):
        candidate = match.group(0).strip()
        if not _YEAR_RANGE.match(candidate):
            return True
    return False


def flagged_reasons(text: str) -> list[str]:
    """Why this text needs a moderator first (empty list: it may be published straight away)."""
    if not text:
        return []
    reasons = []
    if _EMAIL.search(text):
        reasons.append("an email address")
    # An email address also looks like a domain; report it once.
    if _LINK.search(_EMAIL.sub(" ", text)):
        reasons.append("a link")
    if _has_phone(text):
        reasons.append("a phone number")
    words = [w.strip().lower() for w in settings.RATINGS_BLOCKLIST if w.strip()]
    if words:
        pattern = r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"
        if re.search(pattern, text, re.IGNORECASE):
            reasons.append("a word on the blocklist")
    return reasons
