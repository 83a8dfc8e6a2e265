"""The development mailbox: every message written as one .eml file under DEV_MAILBOX_DIR.

The web process (sign-up, password reset) and the Celery worker (bookings, reminders) write to the
same folder, it survives restarts, and /staff/mail/ shows each message as the recipient sees it.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


def mailbox_dir() -> Path:
    return Path(settings.DEV_MAILBOX_DIR)


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            # Sortable by time, unguessable, and written whole before it appears (rename is atomic).
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
            partial = folder / f".{name}.part"
            partial.write_bytes(message.message().as_bytes(linesep="\n"))
            partial.rename(folder / name)
            sent += 1
        return sent


def mailbox_messages() -> list[Path]:
    """The mailbox's messages, newest first."""
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.eml"), reverse=True)


def mailbox_read(name: str):
    """One message by file name, or None; names are checked so no path leaves the folder."""
    path = mailbox_dir() / name
    if "/" in name or not name.endswith(".eml") or name.startswith(".") or not path.is_file():
        return None
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)
