"""In-memory account repositories with the same uniqueness and cascade rules as the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import Conflict

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from adapters.memory.unit_of_work import InMemoryStore
    from domain.accounts import LoginSession, OneTimeToken, User

DUPLICATE_ACCOUNT = "That username or email address is already registered."


class InMemoryUserRepository:
    """Users in a dict; username and email unique case-insensitively, like the database's indexes."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self._rows = store.users

    def _clashes(self, user: User) -> bool:
        return any(
            other.id != user.id
            and (other.username.lower() == user.username.lower() or other.email.lower() == user.email.lower())
            for other in self._rows.values()
        )

    async def add(self, user: User) -> None:
        """Store a new user."""
        if self._clashes(user):
            raise Conflict(DUPLICATE_ACCOUNT)
        self._rows[user.id] = user

    async def get(self, user_id: UUID) -> User | None:
        """The user or None."""
        return self._rows.get(user_id)

    async def get_by_login(self, login: str) -> User | None:
        """By username or email."""
        wanted = login.strip().lower()
        return next(
            (u for u in self._rows.values() if wanted in {u.username.lower(), u.email.lower()}),
            None,
        )

    async def get_by_email(self, email: str) -> User | None:
        """By email."""
        wanted = email.strip().lower()
        return next((u for u in self._rows.values() if u.email.lower() == wanted), None)

    async def update(self, user: User) -> None:
        """Replace the stored user."""
        if self._clashes(user):
            raise Conflict(DUPLICATE_ACCOUNT)
        self._rows[user.id] = user

    async def delete(self, user_id: UUID) -> None:
        """Remove the user and, like the database's cascades, everything of theirs."""
        self._store.remove_user(user_id)


class InMemoryLoginSessionRepository:
    """Login sessions in a dict."""

    def __init__(self, rows: dict[UUID, LoginSession]) -> None:
        self._rows = rows

    async def add(self, session: LoginSession) -> None:
        """Store a new session."""
        self._rows[session.id] = session

    async def get(self, session_id: UUID) -> LoginSession | None:
        """The session or None."""
        return self._rows.get(session_id)

    async def update(self, session: LoginSession) -> None:
        """Replace the stored session."""
        self._rows[session.id] = session

    async def revoke_all(self, user_id: UUID, *, now: datetime, keep: UUID | None = None) -> None:
        """Revoke the user's live sessions except `keep`."""
        for key, session in list(self._rows.items()):
            if session.user_id == user_id and session.id != keep and session.revoked_at is None:
                self._rows[key] = session.revoke(now=now)


class InMemoryOneTimeTokenRepository:
    """One-time link records in a dict."""

    def __init__(self, rows: dict[UUID, OneTimeToken]) -> None:
        self._rows = rows

    async def add(self, token: OneTimeToken) -> None:
        """Store a new record."""
        self._rows[token.id] = token

    async def get(self, token_id: UUID) -> OneTimeToken | None:
        """The record or None."""
        return self._rows.get(token_id)

    async def update(self, token: OneTimeToken) -> None:
        """Replace the stored record."""
        self._rows[token.id] = token
