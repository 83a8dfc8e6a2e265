"""Input limits shared by pages, the API and the importer, so all three say the same thing."""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from mentorship.text import SINGLE_LINE_MESSAGE, single_line_error

PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_TERMS = 20  # skills / industries per profile: more than this is keyword stuffing, not expertise
MAX_TERM_LENGTH = 60


# A photo is shown at most a few hundred pixels wide. The pixel cap is checked from the header,
# before decoding: a 20 KB PNG can claim 13000x13000 pixels and cost a browser (or Pillow) gigabytes.
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_STORED_SIDE = 800


def validate_photo(upload) -> str:
    """Reject photos that are too large (bytes or pixels) or not a JPEG/PNG/WebP image, checked by
    decoding, not by name. Returns the detected format."""
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
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("Upload a JPEG, PNG or WebP image.", code="photo_invalid")
    finally:
        upload.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(f"{fmt or 'This'} images are not accepted; upload a JPEG, PNG or WebP image.",
                              code="photo_format")
    if width * height > MAX_PHOTO_PIXELS:
        raise ValidationError(f"The photo is {width}x{height} pixels; upload one of at most 40 megapixels.",
                              code="photo_too_many_pixels")
    return fmt


def photo_normalise(upload) -> ContentFile:
    """A validated photo re-encoded at a bounded size, named by what it is (never by the upload's
    name: a PNG called `.pdf` would otherwise be served as application/pdf)."""
    validate_photo(upload)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((PHOTO_STORED_SIDE, PHOTO_STORED_SIDE))
        keep_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if keep_alpha else "RGB")
        out = io.BytesIO()
        if keep_alpha:
            image.save(out, "PNG", optimize=True)
            extension = "png"
        else:
            image.save(out, "JPEG", quality=85, optimize=True)
            extension = "jpg"
    upload.seek(0)
    return ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(12)}.{extension}")


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
        if single_line_error(item):
            raise ValidationError(f"“{item.strip()[:30]}”: {SINGLE_LINE_MESSAGE}", code="control_characters")
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
