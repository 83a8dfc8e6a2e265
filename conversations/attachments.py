"""Files sent with messages: a few types, bounded in size, checked by their bytes.

A type is believed only when the bytes, the file name's extension and (when sent) the declared
content type agree: a PNG named `.pdf`, or HTML declared as text/plain, is refused with a 400
rather than stored and later served as something it is not. Images are also decoded (Pillow)
and their pixel count bounded. Files live in private storage (CONVERSATIONS_ATTACHMENT_ROOT,
outside MEDIA_ROOT, which is served publicly) under random names; conversations.views.attachment
serves them to the two participants only, with nosniff and a sandboxing CSP.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    inline: bool  # shown in the browser (images) or downloaded


KINDS = {
    "pdf": Kind("application/pdf", (".pdf",), inline=False),
    "png": Kind("image/png", (".png",), inline=True),
    "jpeg": Kind("image/jpeg", (".jpg", ".jpeg"), inline=True),
    "text": Kind("text/plain", (".txt", ".md"), inline=False),
}
ACCEPT = ",".join(ext for kind in KINDS.values() for ext in kind.extensions)
TYPES_SENTENCE = "PDF, PNG, JPEG or plain text (.txt, .md)"


@lru_cache(maxsize=4)
def _storage(root: str) -> FileSystemStorage:
    return FileSystemStorage(location=root, base_url=None)


def private_storage() -> FileSystemStorage:
    return _storage(str(settings.CONVERSATIONS_ATTACHMENT_ROOT))


class AttachmentRefused(ValueError):
    pass


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if "\x00" in text:
        return False
    # Markup a browser would run is not "plain text", whatever the name says.
    return not re.search(r"<\s*(html|script|svg|iframe|body|!doctype)\b", text[:4096], re.IGNORECASE)


def clean_name(name: str) -> str:
    base = unicodedata.normalize("NFKC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(c for c in base if unicodedata.category(c)[0] not in "CZ" or c == " ").strip(" .")
    return base[:120] or "attachment"


def check_upload(upload) -> Kind:
    """The upload's kind, or AttachmentRefused with a sentence for the person."""
    limit = settings.CONVERSATIONS_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise AttachmentRefused(f"“{clean_name(upload.name)}” is {upload.size / 1024 / 1024:.1f} MB; "
                                f"the limit is {limit / 1024 / 1024:.0f} MB.")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    name = clean_name(upload.name).lower()
    sniffed = _sniff(data[:16])
    if sniffed is None and _is_plain_text(data):
        sniffed = "text"
    if sniffed is None:
        raise AttachmentRefused(f"“{clean_name(upload.name)}” is not a file we accept: send {TYPES_SENTENCE}.")
    kind = KINDS[sniffed]
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if not name.endswith(kind.extensions) or (declared and declared not in (kind.content_type, "application/octet-stream")):
        raise AttachmentRefused(f"“{clean_name(upload.name)}” claims to be something it is not "
                                f"(its contents are {kind.content_type}). Rename it or send {TYPES_SENTENCE}.")
    if kind.inline:
        try:
            with Image.open(upload) as image:
                width, height = image.size
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise AttachmentRefused(f"“{clean_name(upload.name)}” is not a readable image.")
        finally:
            upload.seek(0)
        if width * height > MAX_PIXELS:
            raise AttachmentRefused(f"“{clean_name(upload.name)}” is {width}x{height} pixels; "
                                    "send an image of at most 40 megapixels.")
    return kind


def random_name(kind: Kind) -> str:
    return f"{secrets.token_urlsafe(24)}{kind.extensions[0]}"


def kind_of(content_type: str) -> Kind:
    return next(kind for kind in KINDS.values() if kind.content_type == content_type)


def attachment_response(attachment):
    """The file, for the page and the API alike: images inline, the rest as downloads; never
    sniffed into something else, and sandboxed should a browser render it anyway."""
    from django.http import FileResponse

    kind = kind_of(attachment.content_type)
    response = FileResponse(private_storage().open(attachment.file.name, "rb"), content_type=kind.content_type,
                            as_attachment=not kind.inline, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
