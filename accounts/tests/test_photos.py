"""Uploaded photos are bounded in pixels, re-encoded, and named by what they are."""

from __future__ import annotations

import io
import mimetypes
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import services
from accounts.errors import AccountError
from accounts.tests.conftest import image_upload


def _bomb_png(side: int) -> bytes:
    # A valid PNG header claiming side x side pixels, with a tiny compressed body: 20 KB on disk.
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\0" + b"\0" * side
    body = zlib.compress(row * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_a_photo_claiming_too_many_pixels_is_refused_before_decoding(mentor):
    upload = SimpleUploadedFile("tiny.png", _bomb_png(13_000), content_type="image/png")
    assert upload.size < 30_000
    with pytest.raises(AccountError) as exc:
        services.mentor_profile_update(user=mentor, photo=upload)
    assert "13000x13000" in exc.value.field_errors["photo"][0]


def test_a_photo_is_stored_at_a_bounded_size(mentor):
    profile = services.mentor_profile_update(user=mentor, photo=image_upload(size=(3000, 2000)))
    with Image.open(profile.photo.open("rb")) as stored:
        assert max(stored.size) == 800 and stored.size == (800, 533)


@pytest.mark.parametrize("name", ["me.pdf", "me.html", "me.png.exe", "noextension"])
def test_a_photo_is_named_by_its_detected_format_not_by_the_upload(mentor, name):
    profile = services.mentor_profile_update(user=mentor, photo=image_upload(name=name))
    assert profile.photo.name.startswith("photos/") and profile.photo.name.endswith(".jpg")
    assert mimetypes.guess_type(profile.photo.name)[0] == "image/jpeg"  # what the media view will send
    with Image.open(profile.photo.open("rb")) as stored:
        assert stored.format == "JPEG"


def test_a_transparent_png_stays_a_png(mentor):
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buffer, format="PNG")
    profile = services.mentor_profile_update(
        user=mentor, photo=SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png"))
    assert profile.photo.name.endswith(".png")
    with Image.open(profile.photo.open("rb")) as stored:
        assert stored.mode == "RGBA"
