"""Delete account: the password confirms it; the user's data goes, then the account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from collections.abc import Sequence

    from application.accounts.authenticate import Caller
    from application.ports.persistence import AccountDataEraser, UnitOfWork
    from application.ports.security import PasswordHasher


class DeleteAccount:
    """Delete the caller's account and everything it owns."""

    def __init__(self, uow: UnitOfWork, hasher: PasswordHasher, erasers: Sequence[AccountDataEraser]) -> None:
        self._uow, self._hasher, self._erasers = uow, hasher, tuple(erasers)

    async def __call__(self, caller: Caller, *, password: str) -> None:
        """A wrong password changes nothing; otherwise data first, then the account (sessions cascade)."""
        async with self._uow as uow:
            user = await uow.users.get(caller.user.id)
            if user is None:
                raise NotFound("Your account no longer exists.")
            if not await self._hasher.verify(user.password_hash, password):
                raise Forbidden("The password is not right.")
        for eraser in self._erasers:
            await eraser.erase_user_data(user.id)
        async with self._uow as uow:
            await uow.users.delete(user.id)
            await uow.commit()
