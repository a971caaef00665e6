"""Log out: the session ends on the server, so its tokens stop working at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uuid import UUID

    from application.ports.persistence import UnitOfWork
    from application.ports.system import Clock


class LogOut:
    """Revoke one session of the caller."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, *, user_id: UUID, session_id: UUID) -> None:
        """Revoke the session if it is the caller's; logging out twice is fine."""
        async with self._uow as uow:
            session = await uow.login_sessions.get(session_id)
            if session is None or session.user_id != user_id:
                return
            await uow.login_sessions.update(session.revoke(now=self._clock.now()))
            await uow.commit()
