"""Revoke an API key: it stops working at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.api_keys.authenticate_api_key import require_login
from domain.errors import NotFound

if TYPE_CHECKING:
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from application.ports.system import Clock

NO_SUCH_KEY = "There is no API key with that id."


class RevokeApiKey:
    """The owner revokes one of their keys; another user's key, or one already revoked, is not found."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, key_id: UUID) -> None:
        """Revoke, or NotFound."""
        require_login(caller)
        async with self._uow as uow:
            key = await uow.api_keys.get(key_id)
            if key is None or key.user_id != caller.user.id or not key.is_live:
                raise NotFound(NO_SUCH_KEY)
            await uow.api_keys.update(key.revoke(self._clock.now()))
            await uow.commit()
