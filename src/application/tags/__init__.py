"""Tags: create, list, rename/recolour, delete; put on and take off videos."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import NotFound

if TYPE_CHECKING:
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from domain.tags import Tag

NO_SUCH_TAG = "There is no tag with that id."


async def owned_tag(uow: UnitOfWork, caller: Caller, tag_id: UUID) -> Tag:
    """The caller's tag, or NotFound — also for someone else's, so ids never leak."""
    tag = await uow.tags.get(tag_id)
    if tag is None or tag.owner_id != caller.user.id:
        raise NotFound(NO_SUCH_TAG)
    return tag
