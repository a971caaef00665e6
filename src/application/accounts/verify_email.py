"""Verify email: the emailed link activates the account, once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.accounts.emails import spend_link_token
from domain.accounts import TokenKind

if TYPE_CHECKING:
    from application.ports.persistence import UnitOfWork
    from application.ports.security import TokenIssuer
    from application.ports.system import Clock
    from domain.accounts import User


class VerifyEmail:
    """Spend a verification link and activate its account."""

    def __init__(self, uow: UnitOfWork, issuer: TokenIssuer, clock: Clock) -> None:
        self._uow, self._issuer, self._clock = uow, issuer, clock

    async def __call__(self, token: str) -> User:
        """Activate; a tampered, expired or used link raises Unauthorized."""
        async with self._uow as uow:
            user = await spend_link_token(uow, self._issuer, self._clock, token, TokenKind.VERIFY_EMAIL)
            active = user.activate()
            await uow.users.update(active)
            await uow.commit()
        return active
