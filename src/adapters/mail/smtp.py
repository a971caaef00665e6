"""Sends email over SMTP with the standard library's `smtplib`, run in a worker thread."""

from __future__ import annotations

import asyncio
import email.message
import email.policy
import email.utils
import smtplib
import ssl
from typing import TYPE_CHECKING, Literal

import structlog

from domain.errors import Unavailable

if TYPE_CHECKING:
    from domain.accounts import EmailMessage

log = structlog.get_logger("askvideo.mail")

Security = Literal["none", "starttls", "tls"]
UNREACHABLE = "The mail server cannot be reached right now; try again shortly."


def to_mime(message: EmailMessage, *, sender: str) -> email.message.EmailMessage:
    """A complete RFC 5322 message: From, To, Subject, Date, Message-ID and a UTF-8 plain-text body."""
    mime = email.message.EmailMessage(policy=email.policy.SMTP)
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = email.utils.formatdate(usegmt=True)
    _, sender_address = email.utils.parseaddr(sender)
    domain = sender_address.rpartition("@")[2] or "localhost"
    mime["Message-ID"] = email.utils.make_msgid(domain=domain)
    mime.set_content(message.body, charset="utf-8")
    return mime


class SmtpMailer:
    """Delivers mail through an SMTP relay: plain, STARTTLS (the default) or implicit TLS, with optional login.

    Uses the standard library's `smtplib` in a thread rather than an async SMTP client: one fewer dependency, a
    client that has handled SMTP's corner cases for decades, and account emails are rare enough (sign-up, password
    reset) that a thread per message costs nothing. A new connection per message avoids keeping an idle session
    that the relay would drop anyway.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        security: Security = "starttls",
        sender: str,
        timeout: float = 10.0,
    ) -> None:
        if security not in ("none", "starttls", "tls"):
            raise ValueError(f"Unknown SMTP security {security!r}: use none, starttls or tls.")
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._security = security
        self._sender = sender
        self._timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        """Deliver the message; raise `Unavailable` when the server cannot be reached or refuses it."""
        mime = to_mime(message, sender=self._sender)
        try:
            await asyncio.to_thread(self._deliver, mime)
        except (OSError, smtplib.SMTPException) as error:
            # OSError covers refused connections, timeouts and TLS failures. Log only the error type: an SMTP
            # error's text can echo the login exchange.
            log.warning("mail.send_failed", host=self._host, port=self._port, error=type(error).__name__)
            raise Unavailable(UNREACHABLE) from error

    def _deliver(self, mime: email.message.EmailMessage) -> None:
        """Connect, secure, log in, send, quit — blocking, so it runs in a thread."""
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self._security == "tls":
            client = smtplib.SMTP_SSL(self._host, self._port, timeout=self._timeout, context=context)
        else:
            client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        with client:
            if self._security == "starttls":
                client.starttls(context=context)
            if self._username is not None:
                client.login(self._username, self._password or "")
            client.send_message(mime)
