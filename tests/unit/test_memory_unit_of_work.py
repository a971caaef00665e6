"""The in-memory unit of work behaves like a transaction."""

from __future__ import annotations

from adapters.memory import FakeClock, InMemoryUnitOfWork
from domain.pipeline_check import PipelineCheck


async def test_changes_without_commit_are_rolled_back() -> None:
    uow = InMemoryUnitOfWork()
    async with uow:
        await uow.pipeline_checks.add(PipelineCheck.queue(now=FakeClock().now()))
    assert uow.store.pipeline_checks == {}


async def test_committed_changes_are_seen_by_the_next_unit_of_work() -> None:
    uow = InMemoryUnitOfWork()
    check = PipelineCheck.queue(now=FakeClock().now())
    async with uow:
        await uow.pipeline_checks.add(check)
        await uow.commit()
    async with InMemoryUnitOfWork(uow.store) as other:
        assert await other.pipeline_checks.get(check.id) == check
