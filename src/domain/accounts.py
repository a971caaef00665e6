"""Accounts: users, their login sessions and the one-time links sent by email. Rules live here."""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.errors import Conflict, InvalidInput, Unauthorized

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
# Deliberately simple: one @, a dot in the domain, no spaces. The verification email proves the rest.
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PASSWORD_MIN = 10
PASSWORD_MAX = 128
DEFAULT_VIDEO_LIMIT = 10


def normalise_username(username: str) -> str:
    """Check a username's form; usernames keep their case for display but compare case-insensitively."""
    username = username.strip()
    if not USERNAME.match(username):
        raise InvalidInput("A username has 3 to 32 characters: letters, digits, '_', '.' or '-'.")
    return username


def normalise_email(email: str) -> str:
    """Check an email's form and lower-case it, so one address is one account."""
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise InvalidInput("That does not look like an email address.")
    return email


def check_password_policy(password: str, *, username: str, email: str) -> None:
    """Long enough, not absurdly long, and not the username or email (case-insensitively)."""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(f"A password needs at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(f"A password can have at most {PASSWORD_MAX} characters.")
    if not password.strip():
        raise InvalidInput("A password cannot be only spaces.")
    lowered = password.lower()
    if lowered in {username.lower(), email.lower(), email.split("@", 1)[0].lower()}:
        raise InvalidInput("A password must not be your username or email address.")


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """A person with an account. `password_hash` and `openai_key_ciphertext` are never shown to anyone."""

    id: uuid.UUID
    username: str
    email: str
    password_hash: str
    is_active: bool
    video_limit: int
    created_at: datetime
    openai_key_ciphertext: bytes | None = None
    openai_key_last4: str | None = None

    @classmethod
    def register(cls, *, username: str, email: str, password_hash: str, video_limit: int, now: datetime) -> User:
        """A new, inactive account: it becomes active when its email is verified."""
        return cls(
            id=uuid.uuid4(),
            username=username,
            email=email,
            password_hash=password_hash,
            is_active=False,
            video_limit=video_limit,
            created_at=now,
        )

    @property
    def has_openai_key(self) -> bool:
        """Whether a personal OpenAI key is stored."""
        return self.openai_key_ciphertext is not None

    def activate(self) -> User:
        """The email is verified."""
        return replace(self, is_active=True)

    def with_password_hash(self, password_hash: str) -> User:
        """The password changed."""
        return replace(self, password_hash=password_hash)

    def with_openai_key(self, ciphertext: bytes | None, last4: str | None) -> User:
        """Set (or, with None, clear) the personal OpenAI key."""
        return replace(self, openai_key_ciphertext=ciphertext, openai_key_last4=last4)

    def with_video_limit(self, limit: int) -> User:
        """An administrator changed how many videos this user may keep."""
        if limit < 0:
            raise InvalidInput("A video limit cannot be negative.")
        return replace(self, video_limit=limit)


class TokenKind(enum.StrEnum):
    """What a signed token is for; a token of one kind is never accepted as another."""

    ACCESS = "access"
    REFRESH = "refresh"
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a password


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenClaims:
    """What a signed token says: whose, what for, which one, until when."""

    kind: TokenKind
    subject: uuid.UUID
    token_id: uuid.UUID
    expires_at: datetime
    session_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginSession:
    """One logged-in device: its refresh tokens rotate; presenting an old one revokes the whole session."""

    id: uuid.UUID
    user_id: uuid.UUID
    refresh_token_id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    @classmethod
    def open(cls, *, user_id: uuid.UUID, now: datetime, lifetime: timedelta) -> LoginSession:
        """A new session; its absolute lifetime does not grow with refreshes."""
        return cls(
            id=uuid.uuid4(),
            user_id=user_id,
            refresh_token_id=uuid.uuid4(),
            created_at=now,
            expires_at=now + lifetime,
        )

    def is_live(self, now: datetime) -> bool:
        """Not revoked and not past its absolute lifetime."""
        return self.revoked_at is None and now < self.expires_at

    def rotate(self, presented_token_id: uuid.UUID, *, now: datetime) -> LoginSession:
        """Swap the refresh token. A token that is not the current one means theft or replay: caller revokes."""
        if not self.is_live(now):
            raise Unauthorized("Your session has ended; log in again.")
        if presented_token_id != self.refresh_token_id:
            raise Conflict("This refresh token was already used.")
        return replace(self, refresh_token_id=uuid.uuid4())

    def revoke(self, *, now: datetime) -> LoginSession:
        """End the session (logout, reuse detected, password reset)."""
        return self if self.revoked_at else replace(self, revoked_at=now)


@dataclass(frozen=True, slots=True, kw_only=True)
class OneTimeToken:
    """The server-side record of an emailed link, so that each link works once."""

    id: uuid.UUID
    user_id: uuid.UUID
    kind: TokenKind
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(cls, *, user_id: uuid.UUID, kind: TokenKind, now: datetime, lifetime: timedelta) -> OneTimeToken:
        """A fresh link record."""
        return cls(id=uuid.uuid4(), user_id=user_id, kind=kind, expires_at=now + lifetime)

    def use(self, *, now: datetime) -> OneTimeToken:
        """Spend the link; a used or expired link is refused."""
        if self.used_at is not None:
            raise Unauthorized("This link was already used. Ask for a new one.")
        if now >= self.expires_at:
            raise Unauthorized("This link has expired. Ask for a new one.")
        return replace(self, used_at=now)


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailMessage:
    """A plain-text email."""

    to: str
    subject: str
    body: str
