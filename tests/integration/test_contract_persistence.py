"""Contract: the in-memory unit of work and the PostgreSQL one behave the same, so the fakes cannot drift.

Every test here runs twice, once per adapter. New repositories add their tests here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import pytest

from adapters.memory import FakeClock, InMemoryStore, InMemoryUnitOfWork
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, create_engine, create_session_factory
from application.ports.persistence import UnitOfWork
from domain.errors import Unavailable
from domain.pipeline_check import CheckStatus, PipelineCheck

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "postgres"])
async def new_uow(request: pytest.FixtureRequest) -> AsyncIterator[UowFactory]:
    if request.param == "memory":
        store = InMemoryStore()
        yield lambda: InMemoryUnitOfWork(store)
        return
    engine = create_engine(request.getfixturevalue("database_url"))
    sessions = create_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(sessions)
    await engine.dispose()


def a_check() -> PipelineCheck:
    return PipelineCheck.queue(now=FakeClock().now())


class TestPipelineCheckRepositoryContract:
    async def test_an_added_and_committed_check_reads_back_equal(self, new_uow: UowFactory) -> None:
        check = a_check()
        async with new_uow() as uow:
            await uow.pipeline_checks.add(check)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.pipeline_checks.get(check.id) == check

    async def test_without_commit_nothing_is_stored(self, new_uow: UowFactory) -> None:
        check = a_check()
        async with new_uow() as uow:
            await uow.pipeline_checks.add(check)
        async with new_uow() as uow:
            assert await uow.pipeline_checks.get(check.id) is None

    async def test_an_error_inside_the_transaction_rolls_it_back(self, new_uow: UowFactory) -> None:
        check = a_check()

        async def add_then_fail() -> None:
            async with new_uow() as uow:
                await uow.pipeline_checks.add(check)
                raise RuntimeError

        with pytest.raises(RuntimeError):
            await add_then_fail()
        async with new_uow() as uow:
            assert await uow.pipeline_checks.get(check.id) is None

    async def test_an_update_is_stored(self, new_uow: UowFactory) -> None:
        check = a_check()
        async with new_uow() as uow:
            await uow.pipeline_checks.add(check)
            await uow.commit()
        done = replace(check.complete(worker="w-1", now=FakeClock().now()))
        async with new_uow() as uow:
            await uow.pipeline_checks.update(done)
            await uow.commit()
        async with new_uow() as uow:
            stored = await uow.pipeline_checks.get(check.id)
        assert stored == done
        assert stored is not None
        assert stored.status is CheckStatus.DONE


async def test_a_database_that_is_down_is_reported_as_unavailable() -> None:
    engine = create_engine("postgresql://askvideo@127.0.0.1:1/askvideo")
    try:
        with pytest.raises(Unavailable, match="database cannot be reached"):
            async with SqlAlchemyUnitOfWork(create_session_factory(engine)) as uow:
                await uow.pipeline_checks.get(a_check().id)
    finally:
        await engine.dispose()
