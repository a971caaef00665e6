"""The queue round-trip check, driven through the use cases with in-memory adapters."""

from __future__ import annotations

import uuid

import pytest

from adapters.memory import FakeClock, InMemoryJobQueue, InMemoryUnitOfWork
from application.system.pipeline_checks import (
    CompletePipelineCheck,
    CompletePipelineCheckCommand,
    GetPipelineCheck,
    StartPipelineCheck,
)
from domain.commands import RunPipelineCheck
from domain.errors import Conflict, NotFound, Unavailable
from domain.pipeline_check import CheckStatus


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork()


@pytest.fixture
def queue() -> InMemoryJobQueue:
    return InMemoryJobQueue()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class TestStartPipelineCheck:
    async def test_stores_a_queued_check_and_enqueues_it(self, uow, queue, clock) -> None:
        check = await StartPipelineCheck(uow, queue, clock)()
        assert check.status is CheckStatus.QUEUED
        assert uow.store.pipeline_checks[check.id] == check
        assert queue.sent == [RunPipelineCheck(check_id=check.id)]

    async def test_an_unreachable_queue_is_reported_and_the_check_stays_stored(self, uow, queue, clock) -> None:
        queue.down = True
        with pytest.raises(Unavailable, match="job queue cannot be reached"):
            await StartPipelineCheck(uow, queue, clock)()
        assert len(uow.store.pipeline_checks) == 1


class TestCompletePipelineCheck:
    async def test_marks_the_check_done_by_the_worker(self, uow, queue, clock) -> None:
        check = await StartPipelineCheck(uow, queue, clock)()
        clock.advance(seconds=2)
        done = await CompletePipelineCheck(uow, clock)(CompletePipelineCheckCommand(check_id=check.id, worker="w1"))
        assert done is not None
        assert (done.status, done.worker, done.completed_at) == (CheckStatus.DONE, "w1", clock.now())
        assert uow.store.pipeline_checks[check.id] == done

    async def test_a_redelivered_job_changes_nothing(self, uow, queue, clock) -> None:
        check = await StartPipelineCheck(uow, queue, clock)()
        complete = CompletePipelineCheck(uow, clock)
        first = await complete(CompletePipelineCheckCommand(check_id=check.id, worker="w1"))
        clock.advance(seconds=5)
        second = await complete(CompletePipelineCheckCommand(check_id=check.id, worker="w2"))
        assert second == first
        assert uow.store.pipeline_checks[check.id].worker == "w1"

    async def test_a_check_deleted_meanwhile_ends_quietly(self, uow, clock) -> None:
        result = await CompletePipelineCheck(uow, clock)(
            CompletePipelineCheckCommand(check_id=uuid.uuid4(), worker="w")
        )
        assert result is None
        assert uow.commits == 0

    async def test_the_domain_refuses_completing_twice(self, uow, queue, clock) -> None:
        check = await StartPipelineCheck(uow, queue, clock)()
        done = check.complete(worker="w", now=clock.now())
        with pytest.raises(Conflict, match="already done"):
            done.complete(worker="w", now=clock.now())


class TestGetPipelineCheck:
    async def test_returns_the_stored_check(self, uow, queue, clock) -> None:
        check = await StartPipelineCheck(uow, queue, clock)()
        assert await GetPipelineCheck(uow)(check.id) == check

    async def test_an_unknown_id_is_not_found(self, uow) -> None:
        with pytest.raises(NotFound, match="no pipeline check"):
            await GetPipelineCheck(uow)(uuid.uuid4())
