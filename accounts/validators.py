"""Input limits shared by pages, the API and the importer, so all three say the same thing."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_TERMS = 20  # skills / industries per profile: more than this is keyword stuffing, not expertise
MAX_TERM_LENGTH = 60


def validate_photo(upload) -> None:
    """Reject photos that are too large or not a JPEG/PNG/WebP image (checked by decoding, not by name)."""
    limit = settings.MAX_PHOTO_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"The photo is {upload.size / 1024 / 1024:.1f} MB; the limit is {limit / 1024 / 1024:.0f} MB.",
            code="photo_too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError("Upload a JPEG, PNG or WebP image.", code="photo_invalid")
    finally:
        upload.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(f"{fmt or 'This'} images are not accepted; upload a JPEG, PNG or WebP image.",
                              code="photo_format")


def split_terms(value) -> list[str]:
    """'Python, system design,  go' or ['Python', ...] -> cleaned, de-duplicated (case-insensitively) names."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError("Each entry must be text.", code="invalid_term")
        name = " ".join(item.split())
        if not name:
            continue
        if len(name) > MAX_TERM_LENGTH:
            raise ValidationError(f"“{name[:30]}…” is longer than {MAX_TERM_LENGTH} characters.", code="term_too_long")
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    if len(out) > MAX_TERMS:
        raise ValidationError(f"Choose at most {MAX_TERMS}.", code="too_many_terms")
    return out
