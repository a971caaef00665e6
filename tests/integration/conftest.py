"""Real servers for integration tests: embedded PostgreSQL + pgvector and Redis, started once per session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, create_engine, create_session_factory
from application.ports.persistence import UnitOfWork
from entrypoints.embedded import EmbeddedPostgres, EmbeddedRedis
from entrypoints.migrate import run_migrations

pytestmark = pytest.mark.integration


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def servers_dir() -> Iterator[Path]:
    # Short path under /tmp: the Redis Unix socket path must stay under ~100 bytes.
    path = Path(tempfile.mkdtemp(prefix="avit-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(servers_dir: Path) -> Iterator[str]:
    postgres = EmbeddedPostgres(servers_dir)
    url = postgres.start()
    run_migrations(url)
    yield url
    postgres.stop()


@pytest.fixture(scope="session")
def redis_url(servers_dir: Path) -> Iterator[str]:
    server = EmbeddedRedis(servers_dir)
    url = server.start()
    yield url
    server.stop()


UowFactory = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "postgres"])
async def new_uow(request: pytest.FixtureRequest) -> AsyncIterator[UowFactory]:
    """Units of work on the in-memory store, then on PostgreSQL: a contract test runs once against each."""
    if request.param == "memory":
        store = InMemoryStore()
        yield lambda: InMemoryUnitOfWork(store)
        return
    engine = create_engine(request.getfixturevalue("database_url"))
    sessions = create_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(sessions)
    await engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningApp:
    """An `askvideo` process started by a test, reachable over real HTTP."""

    def __init__(self, process: subprocess.Popen[str], base_url: str, log_path: Path) -> None:
        self.process = process
        self.base_url = base_url
        self.log_path = log_path

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10)


def start_askvideo(args: list[str], env: dict[str, str], log_dir: Path, *, wait_ready: bool = True) -> RunningApp:
    """Start `askvideo ARGS` with a clean ASKVIDEO_* environment and wait until /health/live answers."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")}
    full_env = {**clean, "ASKVIDEO_PORT": str(port), **env}
    log_path = log_dir / f"askvideo-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", *args],
        env=full_env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = RunningApp(process, f"http://127.0.0.1:{port}", log_path)
    if wait_ready:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"askvideo exited with {process.returncode}:\n{app.log}")
            try:
                if httpx.get(f"{app.base_url}/health/live", timeout=1).status_code == 200:
                    return app
            except httpx.TransportError:
                time.sleep(0.1)
        stop_askvideo(app)
        pytest.fail(f"askvideo did not answer within 60 s:\n{app.log}")
    return app


def stop_askvideo(app: RunningApp) -> int:
    if app.process.poll() is None:
        app.process.terminate()
        try:
            app.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.process.kill()
            app.process.wait()
    return app.process.returncode
