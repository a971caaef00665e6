"""Change password: needs the current one; other sessions end, this one stays."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.accounts import check_password_policy
from domain.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from application.ports.security import PasswordHasher
    from application.ports.system import Clock


class ChangePassword:
    """Replace the password of the caller."""

    def __init__(self, uow: UnitOfWork, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock

    async def __call__(self, caller: Caller, *, current_password: str, new_password: str) -> None:
        """Wrong current password → Forbidden; policy breach → InvalidInput; nothing changes on either."""
        async with self._uow as uow:
            user = await uow.users.get(caller.user.id)
            if user is None:
                raise NotFound("Your account no longer exists.")
            if not await self._hasher.verify(user.password_hash, current_password):
                raise Forbidden("The current password is not right.")
            check_password_policy(new_password, username=user.username, email=user.email)
            await uow.users.update(user.with_password_hash(await self._hasher.hash(new_password)))
            await uow.login_sessions.revoke_all(user.id, now=self._clock.now(), keep=caller.session_id)
            await uow.commit()
