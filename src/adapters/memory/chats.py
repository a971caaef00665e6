"""In-memory chat history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.ports.persistence import ChatPage
from domain.questions import ScopeKind

if TYPE_CHECKING:
    from uuid import UUID

    from domain.questions import ChatEntry, Scope


class InMemoryChatRepository:
    """Chat entries in a dict."""

    def __init__(self, rows: dict[UUID, ChatEntry]) -> None:
        self._rows = rows

    async def add(self, entry: ChatEntry) -> None:
        """Store a new entry."""
        self._rows[entry.id] = entry

    async def get(self, entry_id: UUID) -> ChatEntry | None:
        """The entry or None."""
        return self._rows.get(entry_id)

    async def update(self, entry: ChatEntry) -> None:
        """Replace the entry."""
        if entry.id in self._rows:
            self._rows[entry.id] = entry

    async def list_for(self, user_id: UUID, scope: Scope, *, limit: int, offset: int) -> ChatPage:
        """Newest first."""
        # A group's history belongs to the group: its guests' entries (no user) are part of it.
        mine = [
            e
            for e in self._rows.values()
            if e.scope == scope and (scope.kind is ScopeKind.GROUP or e.user_id == user_id)
        ]
        mine.sort(key=lambda e: (e.created_at, e.id), reverse=True)
        return ChatPage(items=tuple(mine[offset : offset + limit]), total=len(mine))
