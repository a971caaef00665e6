"""`askvideo serve | worker | migrate`: every way to run Ask Video, each failing with one clear line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

import msgspec
import structlog

from domain.errors import DomainError
from entrypoints.embedded import DataDirLock, EmbeddedPostgres, EmbeddedRedis, StartupError, ensure_writable_dir
from entrypoints.logging import configure_logging
from entrypoints.migrate import check_database, run_migrations
from entrypoints.settings import Settings, SettingsError

if TYPE_CHECKING:
    import types
    from collections.abc import Callable, Iterator, Sequence

    from domain.accounts import User

log = structlog.get_logger("askvideo")
SERVE_PID_VARIABLE = "_ASKVIDEO_SERVE_PID"
"""Tells a worker started by `serve` which process to outlive no longer (not an ASKVIDEO_ setting)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="askvideo", description="Ask your videos. Settings come from ASKVIDEO_* variables."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="start the API (and, by default, workers and embedded servers)")
    serve.add_argument("--api-only", action="store_true", help="start only the API; run workers with `askvideo worker`")
    serve.add_argument("--host", help="listen address (default ASKVIDEO_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default ASKVIDEO_PORT or 8000)")
    commands.add_parser("worker", help="run one worker process (needs ASKVIDEO_DATABASE_URL and ASKVIDEO_REDIS_URL)")
    commands.add_parser("migrate", help="upgrade the database schema to the newest version")
    ingest = commands.add_parser("ingest", help="upload and process a local video file here, with progress")
    ingest.add_argument("file", help="the video or audio file")
    ingest.add_argument("--title", help="the video's title (default: the file name)")
    ingest.add_argument("--user", help="the owner's username or email (default: a local `cli` account)")
    ask = commands.add_parser("ask", help='ask a question about a local file or a video id: ask FILE "question"')
    ask.add_argument("target", help="a video or audio file (ingested once, then reused) or a video id")
    ask.add_argument("question", help="the question, in quotes")
    evaluate = commands.add_parser("eval", help="score answers against a labelled set (eval/qa.json)")
    evaluate.add_argument("dataset", help="the qa.json file")
    commands.add_parser("reindex", help="rebuild scenes and embeddings of every video (after changing the embedder)")
    limit = commands.add_parser("set-video-limit", help="change how many videos a user may keep (administrators)")
    limit.add_argument("login", help="the user's username or email")
    limit.add_argument("limit", type=int, help="the new limit (0 or more)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; a startup problem prints one line and exits with status 2."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if getattr(args, "host", None):
            settings = msgspec.structs.replace(settings, host=args.host)
        if getattr(args, "port", None):
            settings = msgspec.structs.replace(settings, port=args.port)
        configure_logging(json=settings.json_logs, level=settings.log_level)
        match args.command:
            case "serve":
                serve(settings, api_only=args.api_only)
            case "worker":
                worker(settings)
            case "migrate":
                migrate(settings)
            case "set-video-limit":
                set_video_limit(settings, args.login, args.limit)
            case "ingest":
                ingest(settings, args.file, title=args.title, login=args.user)
            case "reindex":
                reindex(settings)
            case "ask":
                local_command(settings, "ask", lambda ready: _cli_ask().run_ask(ready, args.target, args.question))
            case "eval":
                local_command(settings, "eval", lambda ready: _cli_ask().run_eval(ready, args.dataset))
    except (SettingsError, StartupError) as error:
        print(f"askvideo: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


@contextlib.contextmanager
def embedded_services(settings: Settings, *, queue: bool = True) -> Iterator[Settings]:
    """Start whichever servers the settings leave unset (the queue only if `queue`); yield settings naming them."""
    if settings.wiring == "memory" or not settings.embedded:
        yield settings
        return
    ensure_writable_dir(settings.data_dir)
    with contextlib.ExitStack() as stack:
        if settings.database_url is None:
            postgres = EmbeddedPostgres(settings.data_dir)
            url = postgres.start()
            stack.callback(postgres.stop)
            settings = msgspec.structs.replace(settings, database_url=url)
            log.info("embedded PostgreSQL ready", pgdata=str(postgres.pgdata))
        if queue and settings.redis_url is None:
            redis_server = EmbeddedRedis(settings.data_dir)
            url = redis_server.start()
            stack.callback(redis_server.stop)
            settings = msgspec.structs.replace(settings, redis_url=url)
            log.info("embedded Redis ready", socket=str(redis_server.socket))
        yield settings


def ensure_port_free(host: str, port: int) -> None:
    """Fail early and clearly when the port is taken, instead of after starting everything else."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise StartupError(
                f"Cannot listen on {host}:{port} ({error.strerror}). Is another Ask Video running? "
                "Stop it, or choose another port with ASKVIDEO_PORT or --port."
            ) from None


def migrate(settings: Settings) -> None:
    """Upgrade the schema (starting the embedded database for the duration if needed)."""
    if settings.wiring == "memory":
        raise StartupError("ASKVIDEO_WIRING=memory keeps nothing in a database: there is nothing to migrate.")
    with embedded_services(settings, queue=False) as ready:
        assert ready.database_url is not None
        check_database(ready.database_url)
        run_migrations(ready.database_url)
    log.info("database is up to date")


def set_video_limit(settings: Settings, login: str, limit: int) -> None:
    """Administrator command: change one user's video limit."""
    from entrypoints.container import build_container, close_gateways  # noqa: PLC0415

    if settings.wiring == "memory":
        raise StartupError("ASKVIDEO_WIRING=memory keeps no users between runs: there is no one to change.")
    with embedded_services(settings) as ready:
        assert ready.database_url is not None
        check_database(ready.database_url)
        container = build_container(ready)

        async def run() -> User:
            try:
                return await container.use_cases.set_video_limit()(login=login, limit=limit)
            finally:
                await close_gateways(container)

        try:
            user = asyncio.run(run())
        except DomainError as error:
            raise StartupError(error.detail) from None
    print(f"{user.username} ({user.email}) may now keep {user.video_limit} videos.")


def ingest(settings: Settings, file: str, *, title: str | None, login: str | None) -> None:
    """Upload and process one file in this process."""
    from entrypoints.cli.local_jobs import run_ingest  # noqa: PLC0415 - loads the models only when needed

    _refuse_memory(settings, "ingest")
    with embedded_services(settings) as ready:
        assert ready.database_url is not None
        check_database(ready.database_url)
        run_migrations(ready.database_url)
        video = run_ingest(ready, file, title=title, login=login)
    if video.status.value == "error":
        raise StartupError(f"Processing failed: {video.error_message}")
    print(
        f"{video.title}: {video.status.value}, {video.duration or 0:.1f} s, language {video.language} (id {video.id})"
    )


def reindex(settings: Settings) -> None:
    """Rebuild every video's scenes with the configured embedder."""
    from entrypoints.cli.local_jobs import run_reindex  # noqa: PLC0415

    _refuse_memory(settings, "reindex")
    with embedded_services(settings) as ready:
        assert ready.database_url is not None
        check_database(ready.database_url)
        count = run_reindex(ready)
    print(f"Reindexed {count} videos with the {settings.embedder} embedder.")


def _cli_ask() -> types.ModuleType:
    from entrypoints.cli import ask  # noqa: PLC0415 - loads the models only when needed

    return ask


def local_command(settings: Settings, name: str, run: Callable[[Settings], object]) -> None:
    """Run a command that works on the local database (embedded servers started around it when needed)."""
    _refuse_memory(settings, name)
    with embedded_services(settings) as ready:
        assert ready.database_url is not None
        check_database(ready.database_url)
        run_migrations(ready.database_url)
        run(ready)


def _refuse_memory(settings: Settings, command: str) -> None:
    if settings.wiring == "memory":
        raise StartupError(f"ASKVIDEO_WIRING=memory keeps nothing between runs: `{command}` would have no effect.")


def worker(settings: Settings) -> None:
    """Run one worker process against configured servers."""
    from entrypoints.container import build_container  # noqa: PLC0415 - keeps `askvideo --help` fast
    from entrypoints.worker import run_worker  # noqa: PLC0415

    if settings.wiring == "memory":
        raise StartupError("ASKVIDEO_WIRING=memory runs jobs inside `serve`; there is no separate worker.")
    if settings.database_url is None or settings.redis_url is None:
        raise StartupError(
            "`askvideo worker` needs ASKVIDEO_DATABASE_URL and ASKVIDEO_REDIS_URL "
            "(`askvideo serve` starts workers for the embedded default by itself)."
        )
    check_database(settings.database_url)
    parent = os.environ.get(SERVE_PID_VARIABLE)
    run_worker(
        build_container(settings),
        threads=settings.worker_threads,
        sweep_every=settings.sweep_interval_seconds,
        parent_pid=int(parent) if parent and parent.isdigit() else None,
        metrics_address=(settings.host, settings.worker_metrics_port) if settings.worker_metrics_port else None,
    )


def _spawn_workers(settings: Settings) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "ASKVIDEO_DATABASE_URL": settings.database_url or "",
        "ASKVIDEO_REDIS_URL": settings.redis_url or "",
        "ASKVIDEO_DATA_DIR": str(settings.data_dir),
        SERVE_PID_VARIABLE: str(os.getpid()),
    }
    port = settings.worker_metrics_port
    return [
        # Own session: a Ctrl-C reaches `serve` only, which then stops workers, then the servers, in order.
        subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "worker"],
            # Each worker its own metrics port: the configured one, then the next ones.
            env={**env, "ASKVIDEO_WORKER_METRICS_PORT": str(port + index)} if port else env,
            start_new_session=True,
        )
        for index in range(settings.workers)
    ]


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _exit_quietly(signum: int, _frame: object) -> None:
    raise SystemExit(0)


def serve(settings: Settings, *, api_only: bool) -> None:
    """Start the API; unless `api_only`, also the embedded servers it needs and the worker processes."""
    import uvicorn  # noqa: PLC0415 - keeps `askvideo --help` fast

    from entrypoints.container import build_container  # noqa: PLC0415
    from entrypoints.http.app import create_app  # noqa: PLC0415

    ensure_port_free(settings.host, settings.port)
    # uvicorn re-raises the signal that stopped it once it is done; turning SIGTERM into SystemExit lets the
    # stack below stop workers and embedded servers in order instead of the process dying on the spot.
    signal.signal(signal.SIGTERM, _exit_quietly)
    with contextlib.ExitStack() as stack:
        if settings.embedded:
            if api_only:
                raise StartupError(
                    "`serve --api-only` needs ASKVIDEO_DATABASE_URL and ASKVIDEO_REDIS_URL; "
                    "without them run plain `askvideo serve`, which starts embedded servers."
                )
            stack.enter_context(DataDirLock(ensure_writable_dir(settings.data_dir)))
            settings = stack.enter_context(embedded_services(settings))
        if settings.wiring == "real":
            assert settings.database_url is not None
            check_database(settings.database_url)
            if not api_only:
                run_migrations(settings.database_url)
                workers = _spawn_workers(settings)
                stack.callback(_stop, workers)
        app = create_app(build_container(settings))
        log.info("Ask Video is ready", url=f"http://{settings.host}:{settings.port}", wiring=settings.wiring)
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            proxy_headers=True,
            forwarded_allow_ips=list(settings.trusted_proxy_list),
        )
