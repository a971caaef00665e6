"""List the caller's tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from domain.tags import Tag


class ListTags:
    """The caller's tags by name."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller) -> list[Tag]:
        """Every tag of the caller's."""
        async with self._uow as uow:
            return await uow.tags.list_for_owner(caller.user.id)
