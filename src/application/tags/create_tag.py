"""Create a tag with a name and a colour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import LimitReached
from domain.tags import TAGS_PER_OWNER_MAX, Tag

if TYPE_CHECKING:
    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from application.ports.system import Clock


class CreateTag:
    """A new tag of the caller's; a name they already use (any case) is a Conflict."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, *, name: str, color: str | None) -> Tag:
        """The new tag."""
        tag = Tag.create(owner_id=caller.user.id, name=name, color=color, now=self._clock.now())
        async with self._uow as uow:
            if len(await uow.tags.list_for_owner(caller.user.id)) >= TAGS_PER_OWNER_MAX:
                raise LimitReached(f"You can have at most {TAGS_PER_OWNER_MAX} tags.")
            await uow.tags.add(tag)
            await uow.commit()
        return tag
