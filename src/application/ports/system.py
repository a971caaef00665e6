"""Ports for cross-cutting system needs: time, background jobs, dependency health."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import datetime

    from domain.commands import Command


class Clock(Protocol):
    """The current time (UTC, timezone-aware)."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        ...


class JobQueue(Protocol):
    """Hands commands to background workers."""

    async def enqueue(self, command: Command) -> None:
        """Queue `command` for a worker; raise `domain.errors.Unavailable` if the queue cannot be reached."""
        ...


class DependencyProbe(Protocol):
    """Checks that one external part (database, queue, storage) answers."""

    name: str

    async def check(self) -> None:
        """Return when the part answers; raise any exception (with a readable message) when it does not."""
        ...
