"""A job queue that keeps commands in a list, for tests and the demo wiring."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from domain.commands import Command


class InMemoryJobQueue:
    """Records enqueued commands in order; with a `runner` it also runs each one at once, in-process.

    `down = True` makes it behave like an unreachable queue.
    """

    name = "queue"

    def __init__(self, runner: Callable[[Command], Awaitable[None]] | None = None) -> None:
        self.sent: list[Command] = []
        self.down = False
        self.runner = runner

    async def enqueue(self, command: Command) -> None:
        """Record the command, and run it when a runner is set."""
        if self.down:
            raise Unavailable("The job queue cannot be reached.")
        self.sent.append(command)
        if self.runner is not None:
            await self.runner(command)

    async def check(self) -> None:
        """Health probe: fail while down."""
        if self.down:
            raise ConnectionError("queue is down")
