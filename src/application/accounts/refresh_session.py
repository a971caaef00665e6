"""Refresh: trade the current refresh token for new tokens; a replayed one ends the session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.accounts.sessions import SessionTokens, mint_tokens
from application.accounts.throttle import throttle
from domain.accounts import TokenKind
from domain.errors import Conflict, Unauthorized

if TYPE_CHECKING:
    from application.accounts.policy import AccountPolicy
    from application.ports.persistence import UnitOfWork
    from application.ports.security import RateLimiter, TokenIssuer
    from application.ports.system import Clock

SESSION_ENDED = "Your session has ended; log in again."


@dataclass(frozen=True, slots=True, kw_only=True)
class RefreshCommand:
    """The refresh token from the cookie (or body) and who sends it."""

    refresh_token: str
    client_ip: str


class RefreshSession:
    """Rotate the session's refresh token (reuse detection revokes the session)."""

    def __init__(
        self, uow: UnitOfWork, issuer: TokenIssuer, limiter: RateLimiter, clock: Clock, policy: AccountPolicy
    ) -> None:
        self._uow, self._issuer, self._limiter, self._clock, self._policy = uow, issuer, limiter, clock, policy

    async def __call__(self, command: RefreshCommand) -> SessionTokens:
        """New tokens; an old, revoked or foreign token raises Unauthorized (and a replay revokes the session)."""
        await throttle(self._limiter, (f"refresh:ip:{command.client_ip}", self._policy.refresh_per_ip))
        claims = self._issuer.read(command.refresh_token, kind=TokenKind.REFRESH)
        now = self._clock.now()
        async with self._uow as uow:
            session = await uow.login_sessions.get(claims.session_id) if claims.session_id else None
            if session is None or session.user_id != claims.subject:
                raise Unauthorized(SESSION_ENDED)
            try:
                rotated = session.rotate(claims.token_id, now=now)
            except Conflict:
                # The token was already exchanged: someone holds a copy. End the session for everyone.
                await uow.login_sessions.update(session.revoke(now=now))
                await uow.commit()
                raise Unauthorized(SESSION_ENDED) from None
            user = await uow.users.get(session.user_id)
            if user is None or not user.is_active:
                raise Unauthorized(SESSION_ENDED)
            await uow.login_sessions.update(rotated)
            await uow.commit()
        return mint_tokens(self._issuer, self._policy, user, rotated, now)
