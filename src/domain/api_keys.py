"""API keys: named, scoped secrets that let a program read the library or ask it, never manage the account.

The secret is 256 random bits behind a recognisable `av_` prefix. Only its SHA-256 digest is stored: a slow
password hash (argon2) protects low-entropy secrets people choose; a 256-bit random secret cannot be guessed or
brute-forced from its digest, and a fast digest lets every API request be checked with one indexed lookup.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.errors import InvalidInput
from domain.text_fields import required_line

SECRET_PREFIX = "av_"  # noqa: S105 - the recognisable start of every key, not a secret
SECRET_BYTES = 32
"""256 bits of entropy (the requirement is at least 128)."""
SHOWN_PREFIX_LENGTH = 11
"""How much of the secret the list shows (`av_` and 8 characters): enough to tell keys apart, useless to guess."""
NAME_MAX = 80
KEYS_PER_USER_MAX = 25
LAST_USED_PRECISION = timedelta(minutes=1)
"""The last-used time is written at most once a minute per key, so a busy key does not write on every request."""


class ApiKeyScope(enum.StrEnum):
    """What a key may do: `read` the library (listings, transcripts, search) or `ask` questions."""

    READ = "read"
    ASK = "ask"


def clean_key_name(name: str) -> str:
    """A key name is required, one line, at most 80 characters."""
    return required_line(
        name,
        most=NAME_MAX,
        missing="Give the API key a name, so you can tell it apart later.",
        too_long=f"An API key name can have at most {NAME_MAX} characters.",
    )


def clean_scopes(scopes: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[ApiKeyScope]:
    """At least one scope, each `read` or `ask`."""
    known = {scope.value for scope in ApiKeyScope}
    unknown = sorted(set(scopes) - known)
    if unknown:
        raise InvalidInput(f"Unknown scope {', '.join(unknown)}: a key's scopes are `read` and/or `ask`.")
    if not scopes:
        raise InvalidInput("Give the API key at least one scope: `read` and/or `ask`.")
    return frozenset(ApiKeyScope(scope) for scope in scopes)


def looks_like_api_key(token: str) -> bool:
    """Whether a bearer token is an API key (rather than a login's access token)."""
    return token.startswith(SECRET_PREFIX)


def digest(secret: str) -> str:
    """The stored form of a secret: SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    """A user's API key as stored: the digest of its secret and the start of the secret for display."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    prefix: str
    secret_digest: str
    scopes: frozenset[ApiKeyScope]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def issue(
        cls, *, user_id: uuid.UUID, name: str, scopes: list[str] | tuple[str, ...], now: datetime
    ) -> tuple[ApiKey, str]:
        """A new key and its secret (the only time the secret exists in the clear)."""
        secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
        key = cls(
            id=uuid.uuid4(),
            user_id=user_id,
            name=clean_key_name(name),
            prefix=secret[:SHOWN_PREFIX_LENGTH],
            secret_digest=digest(secret),
            scopes=clean_scopes(scopes),
            created_at=now,
        )
        return key, secret

    @property
    def is_live(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None

    def allows(self, scope: ApiKeyScope) -> bool:
        """Whether the key carries `scope`."""
        return scope in self.scopes

    def used(self, now: datetime) -> ApiKey | None:
        """The key with its last-used time moved to `now`, or None when the stored time is recent enough."""
        if self.last_used_at is not None and now - self.last_used_at < LAST_USED_PRECISION:
            return None
        return replace(self, last_used_at=now)

    def revoke(self, now: datetime) -> ApiKey:
        """The key, revoked: it opens nothing from now on."""
        return replace(self, revoked_at=now)
