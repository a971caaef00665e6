"""Tags in PostgreSQL: the `tag` table and the `video_tag` links."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from adapters.sqlalchemy.models import TagRow, VideoRow, VideoTagRow
from adapters.sqlalchemy.repositories.videos import _escape_like, _video
from domain.errors import Conflict
from domain.tags import Tag

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession

    from domain.videos import Video

DUPLICATE_TAG = "You already have a tag with that name."


def _tag(row: TagRow) -> Tag:
    return Tag(id=row.id, owner_id=row.owner_id, name=row.name, color=row.color, created_at=row.created_at)


class SqlAlchemyTagRepository:
    """The owner's tags; a duplicate name is caught by the unique index inside a savepoint, so the transaction
    stays usable."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, tag: Tag) -> None:
        """Insert, or Conflict on a taken name."""
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    insert(TagRow).values(
                        id=tag.id, owner_id=tag.owner_id, name=tag.name, color=tag.color, created_at=tag.created_at
                    )
                )
        except IntegrityError as error:
            raise Conflict(DUPLICATE_TAG) from error

    async def get(self, tag_id: UUID) -> Tag | None:
        """The tag or None."""
        row = await self._session.get(TagRow, tag_id, populate_existing=True)
        return _tag(row) if row else None

    async def list_for_owner(self, owner_id: UUID) -> list[Tag]:
        """By name, ignoring case."""
        rows = await self._session.scalars(
            select(TagRow)
            .where(TagRow.owner_id == owner_id)
            .order_by(func.lower(TagRow.name), TagRow.id)
            .execution_options(populate_existing=True)
        )
        return [_tag(row) for row in rows]

    async def update(self, tag: Tag) -> None:
        """Write name and colour, or Conflict on a taken name."""
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    update(TagRow)
                    .where(TagRow.id == tag.id)
                    .values(name=tag.name, color=tag.color)
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError as error:
            raise Conflict(DUPLICATE_TAG) from error

    async def delete(self, tag_id: UUID) -> None:
        """Delete; its links go with it (ON DELETE CASCADE)."""
        await self._session.execute(delete(TagRow).where(TagRow.id == tag_id))

    async def attach(self, tag_id: UUID, video_id: UUID) -> None:
        """Insert the link unless it is there."""
        await self._session.execute(
            pg_insert(VideoTagRow).values(video_id=video_id, tag_id=tag_id).on_conflict_do_nothing()
        )

    async def detach(self, tag_id: UUID, video_id: UUID) -> None:
        """Delete the link if it is there."""
        await self._session.execute(
            delete(VideoTagRow).where(VideoTagRow.video_id == video_id, VideoTagRow.tag_id == tag_id)
        )

    async def for_videos(self, video_ids: Sequence[UUID]) -> dict[UUID, list[Tag]]:
        """One query for a whole page of videos."""
        found: defaultdict[UUID, list[Tag]] = defaultdict(list)
        if not video_ids:
            return {}
        rows = await self._session.execute(
            select(VideoTagRow.video_id, TagRow)
            .join(TagRow, TagRow.id == VideoTagRow.tag_id)
            .where(VideoTagRow.video_id.in_(list(video_ids)))
            .order_by(func.lower(TagRow.name), TagRow.id)
            .execution_options(populate_existing=True)
        )
        for video_id, row in rows:
            found[video_id].append(_tag(row))
        return dict(found)


class SqlAlchemyVideoTextIndex:
    """Title and description substring matches (bounded; the caller ranks them)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def matching(self, owner_id: UUID, terms: Sequence[str], *, limit: int) -> list[Video]:
        """Newest first."""
        patterns = [f"%{_escape_like(term)}%" for term in terms if term.strip()]
        if not patterns:
            return []
        rows = await self._session.scalars(
            select(VideoRow)
            .where(
                VideoRow.owner_id == owner_id,
                or_(
                    *(VideoRow.title.ilike(p, escape="\\") for p in patterns),
                    *(VideoRow.description.ilike(p, escape="\\") for p in patterns),
                ),
            )
            .order_by(VideoRow.uploaded_at.desc(), VideoRow.id.desc())
            .limit(limit)
        )
        return [_video(row) for row in rows]
