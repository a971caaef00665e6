"""The tokens a login hands out, and how they are minted from a session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.accounts import TokenClaims, TokenKind

if TYPE_CHECKING:
    from datetime import datetime

    from application.accounts.policy import AccountPolicy
    from application.ports.security import TokenIssuer
    from domain.accounts import LoginSession, User


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionTokens:
    """A short-lived access token and the session's current refresh token, with their expiry times."""

    user: User
    session_id: uuid.UUID
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def mint_tokens(
    issuer: TokenIssuer, policy: AccountPolicy, user: User, session: LoginSession, now: datetime
) -> SessionTokens:
    """Sign an access token (capped by the session's end) and the session's current refresh token.

    The refresh token expires after the idle lifetime (inactivity timeout) or at the session's absolute end,
    whichever comes first; each refresh issues a new one, so an active session lives until its absolute end.
    """
    access_expires = min(now + policy.access_lifetime, session.expires_at)
    refresh_expires = min(now + policy.session_idle_lifetime, session.expires_at)
    access = issuer.issue(
        TokenClaims(
            kind=TokenKind.ACCESS,
            subject=user.id,
            token_id=uuid.uuid4(),
            session_id=session.id,
            expires_at=access_expires,
        )
    )
    refresh = issuer.issue(
        TokenClaims(
            kind=TokenKind.REFRESH,
            subject=user.id,
            token_id=session.refresh_token_id,
            session_id=session.id,
            expires_at=refresh_expires,
        )
    )
    return SessionTokens(
        user=user,
        session_id=session.id,
        access_token=access,
        access_expires_at=access_expires,
        refresh_token=refresh,
        refresh_expires_at=refresh_expires,
    )
