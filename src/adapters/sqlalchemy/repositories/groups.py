"""Groups in PostgreSQL: the `video_group` row plus its ordered `group_member` rows."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from adapters.sqlalchemy.models import GroupMemberRow, GroupRow
from application.ports.persistence import GroupPage
from domain.groups import Group

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession


def _group(row: GroupRow, video_ids: Iterable[UUID]) -> Group:
    return Group(
        id=row.id,
        owner_id=row.owner_id,
        name=row.name,
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
        video_ids=tuple(video_ids),
        share_token=row.share_token,
        share_expires_at=row.share_expires_at,
    )


def _group_fields(group: Group) -> dict[str, object]:
    return {
        "owner_id": group.owner_id,
        "name": group.name,
        "description": group.description,
        "created_at": group.created_at,
        "updated_at": group.updated_at,
        "share_token": group.share_token,
        "share_expires_at": group.share_expires_at,
    }


class SqlAlchemyGroupRepository:
    """The `video_group` and `group_member` tables; members are kept in `position` order."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, group: Group) -> None:
        """Insert the group and its members."""
        await self._session.execute(insert(GroupRow).values(id=group.id, **_group_fields(group)))
        await self._write_members(group)

    async def get(self, group_id: UUID) -> Group | None:
        """The group with its videos in order, or None."""
        row = await self._session.get(GroupRow, group_id, populate_existing=True)
        return _group(row, (await self._members([row.id]))[row.id]) if row else None

    async def get_by_share_token(self, token: str) -> Group | None:
        """The group whose current share token is `token`, or None (the unique index makes it at most one)."""
        row = await self._session.scalar(
            select(GroupRow).where(GroupRow.share_token == token).execution_options(populate_existing=True)
        )
        return _group(row, (await self._members([row.id]))[row.id]) if row else None

    async def list_for_owner(self, owner_id: UUID, *, limit: int, offset: int) -> GroupPage:
        """Newest first, with the total; the page's members come in one query."""
        total = await self._session.scalar(
            select(func.count()).select_from(GroupRow).where(GroupRow.owner_id == owner_id)
        )
        rows = list(
            await self._session.scalars(
                select(GroupRow)
                .where(GroupRow.owner_id == owner_id)
                .order_by(GroupRow.created_at.desc(), GroupRow.id.desc())
                .limit(limit)
                .offset(offset)
                .execution_options(populate_existing=True)
            )
        )
        members = await self._members([row.id for row in rows])
        return GroupPage(items=tuple(_group(row, members[row.id]) for row in rows), total=total or 0)

    async def update(self, group: Group) -> None:
        """Write the fields and set the members to `group.video_ids` in order; members that stay keep `added_at`."""
        found = await self._session.scalar(
            update(GroupRow)
            .where(GroupRow.id == group.id)
            .values(**_group_fields(group))
            .returning(GroupRow.id)
            .execution_options(synchronize_session=False)
        )
        if found is None:  # a deleted group stays deleted
            return
        leaving = delete(GroupMemberRow).where(GroupMemberRow.group_id == group.id)
        if group.video_ids:
            leaving = leaving.where(GroupMemberRow.video_id.not_in(group.video_ids))
        await self._session.execute(leaving)
        await self._write_members(group)

    async def delete(self, group_id: UUID) -> None:
        """Delete the group; its members (not their videos) and its chat history go with it (ON DELETE CASCADE)."""
        await self._session.execute(delete(GroupRow).where(GroupRow.id == group_id))

    async def _write_members(self, group: Group) -> None:
        """Insert the group's members at their positions, or move the ones already there (keeping `added_at`)."""
        if not group.video_ids:
            return
        upsert = pg_insert(GroupMemberRow).values(
            [
                {"group_id": group.id, "video_id": video_id, "position": position, "added_at": group.updated_at}
                for position, video_id in enumerate(group.video_ids)
            ]
        )
        await self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=[GroupMemberRow.group_id, GroupMemberRow.video_id],
                set_={"position": upsert.excluded.position},
            )
        )

    async def _members(self, group_ids: Sequence[UUID]) -> defaultdict[UUID, list[UUID]]:
        """Each group's video ids in position order (an empty list for a group without members)."""
        members: defaultdict[UUID, list[UUID]] = defaultdict(list)
        if not group_ids:
            return members
        rows = await self._session.execute(
            select(GroupMemberRow.group_id, GroupMemberRow.video_id)
            .where(GroupMemberRow.group_id.in_(group_ids))
            .order_by(GroupMemberRow.group_id, GroupMemberRow.position)
        )
        for group_id, video_id in rows:
            members[group_id].append(video_id)
        return members
