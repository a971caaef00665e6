"""Delete a tag: it comes off every video."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.tags import owned_tag

if TYPE_CHECKING:
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork


class DeleteTag:
    """The owner deletes a tag; the videos stay."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, tag_id: UUID) -> None:
        """Delete, or NotFound."""
        async with self._uow as uow:
            await owned_tag(uow, caller, tag_id)
            await uow.tags.delete(tag_id)
            await uow.commit()
