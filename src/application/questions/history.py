"""The history of a scope: list it, give feedback on an answer, export it as CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import InvalidInput, NotFound
from domain.exports import history_csv

if TYPE_CHECKING:
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import ChatPage, UnitOfWork
    from domain.questions import ChatEntry, Feedback, Scope

PAGE_MAX = 100
EXPORT_PAGE = 500


class ListHistory:
    """The caller's questions in one scope, newest first."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, scope: Scope, *, limit: int = 20, offset: int = 0) -> ChatPage:
        """One page."""
        if not 1 <= limit <= PAGE_MAX or offset < 0:
            raise InvalidInput(f"limit must be 1–{PAGE_MAX} and offset 0 or more.")
        async with self._uow as uow:
            return await uow.chats.list_for(caller.user.id, scope, limit=limit, offset=offset)


class GiveFeedback:
    """Mark an answer good or bad (or clear it); only the person who asked may."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, entry_id: UUID, feedback: Feedback | None) -> ChatEntry:
        """The updated entry, or NotFound (also for someone else's)."""
        async with self._uow as uow:
            entry = await uow.chats.get(entry_id)
            if entry is None or entry.user_id != caller.user.id:
                raise NotFound("There is no answer with that id.")
            entry = entry.with_feedback(feedback)
            await uow.chats.update(entry)
            await uow.commit()
        return entry


class ExportHistory:
    """The whole history of a scope as CSV (oldest first, as people read a conversation)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, scope: Scope) -> str:
        """CSV text with a byte-order mark."""
        entries: list[ChatEntry] = []
        async with self._uow as uow:
            while True:
                page = await uow.chats.list_for(caller.user.id, scope, limit=EXPORT_PAGE, offset=len(entries))
                entries.extend(page.items)
                if len(entries) >= page.total or not page.items:
                    break
        return history_csv(reversed(entries))
