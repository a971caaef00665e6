"""Writes email to a folder instead of sending it: the embedded default needs no mail server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from adapters.mail.smtp import to_mime
from domain.errors import Unavailable

if TYPE_CHECKING:
    from pathlib import Path

    from domain.accounts import EmailMessage

log = structlog.get_logger("askvideo.mail")

LINK = re.compile(r"https?://[^\s<>\"']+")
TRAILING_PUNCTUATION = ".,;:!?)]}"
DEFAULT_SENDER = "Ask Video <noreply@localhost>"


def find_links(text: str) -> list[str]:
    """Every http(s) link in `text`, in order, without the punctuation that ends a sentence."""
    return [match.rstrip(TRAILING_PUNCTUATION) for match in LINK.findall(text)]


class OutboxMailer:
    """Saves each message as an `.eml` file in `folder` and logs its recipient, subject and links.

    Meant for the single-machine default: a newcomer clicks the verification link in the console or opens the
    file in a mail client. The logged links carry one-time, short-lived tokens — the same ones the `.eml` holds —
    so use `SmtpMailer` wherever logs are shared.
    """

    def __init__(self, folder: Path, *, sender: str = DEFAULT_SENDER) -> None:
        self._folder = folder
        self._sender = sender

    async def send(self, message: EmailMessage) -> None:
        """Write the message file, then log one line; raise `Unavailable` if the folder cannot be written."""
        data = to_mime(message, sender=self._sender).as_bytes()
        try:
            path = await asyncio.to_thread(self._write, data)
        except OSError as error:
            log.warning("mail.outbox_failed", folder=str(self._folder), error=type(error).__name__)
            raise Unavailable(f"The mail outbox {self._folder} cannot be written to.") from error
        log.info("mail.saved", to=message.to, subject=message.subject, links=find_links(message.body), file=str(path))

    def _write(self, data: bytes) -> Path:
        """Write atomically (temporary file, then rename) so a reader never sees half a message."""
        self._folder.mkdir(parents=True, exist_ok=True)
        # The timestamp sorts files by sending order; the random part keeps names unique within a second.
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}-{uuid.uuid4().hex[:8]}.eml"
        handle, temporary = tempfile.mkstemp(dir=self._folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            target = self._folder / name
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return target
