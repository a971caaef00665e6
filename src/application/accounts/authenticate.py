"""Who is calling: an access token gives the user and session, if both are still good."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from domain.accounts import TokenKind, User
from domain.api_keys import ApiKeyScope
from domain.errors import Unauthorized

if TYPE_CHECKING:
    from application.ports.persistence import UnitOfWork
    from application.ports.security import TokenIssuer
    from application.ports.system import Clock


# `User` and `UUID` are imported at run time: the HTTP layer resolves this dataclass's field types.
@dataclass(frozen=True, slots=True, kw_only=True)
class Caller:
    """An authenticated user and the session the token belongs to, or the API key that was presented."""

    user: User
    session_id: UUID | None
    """None when an API key authenticated the request."""
    api_key_id: UUID | None = None
    scopes: frozenset[ApiKeyScope] | None = None
    """What the API key may do; None for a login session, which may do everything."""

    @property
    def by_api_key(self) -> bool:
        """Whether an API key (not a login) authenticated the request."""
        return self.api_key_id is not None


class Authenticate:
    """Check an access token and that its session is still live (so logout takes effect at once)."""

    def __init__(self, uow: UnitOfWork, issuer: TokenIssuer, clock: Clock) -> None:
        self._uow, self._issuer, self._clock = uow, issuer, clock

    async def __call__(self, access_token: str) -> Caller:
        """The caller, or Unauthorized."""
        claims = self._issuer.read(access_token, kind=TokenKind.ACCESS)
        if claims.session_id is None:
            raise Unauthorized("Invalid token.")
        async with self._uow as uow:
            session = await uow.login_sessions.get(claims.session_id)
            if session is None or session.user_id != claims.subject or not session.is_live(self._clock.now()):
                raise Unauthorized("Your session has ended; log in again.")
            user = await uow.users.get(claims.subject)
        if user is None or not user.is_active:
            raise Unauthorized("Your session has ended; log in again.")
        return Caller(user=user, session_id=session.id)
