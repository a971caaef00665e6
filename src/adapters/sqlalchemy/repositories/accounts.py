"""Users, login sessions and one-time link records in PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from adapters.sqlalchemy.models import LoginSessionRow, OneTimeTokenRow, UserRow
from domain.accounts import LoginSession, OneTimeToken, TokenKind, User
from domain.errors import Conflict

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession

DUPLICATE_ACCOUNT = "That username or email address is already registered."
# Errors stay SQLAlchemy's own (wrap_exceptions=False): the unit of work maps a lost connection to `Unavailable`.
_OPTIONS = {"auto_commit": False, "auto_expunge": False, "wrap_exceptions": False}


class _Users(SQLAlchemyAsyncRepository[UserRow]):
    model_type = UserRow


class _Sessions(SQLAlchemyAsyncRepository[LoginSessionRow]):
    model_type = LoginSessionRow


class _Tokens(SQLAlchemyAsyncRepository[OneTimeTokenRow]):
    model_type = OneTimeTokenRow


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        email=row.email,
        password_hash=row.password_hash,
        is_active=row.is_active,
        video_limit=row.video_limit,
        created_at=row.created_at,
        openai_key_ciphertext=row.openai_key_ciphertext,
        openai_key_last4=row.openai_key_last4,
    )


def _user_fields(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "email": user.email,
        "password_hash": user.password_hash,
        "is_active": user.is_active,
        "video_limit": user.video_limit,
        "created_at": user.created_at,
        "openai_key_ciphertext": user.openai_key_ciphertext,
        "openai_key_last4": user.openai_key_last4,
    }


class SqlAlchemyUserRepository:
    """The `user_account` table; a unique-index violation becomes `Conflict` without saying which field."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Users(session=session, **_OPTIONS)

    async def add(self, user: User) -> None:
        """Insert the user."""
        try:
            await self._rows.add(UserRow(id=user.id, **_user_fields(user)))
        except IntegrityError as error:
            raise Conflict(DUPLICATE_ACCOUNT) from error

    async def get(self, user_id: UUID) -> User | None:
        """The user or None."""
        row = await self._rows.get_one_or_none(id=user_id)
        return _user(row) if row else None

    async def get_by_login(self, login: str) -> User | None:
        """By username or email, case-insensitively."""
        wanted = login.strip().lower()
        row = await self._session.scalar(
            select(UserRow).where(or_(func.lower(UserRow.username) == wanted, func.lower(UserRow.email) == wanted))
        )
        return _user(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        """By email, case-insensitively."""
        row = await self._session.scalar(select(UserRow).where(func.lower(UserRow.email) == email.strip().lower()))
        return _user(row) if row else None

    async def update(self, user: User) -> None:
        """Write the user's fields."""
        try:
            await self._session.execute(update(UserRow).where(UserRow.id == user.id).values(**_user_fields(user)))
        except IntegrityError as error:
            raise Conflict(DUPLICATE_ACCOUNT) from error

    async def delete(self, user_id: UUID) -> None:
        """Delete the user; sessions and tokens go with it (ON DELETE CASCADE)."""
        await self._session.execute(delete(UserRow).where(UserRow.id == user_id))


def _login_session(row: LoginSessionRow) -> LoginSession:
    return LoginSession(
        id=row.id,
        user_id=row.user_id,
        refresh_token_id=row.refresh_token_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


class SqlAlchemyLoginSessionRepository:
    """The `login_session` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Sessions(session=session, **_OPTIONS)

    async def add(self, session: LoginSession) -> None:
        """Insert the session."""
        await self._rows.add(
            LoginSessionRow(
                id=session.id,
                user_id=session.user_id,
                refresh_token_id=session.refresh_token_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
                revoked_at=session.revoked_at,
            )
        )

    async def get(self, session_id: UUID) -> LoginSession | None:
        """The session or None."""
        row = await self._rows.get_one_or_none(id=session_id)
        return _login_session(row) if row else None

    async def update(self, session: LoginSession) -> None:
        """Write the rotating token id and revocation."""
        await self._session.execute(
            update(LoginSessionRow)
            .where(LoginSessionRow.id == session.id)
            .values(refresh_token_id=session.refresh_token_id, revoked_at=session.revoked_at)
        )

    async def revoke_all(self, user_id: UUID, *, now: datetime, keep: UUID | None = None) -> None:
        """Revoke the user's live sessions except `keep`, in one statement."""
        statement = update(LoginSessionRow).where(
            LoginSessionRow.user_id == user_id, LoginSessionRow.revoked_at.is_(None)
        )
        if keep is not None:
            statement = statement.where(LoginSessionRow.id != keep)
        await self._session.execute(statement.values(revoked_at=now))


def _one_time_token(row: OneTimeTokenRow) -> OneTimeToken:
    return OneTimeToken(
        id=row.id, user_id=row.user_id, kind=TokenKind(row.kind), expires_at=row.expires_at, used_at=row.used_at
    )


class SqlAlchemyOneTimeTokenRepository:
    """The `one_time_token` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Tokens(session=session, **_OPTIONS)

    async def add(self, token: OneTimeToken) -> None:
        """Insert the record."""
        await self._rows.add(
            OneTimeTokenRow(
                id=token.id,
                user_id=token.user_id,
                kind=token.kind.value,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )

    async def get(self, token_id: UUID) -> OneTimeToken | None:
        """The record or None; `FOR UPDATE` so two clicks on one link cannot both spend it."""
        row = await self._session.scalar(
            select(OneTimeTokenRow).where(OneTimeTokenRow.id == token_id).with_for_update()
        )
        return _one_time_token(row) if row else None

    async def update(self, token: OneTimeToken) -> None:
        """Write when it was used."""
        await self._session.execute(
            update(OneTimeTokenRow).where(OneTimeTokenRow.id == token.id).values(used_at=token.used_at)
        )
