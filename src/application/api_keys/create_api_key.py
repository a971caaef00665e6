"""Create an API key: the secret is returned this once and only its digest is kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.api_keys.authenticate_api_key import require_login
from domain.api_keys import KEYS_PER_USER_MAX, ApiKey
from domain.errors import LimitReached

if TYPE_CHECKING:
    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from application.ports.system import Clock


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatedApiKey:
    """The stored key and its secret, which nobody can see again."""

    key: ApiKey
    secret: str


class CreateApiKey:
    """A logged-in user makes a named key with scopes `read` and/or `ask`."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, *, name: str, scopes: list[str]) -> CreatedApiKey:
        """The new key with its secret; LimitReached past 25 live keys."""
        require_login(caller)
        key, secret = ApiKey.issue(user_id=caller.user.id, name=name, scopes=scopes, now=self._clock.now())
        async with self._uow as uow:
            if len(await uow.api_keys.list_live(caller.user.id)) >= KEYS_PER_USER_MAX:
                raise LimitReached(f"You can have at most {KEYS_PER_USER_MAX} API keys: revoke one you no longer use.")
            await uow.api_keys.add(key)
            await uow.commit()
        return CreatedApiKey(key=key, secret=secret)
