"""Use cases of the pipeline check: start one from the API, complete it on a worker, read it back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.commands import RunPipelineCheck
from domain.errors import NotFound
from domain.pipeline_check import PipelineCheck

if TYPE_CHECKING:
    from uuid import UUID

    from application.ports.persistence import UnitOfWork
    from application.ports.system import Clock, JobQueue


class StartPipelineCheck:
    """Store a queued check and hand it to the workers."""

    def __init__(self, uow: UnitOfWork, queue: JobQueue, clock: Clock) -> None:
        self._uow = uow
        self._queue = queue
        self._clock = clock

    async def __call__(self) -> PipelineCheck:
        """Start the check; it is stored before it is queued, so a worker always finds it."""
        check = PipelineCheck.queue(now=self._clock.now())
        async with self._uow as uow:
            await uow.pipeline_checks.add(check)
            await uow.commit()
        await self._queue.enqueue(RunPipelineCheck(check_id=check.id))
        return check


@dataclass(frozen=True, slots=True, kw_only=True)
class CompletePipelineCheckCommand:
    """A worker reports that it ran the check."""

    check_id: UUID
    worker: str


class CompletePipelineCheck:
    """Mark a check done by the worker that ran it. Idempotent: a redelivered job changes nothing."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, command: CompletePipelineCheckCommand) -> PipelineCheck | None:
        """Complete the check; return None when it no longer exists (deleted meanwhile: nothing to do)."""
        async with self._uow as uow:
            check = await uow.pipeline_checks.get(command.check_id)
            if check is None or check.completed_at is not None:
                return check
            done = check.complete(worker=command.worker, now=self._clock.now())
            await uow.pipeline_checks.update(done)
            await uow.commit()
            return done


class GetPipelineCheck:
    """Read a check's current state."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, check_id: UUID) -> PipelineCheck:
        """Return the check or raise NotFound."""
        async with self._uow as uow:
            check = await uow.pipeline_checks.get(check_id)
        if check is None:
            raise NotFound("There is no pipeline check with that id.")
        return check
