"""An administrator sets how many videos a user may keep."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import NotFound

if TYPE_CHECKING:
    from application.ports.persistence import UnitOfWork
    from domain.accounts import User


class SetVideoLimit:
    """Change one user's video limit, found by username or email."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, *, login: str, limit: int) -> User:
        """The updated user; NotFound for an unknown login, InvalidInput for a negative limit."""
        async with self._uow as uow:
            user = await uow.users.get_by_login(login)
            if user is None:
                raise NotFound(f"There is no user {login!r}.")
            user = user.with_video_limit(limit)
            await uow.users.update(user)
            await uow.commit()
        return user
