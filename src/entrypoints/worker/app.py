"""Builds the broker with its actors and runs a worker process until it is told to stop."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import TYPE_CHECKING, Any

import dramatiq
import structlog
from dependency_injector import providers
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import AsyncIO, Middleware
from prometheus_client import start_http_server

from adapters.dramatiq import QUEUE_NAME, DramatiqQueueStats, actor_name, kwargs_to_command
from domain.commands import ProcessVideo
from domain.videos import Video
from entrypoints.container import close_gateways, worker_identity
from entrypoints.embedded import StartupError
from entrypoints.jobs import COMMANDS, run_command
from entrypoints.worker.metrics import JobMetrics, MeasuredTranscribers, WorkerMetrics

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from domain.commands import Command
    from entrypoints.container import Container

log = structlog.get_logger(__name__)

# Transcription of a long talk takes long: no job is cut short by Dramatiq's 10-minute default.
TIME_LIMIT_MS = 6 * 60 * 60 * 1000


class _CloseGateways(Middleware):
    """Closes database pools on the worker's event loop before that loop stops."""

    def __init__(self, container: Container) -> None:
        self._container = container

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        loop_thread = get_event_loop_thread()
        if loop_thread is not None:
            loop_thread.run_coroutine(close_gateways(self._container))


def _declare_actor(
    broker: dramatiq.Broker, container: Container, command_type: type[Command], metrics: WorkerMetrics | None
) -> None:
    identity = worker_identity()

    async def handle(**kwargs: Any) -> None:
        command = kwargs_to_command(command_type, kwargs)
        structlog.contextvars.bind_contextvars(job=actor_name(command_type))
        try:
            result = await run_command(container, command, worker=identity)
        finally:
            structlog.contextvars.unbind_contextvars("job")
        if metrics is not None and command_type is ProcessVideo and isinstance(result, Video):
            metrics.videos.labels(result.status.value).inc()

    handle.__name__ = actor_name(command_type)
    dramatiq.actor(
        handle,
        actor_name=actor_name(command_type),
        queue_name=QUEUE_NAME,
        broker=broker,
        time_limit=TIME_LIMIT_MS,
        max_retries=5,
        min_backoff=1_000,
        max_backoff=60_000,
    )


def build_worker_broker(container: Container, metrics: WorkerMetrics | None = None) -> dramatiq.Broker:
    """The container's broker with the asyncio middleware and an actor for every command; with `metrics`, every job
    and transcription is measured and the queue's depth is read at each scrape."""
    broker = container.gateways.broker()
    broker.add_middleware(AsyncIO())
    broker.add_middleware(_CloseGateways(container))
    if metrics is not None:
        broker.add_middleware(JobMetrics(metrics))
        metrics.watch_queue(DramatiqQueueStats(broker))
        measured = MeasuredTranscribers(container.gateways.transcribers(), metrics)
        container.gateways.transcribers.override(providers.Object(measured))
    for command_type in COMMANDS:
        _declare_actor(broker, container, command_type, metrics)
    return broker


def sweep(container: Container) -> None:
    """Queue again every video whose job was lost (queue restarted empty, worker killed); errors are logged."""
    loop_thread = get_event_loop_thread()
    if loop_thread is None:
        return
    try:
        requeued = loop_thread.run_coroutine(container.use_cases.requeue_stalled_videos()())
    except Exception:
        log.exception("sweep failed")
        return
    if requeued:
        log.info("requeued stalled videos", count=len(requeued), video_ids=[str(v) for v in requeued])


PARENT_CHECK_SECONDS = 1.0


def serve_metrics(metrics: WorkerMetrics, address: tuple[str, int]) -> WSGIServer:
    """Serve the worker's metrics at http://HOST:PORT/metrics from a background thread; StartupError if it cannot."""
    host, port = address
    try:
        server, _ = start_http_server(port, addr=host, registry=metrics.registry)
    except OSError as error:
        raise StartupError(
            f"Cannot serve worker metrics on {host}:{port} ({error.strerror}). "
            "Choose a free port with ASKVIDEO_WORKER_METRICS_PORT."
        ) from None
    log.info("worker metrics served", url=f"http://{host}:{port}/metrics")
    return server


def run_worker(
    container: Container,
    *,
    threads: int,
    sweep_every: float,
    parent_pid: int | None = None,
    metrics_address: tuple[str, int] | None = None,
) -> None:
    """Consume jobs until SIGINT/SIGTERM (or, when `parent_pid` is given, until that process is gone), sweeping for
    lost jobs meanwhile; then finish the running ones and stop. With `metrics_address` (host, port), Prometheus
    metrics are served there."""
    metrics = WorkerMetrics() if metrics_address else None
    broker = build_worker_broker(container, metrics)
    metrics_server = serve_metrics(metrics, metrics_address) if metrics and metrics_address else None
    worker = dramatiq.Worker(broker, worker_threads=threads)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    worker.start()
    log.info("worker started", threads=threads, identity=worker_identity())
    sweep(container)
    last_sweep = time.monotonic()
    while not stop.wait(PARENT_CHECK_SECONDS):
        if parent_pid is not None and os.getppid() != parent_pid:
            # `serve` died without stopping us (kill -9): do not linger as an orphan.
            log.warning("serve is gone; worker stopping", parent_pid=parent_pid)
            break
        if time.monotonic() - last_sweep >= sweep_every:
            sweep(container)
            last_sweep = time.monotonic()
    log.info("worker stopping")
    worker.stop()
    broker.close()
    if metrics_server is not None:
        metrics_server.shutdown()
