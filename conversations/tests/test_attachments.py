"""Attachments: a few types checked by their bytes, bounded, private to the two participants."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from conversations import services
from conversations.errors import ConversationError
from conversations.models import Attachment, Message
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _png(name="shot.png", content_type="image/png", size=(8, 8)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def _pdf(name="cv.pdf", content_type="application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type=content_type)


@pytest.fixture
def booking(mentor, mentee):
    return BookingFactory(mentor=mentor, mentee=mentee)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_files_are_stored_privately_and_served_to_the_participants_only(booking, mentor, mentee, stranger, staff,
                                                                         settings):
    message = services.message_post(booking=booking, author=mentee, body="My CV and a screenshot",
                                    files=[_pdf(), _png()])
    pdf, png = message.attachments.order_by("pk")
    assert (pdf.name, pdf.content_type, png.content_type) == ("cv.pdf", "application/pdf", "image/png")
    assert "cv" not in pdf.file.name and len(pdf.file.name) > 30  # an unguessable name, not the upload's
    assert str(settings.CONVERSATIONS_ATTACHMENT_ROOT) not in str(settings.MEDIA_ROOT)

    download = _client(mentor).get(reverse("conversations:attachment", args=[pdf.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf" and download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff" and "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    image = _client(mentee).get(reverse("conversations:attachment", args=[png.pk]))
    assert image["Content-Disposition"].startswith("inline")

    for outsider in (stranger, staff):
        assert _client(outsider).get(reverse("conversations:attachment", args=[pdf.pk])).status_code == 404
    assert Client().get(reverse("conversations:attachment", args=[pdf.pk])).status_code == 302


def test_api_downloads_with_the_same_rule(booking, mentor, stranger, mentee, client_for):
    message = services.message_post(booking=booking, author=mentee, body="cv", files=[_pdf()])
    [listed] = client_for(mentor).get(reverse("api:booking-messages", kwargs={"pk": booking.pk})).json()["results"]
    url = listed["attachments"][0]["url"]
    assert url == reverse("api:attachment", kwargs={"pk": message.attachments.get().pk})
    assert client_for(mentor).get(url).status_code == 200
    assert client_for(stranger).get(url).status_code == 404


@pytest.mark.parametrize("upload, words", [
    (lambda: _png(name="cv.pdf", content_type="application/pdf"), "claims to be something it is not"),
    (lambda: _pdf(content_type="image/png"), "claims to be something it is not"),
    (lambda: SimpleUploadedFile("notes.txt", b"<html><script>alert(1)</script></html>", "text/plain"),
     "not a file we accept"),
    (lambda: SimpleUploadedFile("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00", "application/octet-stream"),
     "not a file we accept"),
    (lambda: SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
     "not a readable image"),
])
def test_files_that_lie_or_are_not_accepted_are_refused_and_nothing_is_written(booking, mentee, upload, words):
    with pytest.raises(ConversationError) as info:
        services.message_post(booking=booking, author=mentee, body="see attached", files=[upload()])
    assert words in info.value.field_errors["files"][0]
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_size_and_count_are_bounded(booking, mentee, settings):
    settings.CONVERSATIONS_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.txt", b"a" * 2048, "text/plain")
    with pytest.raises(ConversationError) as info:
        services.message_post(booking=booking, author=mentee, body="x", files=[big])
    assert "the limit is" in info.value.field_errors["files"][0]
    settings.CONVERSATIONS_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    with pytest.raises(ConversationError) as info:
        services.message_post(booking=booking, author=mentee, body="x", files=[_pdf() for _ in range(4)])
    assert "at most 3 files" in info.value.field_errors["files"][0]
    assert not Attachment.objects.exists()


def test_a_file_alone_is_a_message(booking, mentee):
    message = services.message_post(booking=booking, author=mentee, body="", files=[_png()])
    assert message.attachments.count() == 1


def test_page_upload_refusal_rerenders_and_api_agrees(booking, mentee, client_for):
    page = _client(mentee).post(reverse("conversations:message", args=[booking.pk]),
                                {"body": "look", "files": [_png(name="x.pdf", content_type="application/pdf")]})
    api = client_for(mentee).post(reverse("api:booking-messages", kwargs={"pk": booking.pk}),
                                  {"body": "look", "files": [_png(name="x.pdf", content_type="application/pdf")]},
                                  format="multipart")
    assert page.status_code == api.status_code == 400
    message = api.json()["errors"]["files"][0]
    assert "claims to be something it is not" in message
    assert "claims to be something it is not" in page.content.decode()
    assert not Message.objects.exists()


def test_page_upload_then_the_other_side_sees_the_link(booking, mentee, mentor):
    response = _client(mentee).post(reverse("conversations:message", args=[booking.pk]),
                                    {"body": "CV attached", "files": [_pdf()]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    page = _client(mentor).get(reverse("conversations:page", args=[booking.pk])).content.decode()
    assert f'href="{reverse("conversations:attachment", args=[attachment.pk])}"' in page and "cv.pdf" in page


def test_a_hidden_message_hides_its_files(booking, mentee, mentor):
    from django.utils import timezone

    message = services.message_post(booking=booking, author=mentee, body="cv", files=[_pdf()])
    Message.objects.filter(pk=message.pk).update(hidden_at=timezone.now())
    attachment = message.attachments.get()
    assert _client(mentor).get(reverse("conversations:attachment", args=[attachment.pk])).status_code == 404
