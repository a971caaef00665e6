"""The composition root: the only place that knows which adapter serves which port."""

from __future__ import annotations

import os
import socket

from dependency_injector import containers, providers

from adapters.dramatiq import DramatiqJobQueue, RedisProbe, create_broker
from adapters.memory import InMemoryJobQueue, InMemoryStore, InMemoryUnitOfWork
from adapters.sqlalchemy import DatabaseProbe, SqlAlchemyUnitOfWork, create_engine, create_session_factory
from adapters.system import SystemClock
from application.system.pipeline_checks import CompletePipelineCheck, GetPipelineCheck, StartPipelineCheck
from application.system.readiness import CheckReadiness
from entrypoints.jobs import run_command
from entrypoints.settings import Settings


def worker_identity() -> str:
    """Names the process that ran a job: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class RealGateways(containers.DeclarativeContainer):
    """Production adapters: PostgreSQL, Redis/Dramatiq."""

    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Singleton(lambda s: create_engine(s.database_url, pool_size=s.db_pool_size), settings)
    session_factory = providers.Singleton(create_session_factory, engine)
    broker = providers.Singleton(lambda s: create_broker(s.redis_url), settings)
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory)
    job_queue = providers.Singleton(DramatiqJobQueue, broker)
    clock = providers.Singleton(SystemClock)
    redis_probe = providers.Singleton(lambda s: RedisProbe(s.redis_url), settings)
    probes = providers.List(providers.Singleton(DatabaseProbe, engine), redis_probe)
    closers = providers.List(
        providers.Callable(lambda engine: engine.dispose, engine),
        providers.Callable(lambda probe: probe.close, redis_probe),
    )


class MemoryGateways(containers.DeclarativeContainer):
    """In-memory adapters: unit tests and the demo wiring; nothing is kept after the process ends."""

    settings = providers.Dependency(instance_of=Settings)

    store = providers.Singleton(InMemoryStore)
    uow = providers.Factory(InMemoryUnitOfWork, store)
    job_queue = providers.Singleton(InMemoryJobQueue)
    clock = providers.Singleton(SystemClock)
    probes = providers.List(job_queue)
    closers = providers.List()


class UseCases(containers.DeclarativeContainer):
    """One factory per user action."""

    gateways = providers.DependenciesContainer()

    start_pipeline_check = providers.Factory(
        StartPipelineCheck, uow=gateways.uow, queue=gateways.job_queue, clock=gateways.clock
    )
    complete_pipeline_check = providers.Factory(CompletePipelineCheck, uow=gateways.uow, clock=gateways.clock)
    get_pipeline_check = providers.Factory(GetPipelineCheck, uow=gateways.uow)
    check_readiness = providers.Factory(CheckReadiness, probes=gateways.probes)


class Container(containers.DeclarativeContainer):
    """Settings, gateways (real or memory) and the use cases built on them."""

    settings = providers.Dependency(instance_of=Settings)
    gateways = providers.DependenciesContainer()
    use_cases = providers.Container(UseCases, gateways=gateways)


def build_container(settings: Settings) -> Container:
    """Wire the adapters that `settings.wiring` selects."""
    if settings.wiring == "memory":
        memory = MemoryGateways(settings=settings)
        container = Container(settings=settings, gateways=memory)
        # No worker process in the demo wiring: jobs run in-process as soon as they are queued.
        memory.job_queue().runner = lambda command: run_command(container, command, worker="in-process")
        return container
    if settings.database_url is None or settings.redis_url is None:
        msg = "The real wiring needs database_url and redis_url (start the embedded servers first)."
        raise ValueError(msg)
    return Container(settings=settings, gateways=RealGateways(settings=settings))


async def close_gateways(container: Container) -> None:
    """Close the pools and clients the gateways opened (database engine, Redis connections)."""
    for close in container.gateways.closers():
        await close()
