"""Chat history in PostgreSQL."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, update

from adapters.sqlalchemy.models import ChatRow
from application.ports.persistence import ChatPage
from domain.questions import ChatEntry, Citation, Feedback, Scope, ScopeKind

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession


def _entry(row: ChatRow) -> ChatEntry:
    return ChatEntry(
        id=row.id,
        user_id=row.user_id,
        scope=Scope(kind=ScopeKind(row.scope_kind), video_id=row.video_id, group_id=row.group_id),
        question=row.question,
        answer=row.answer,
        citations=tuple(
            Citation(
                video_id=uuid.UUID(c["video_id"]),
                title=c["title"],
                start=c["start"],
                end=c["end"],
                text=c["text"],
                score=c["score"],
            )
            for c in row.citations
        ),
        grounded=row.grounded,
        is_shared_origin=row.is_shared_origin,
        created_at=row.created_at,
        feedback=Feedback(row.feedback) if row.feedback else None,
    )


def _scope_filter(scope: Scope) -> list:
    return [
        ChatRow.scope_kind == scope.kind.value,
        ChatRow.video_id.is_(None) if scope.video_id is None else ChatRow.video_id == scope.video_id,
        ChatRow.group_id.is_(None) if scope.group_id is None else ChatRow.group_id == scope.group_id,
    ]


class SqlAlchemyChatRepository:
    """The `chat_log` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: ChatEntry) -> None:
        """Insert the entry."""
        await self._session.execute(
            insert(ChatRow).values(
                id=entry.id,
                user_id=entry.user_id,
                scope_kind=entry.scope.kind.value,
                video_id=entry.scope.video_id,
                group_id=entry.scope.group_id,
                question=entry.question,
                answer=entry.answer,
                citations=[
                    {
                        "video_id": str(c.video_id),
                        "title": c.title,
                        "start": c.start,
                        "end": c.end,
                        "text": c.text,
                        "score": c.score,
                    }
                    for c in entry.citations
                ],
                grounded=entry.grounded,
                is_shared_origin=entry.is_shared_origin,
                feedback=entry.feedback.value if entry.feedback else None,
                created_at=entry.created_at,
            )
        )

    async def get(self, entry_id: UUID) -> ChatEntry | None:
        """The entry or None."""
        row = await self._session.get(ChatRow, entry_id, populate_existing=True)
        return _entry(row) if row else None

    async def update(self, entry: ChatEntry) -> None:
        """Write the feedback."""
        await self._session.execute(
            update(ChatRow)
            .where(ChatRow.id == entry.id)
            .values(feedback=entry.feedback.value if entry.feedback else None)
        )

    async def list_for(self, user_id: UUID, scope: Scope, *, limit: int, offset: int) -> ChatPage:
        """Newest first."""
        # A group's history belongs to the group: its guests' entries (no user) are part of it.
        conditions = _scope_filter(scope)
        if scope.kind is not ScopeKind.GROUP:
            conditions.append(ChatRow.user_id == user_id)
        total = await self._session.scalar(select(func.count()).select_from(ChatRow).where(*conditions))
        rows = await self._session.scalars(
            select(ChatRow)
            .where(*conditions)
            .order_by(ChatRow.created_at.desc(), ChatRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return ChatPage(items=tuple(_entry(r) for r in rows), total=total or 0)
