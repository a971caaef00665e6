"""Rename and/or recolour a tag."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.tags import owned_tag

if TYPE_CHECKING:
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from domain.tags import Tag


class EditTag:
    """Change a tag's name or colour; the videos carrying it keep it."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, tag_id: UUID, *, name: str | None, color: str | None) -> Tag:
        """The changed tag."""
        async with self._uow as uow:
            tag = (await owned_tag(uow, caller, tag_id)).edit(name=name, color=color)
            await uow.tags.update(tag)
            await uow.commit()
        return tag
