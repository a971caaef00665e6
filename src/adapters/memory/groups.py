"""In-memory groups, with the same share-token lookup and ordering as the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.ports.persistence import GroupPage

if TYPE_CHECKING:
    from uuid import UUID

    from domain.groups import Group


class InMemoryGroupRepository:
    """Groups in a dict; a group's `video_ids` tuple is its ordered member list."""

    def __init__(self, rows: dict[UUID, Group]) -> None:
        self._rows = rows

    async def add(self, group: Group) -> None:
        """Store a new group."""
        self._rows[group.id] = group

    async def get(self, group_id: UUID) -> Group | None:
        """The group or None."""
        return self._rows.get(group_id)

    async def get_by_share_token(self, token: str) -> Group | None:
        """The group whose current share token is `token`, or None."""
        return next((g for g in self._rows.values() if g.share_token is not None and g.share_token == token), None)

    async def list_for_owner(self, owner_id: UUID, *, limit: int, offset: int) -> GroupPage:
        """Newest first (by creation, then id, like the SQL version)."""
        mine = sorted(
            (g for g in self._rows.values() if g.owner_id == owner_id),
            key=lambda g: (g.created_at, g.id),
            reverse=True,
        )
        return GroupPage(items=tuple(mine[offset : offset + limit]), total=len(mine))

    async def update(self, group: Group) -> None:
        """Replace the stored group (if it still exists: an update must not resurrect a deleted group)."""
        if group.id in self._rows:
            self._rows[group.id] = group

    async def delete(self, group_id: UUID) -> None:
        """Remove the group; its videos stay."""
        self._rows.pop(group_id, None)
