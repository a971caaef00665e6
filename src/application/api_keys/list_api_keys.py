"""List the caller's API keys: names, scopes, the start of each secret and when it was last used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.api_keys.authenticate_api_key import require_login

if TYPE_CHECKING:
    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from domain.api_keys import ApiKey


class ListApiKeys:
    """The caller's live keys, newest first."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller) -> list[ApiKey]:
        """Never the secrets: they are not stored."""
        require_login(caller)
        async with self._uow as uow:
            return await uow.api_keys.list_live(caller.user.id)
