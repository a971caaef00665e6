"""Persistence ports: repositories that speak domain objects, and the unit of work that owns the transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    from datetime import datetime
    from types import TracebackType
    from uuid import UUID

    from domain.accounts import LoginSession, OneTimeToken, User
    from domain.pipeline_check import PipelineCheck


class PipelineCheckRepository(Protocol):
    """Stores pipeline checks."""

    async def add(self, check: PipelineCheck) -> None:
        """Store a new check."""
        ...

    async def get(self, check_id: UUID) -> PipelineCheck | None:
        """Return the check, or None if there is none with that id."""
        ...

    async def update(self, check: PipelineCheck) -> None:
        """Store the new state of an existing check."""
        ...


class UserRepository(Protocol):
    """Stores users. Usernames and emails are unique, compared case-insensitively."""

    async def add(self, user: User) -> None:
        """Store a new user; raise `domain.errors.Conflict` if the username or email is taken."""
        ...

    async def get(self, user_id: UUID) -> User | None:
        """The user with that id, or None."""
        ...

    async def get_by_login(self, login: str) -> User | None:
        """The user whose username or email is `login` (case-insensitive), or None."""
        ...

    async def get_by_email(self, email: str) -> User | None:
        """The user with that email (case-insensitive), or None."""
        ...

    async def update(self, user: User) -> None:
        """Store the user's new state; raise `domain.errors.Conflict` if a new username or email is taken."""
        ...

    async def delete(self, user_id: UUID) -> None:
        """Remove the user together with their sessions and one-time tokens."""
        ...


class LoginSessionRepository(Protocol):
    """Stores login sessions."""

    async def add(self, session: LoginSession) -> None:
        """Store a new session."""
        ...

    async def get(self, session_id: UUID) -> LoginSession | None:
        """The session, or None."""
        ...

    async def update(self, session: LoginSession) -> None:
        """Store the session's new state."""
        ...

    async def revoke_all(self, user_id: UUID, *, now: datetime, keep: UUID | None = None) -> None:
        """Revoke every live session of the user, except `keep`."""
        ...


class OneTimeTokenRepository(Protocol):
    """Stores the records of emailed one-time links."""

    async def add(self, token: OneTimeToken) -> None:
        """Store a new record."""
        ...

    async def get(self, token_id: UUID) -> OneTimeToken | None:
        """The record, or None."""
        ...

    async def update(self, token: OneTimeToken) -> None:
        """Store the record's new state."""
        ...


class AccountDataEraser(Protocol):
    """Removes one kind of a user's data kept outside the account rows (files, vectors, …) when they leave."""

    async def erase_user_data(self, user_id: UUID) -> None:
        """Remove everything of this kind that belongs to the user; safe to run twice."""
        ...


class UnitOfWork(Protocol):
    """One transaction over all repositories: nothing is stored until `commit`; leaving without it rolls back."""

    pipeline_checks: PipelineCheckRepository
    users: UserRepository
    login_sessions: LoginSessionRepository
    one_time_tokens: OneTimeTokenRepository

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the transaction, rolling back whatever was not committed."""
        ...

    async def commit(self) -> None:
        """Make the changes durable."""
        ...
