"""Security ports: password hashing, signed tokens, encryption at rest, email, rate limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from domain.accounts import EmailMessage, TokenClaims, TokenKind


class PasswordHasher(Protocol):
    """One-way password hashing (argon2id in production). Deliberately slow: adapters keep it off the event loop."""

    async def hash(self, password: str) -> str:
        """Return a self-describing hash (algorithm, parameters, salt)."""
        ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when `password` matches; False otherwise (never raises for a wrong password)."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with weaker parameters than the current ones."""
        ...


class TokenIssuer(Protocol):
    """Signs and reads tokens (JWT in production)."""

    def issue(self, claims: TokenClaims) -> str:
        """Sign the claims into a token string."""
        ...

    def read(self, token: str, *, kind: TokenKind) -> TokenClaims:
        """Check signature, expiry and kind; raise `domain.errors.Unauthorized` with the reason if any fails."""
        ...


class SecretBox(Protocol):
    """Authenticated encryption for secrets at rest (a user's OpenAI key)."""

    def encrypt(self, plaintext: str) -> bytes:
        """Encrypt with the current key."""
        ...

    def decrypt(self, ciphertext: bytes) -> str:
        """Decrypt with the current or a previous key; raise ValueError if no key opens it."""
        ...


class Mailer(Protocol):
    """Sends email."""

    async def send(self, message: EmailMessage) -> None:
        """Deliver the message; raise `domain.errors.Unavailable` when the mail server cannot be reached."""
        ...


class RateLimiter(Protocol):
    """Counts attempts per key in a time window, shared by every API instance."""

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        """Count one attempt; return None while within `limit`, else the seconds until the window frees up."""
        ...
