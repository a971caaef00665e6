"""Who is calling with an API key, whether the key may do what is asked, and how often it may call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.accounts.authenticate import Caller
from application.accounts.throttle import throttle
from domain.api_keys import ApiKeyScope, digest
from domain.errors import Forbidden, Unauthorized

if TYPE_CHECKING:
    from collections.abc import Iterable

    from application.accounts.policy import RateRule
    from application.ports.persistence import UnitOfWork
    from application.ports.security import RateLimiter
    from application.ports.system import Clock

UNKNOWN_KEY = "This API key is not valid: it was revoked, mistyped, or never existed."


def require_scope(caller: Caller, scopes: Iterable[ApiKeyScope]) -> None:
    """Refuse an API key that carries none of `scopes` (a login may do everything)."""
    wanted = tuple(scopes)
    if caller.scopes is None or any(scope in caller.scopes for scope in wanted):
        return
    names = " or ".join(f"`{scope.value}`" for scope in wanted)
    raise Forbidden(f"This API key may not do this: it needs the {names} scope.")


def require_login(caller: Caller) -> None:
    """Refuse API keys: the account and its keys are managed only by the person, logged in."""
    if caller.by_api_key:
        raise Forbidden("API keys cannot manage the account or its keys: log in to do this.")


class AuthenticateApiKey:
    """Check a presented secret, count the call against the key's rate limit, note when it was last used."""

    def __init__(self, uow: UnitOfWork, limiter: RateLimiter, clock: Clock, rule: RateRule) -> None:
        self._uow, self._limiter, self._clock, self._rule = uow, limiter, clock, rule

    async def __call__(self, secret: str) -> Caller:
        """The key's owner as the caller, limited to the key's scopes; Unauthorized or RateLimited otherwise."""
        async with self._uow as uow:
            key = await uow.api_keys.get_by_digest(digest(secret))
            if key is None or not key.is_live:
                raise Unauthorized(UNKNOWN_KEY)
            user = await uow.users.get(key.user_id)
            if user is None or not user.is_active:
                raise Unauthorized(UNKNOWN_KEY)
            await throttle(self._limiter, (f"api-key:{key.id}", self._rule))
            used = key.used(self._clock.now())
            if used is not None:
                await uow.api_keys.update(used)
                await uow.commit()
        return Caller(user=user, session_id=None, api_key_id=key.id, scopes=key.scopes)
