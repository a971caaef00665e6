"""In-memory API keys, looked up by digest like the database does."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uuid import UUID

    from domain.api_keys import ApiKey


class InMemoryApiKeyRepository:
    """API keys in a dict."""

    def __init__(self, rows: dict[UUID, ApiKey]) -> None:
        self._rows = rows

    async def add(self, key: ApiKey) -> None:
        """Store a new key."""
        self._rows[key.id] = key

    async def get(self, key_id: UUID) -> ApiKey | None:
        """The key or None."""
        return self._rows.get(key_id)

    async def get_by_digest(self, secret_digest: str) -> ApiKey | None:
        """The key with this digest, or None."""
        return next((k for k in self._rows.values() if k.secret_digest == secret_digest), None)

    async def list_live(self, user_id: UUID) -> list[ApiKey]:
        """Newest first, revoked ones left out."""
        live = [k for k in self._rows.values() if k.user_id == user_id and k.is_live]
        return sorted(live, key=lambda k: (k.created_at, k.id), reverse=True)

    async def update(self, key: ApiKey) -> None:
        """Replace the stored key (if it exists)."""
        if key.id in self._rows:
            self._rows[key.id] = key
