"""The caller's own profile: read it, rename, set or clear the personal OpenAI key."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from domain.accounts import normalise_username
from domain.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from application.ports.security import SecretBox
    from domain.accounts import User

OPENAI_KEY_MIN = 20
OPENAI_KEY_MAX = 256


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileUpdate:
    """Fields the caller may change; None leaves a field as it is."""

    username: str | None = None


class GetProfile:
    """The caller's current account."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller) -> User:
        """Fresh from storage."""
        async with self._uow as uow:
            user = await uow.users.get(caller.user.id)
        if user is None:
            raise NotFound("Your account no longer exists.")
        return user


class UpdateProfile:
    """Change the caller's username (unique)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, update: ProfileUpdate) -> User:
        """Apply the given fields; a taken username raises Conflict and changes nothing."""
        async with self._uow as uow:
            user = await uow.users.get(caller.user.id)
            if user is None:
                raise NotFound("Your account no longer exists.")
            if update.username is not None:
                user = replace(user, username=normalise_username(update.username))
            await uow.users.update(user)
            await uow.commit()
        return user


class SetOpenAiKey:
    """Store the caller's own OpenAI key, encrypted; only its last 4 characters are ever shown."""

    def __init__(self, uow: UnitOfWork, box: SecretBox) -> None:
        self._uow, self._box = uow, box

    async def __call__(self, caller: Caller, api_key: str | None) -> User:
        """Set the key, or clear it with None."""
        if api_key is not None:
            api_key = api_key.strip()
            if not (OPENAI_KEY_MIN <= len(api_key) <= OPENAI_KEY_MAX) or any(c.isspace() for c in api_key):
                raise InvalidInput("That does not look like an OpenAI API key (it usually starts with 'sk-').")
        async with self._uow as uow:
            user = await uow.users.get(caller.user.id)
            if user is None:
                raise NotFound("Your account no longer exists.")
            if api_key is None:
                user = user.with_openai_key(None, None)
            else:
                user = user.with_openai_key(self._box.encrypt(api_key), api_key[-4:])
            await uow.users.update(user)
            await uow.commit()
        return user
