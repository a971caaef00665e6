"""Reset password: the emailed link sets a new password, once, and logs the account out everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.accounts.emails import spend_link_token
from domain.accounts import TokenKind, check_password_policy

if TYPE_CHECKING:
    from application.ports.persistence import UnitOfWork
    from application.ports.security import PasswordHasher, TokenIssuer
    from application.ports.system import Clock


class ResetPassword:
    """Spend a reset link, set the new password, revoke every session."""

    def __init__(self, uow: UnitOfWork, hasher: PasswordHasher, issuer: TokenIssuer, clock: Clock) -> None:
        self._uow, self._hasher, self._issuer, self._clock = uow, hasher, issuer, clock

    async def __call__(self, *, token: str, new_password: str) -> None:
        """A bad password is refused before the link is spent, so the person can try again with the same link."""
        async with self._uow as uow:
            user = await spend_link_token(uow, self._issuer, self._clock, token, TokenKind.RESET_PASSWORD)
            check_password_policy(new_password, username=user.username, email=user.email)
            # Following the emailed link proves the address, so an unverified account becomes active too.
            await uow.users.update(user.with_password_hash(await self._hasher.hash(new_password)).activate())
            await uow.login_sessions.revoke_all(user.id, now=self._clock.now())
            await uow.commit()
