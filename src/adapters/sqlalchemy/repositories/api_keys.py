"""API keys in PostgreSQL: looked up by the unique digest of their secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from adapters.sqlalchemy.models import ApiKeyRow
from domain.api_keys import ApiKey, ApiKeyScope

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        prefix=row.prefix,
        secret_digest=row.secret_digest,
        scopes=frozenset(ApiKeyScope(scope) for scope in row.scopes),
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _fields(key: ApiKey) -> dict[str, object]:
    return {
        "user_id": key.user_id,
        "name": key.name,
        "prefix": key.prefix,
        "secret_digest": key.secret_digest,
        "scopes": sorted(scope.value for scope in key.scopes),
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


class SqlAlchemyApiKeyRepository:
    """The `api_key` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, key: ApiKey) -> None:
        """Insert the key."""
        await self._session.execute(insert(ApiKeyRow).values(id=key.id, **_fields(key)))

    async def get(self, key_id: UUID) -> ApiKey | None:
        """The key or None."""
        row = await self._session.get(ApiKeyRow, key_id, populate_existing=True)
        return _key(row) if row else None

    async def get_by_digest(self, secret_digest: str) -> ApiKey | None:
        """One indexed lookup."""
        row = await self._session.scalar(
            select(ApiKeyRow).where(ApiKeyRow.secret_digest == secret_digest).execution_options(populate_existing=True)
        )
        return _key(row) if row else None

    async def list_live(self, user_id: UUID) -> list[ApiKey]:
        """Newest first."""
        rows = await self._session.scalars(
            select(ApiKeyRow)
            .where(ApiKeyRow.user_id == user_id, ApiKeyRow.revoked_at.is_(None))
            .order_by(ApiKeyRow.created_at.desc(), ApiKeyRow.id.desc())
            .execution_options(populate_existing=True)
        )
        return [_key(row) for row in rows]

    async def update(self, key: ApiKey) -> None:
        """Write the key's fields."""
        await self._session.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key.id)
            .values(**_fields(key))
            .execution_options(synchronize_session=False)
        )
