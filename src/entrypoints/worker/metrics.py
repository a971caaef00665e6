"""Prometheus metrics of a worker process: jobs by actor and outcome, job duration, queue depth, transcription speed.

Our own Dramatiq middleware rather than `dramatiq.middleware.prometheus.Prometheus`: that one is built for the
`dramatiq` CLI's forked processes (a multiprocess directory it wipes at boot, one fixed port per host from
`dramatiq_prom_port`), while an `askvideo worker` is one process that runs on its own; and it has no queue depth,
no "succeeded" series and no transcription figures. Each worker serves its own registry on its own port.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import structlog
from dramatiq.middleware import Middleware
from prometheus_client import CollectorRegistry, Counter, Histogram, PlatformCollector, ProcessCollector
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from domain.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    import dramatiq

    from adapters.dramatiq import DramatiqQueueStats
    from application.ports.media import Transcriber, TranscriberChooser
    from domain.transcript import Transcript

log = structlog.get_logger(__name__)

# From a pipeline check (milliseconds) to the transcription of a long talk (hours).
JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0)
# Audio seconds per processing second: < 1 is slower than real time.
RTF_BUCKETS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)


class WorkerMetrics:
    """Every metric of one worker process, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        labels = ["actor"]
        r = self.registry
        self.started = Counter("askvideo_jobs_started", "Job attempts started, by actor.", labels, registry=r)
        self.succeeded = Counter("askvideo_jobs_succeeded", "Job attempts that returned.", labels, registry=r)
        self.failed = Counter("askvideo_jobs_failed", "Job attempts that raised (retried or not).", labels, registry=r)
        self.retried = Counter(
            "askvideo_jobs_retried", "Attempts that were retries of a failed one.", labels, registry=r
        )
        self.dead = Counter("askvideo_jobs_dead", "Jobs given up on after their last retry.", labels, registry=r)
        self.duration = Histogram(
            "askvideo_job_duration_seconds", "Time one job attempt ran.", labels, buckets=JOB_BUCKETS, registry=r
        )
        self.videos = Counter(
            "askvideo_videos_processed",
            "Videos the pipeline finished, by outcome (`completed`, or `error` with a message for the owner).",
            ["status"],
            registry=r,
        )
        self.realtime_factor = Histogram(
            "askvideo_transcription_realtime_factor",
            "Audio seconds transcribed per second of processing, per transcription (above 1: faster than real time).",
            ["transcriber"],
            buckets=RTF_BUCKETS,
            registry=r,
        )
        self.audio_seconds = Counter(
            "askvideo_transcribed_audio_seconds", "Seconds of audio transcribed.", ["transcriber"], registry=r
        )
        self.transcription_seconds = Counter(
            "askvideo_transcription_seconds", "Seconds spent transcribing.", ["transcriber"], registry=r
        )

    def watch_queue(self, stats: DramatiqQueueStats) -> None:
        """Report the queue's depth, read from Redis at each scrape."""
        self.registry.register(QueueDepthCollector(stats))

    def observe_transcription(self, transcriber: str, audio_seconds: float, elapsed: float) -> None:
        """Record one transcription's speed."""
        self.audio_seconds.labels(transcriber).inc(audio_seconds)
        self.transcription_seconds.labels(transcriber).inc(elapsed)
        if elapsed > 0 and audio_seconds > 0:
            self.realtime_factor.labels(transcriber).observe(audio_seconds / elapsed)


class QueueDepthCollector(Collector):
    """`askvideo_queue_depth{queue, state}`: messages ready, delayed (retry backoff) and dead, read at scrape time."""

    def __init__(self, stats: DramatiqQueueStats) -> None:
        self._stats = stats

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One sample per queue and state; none (and a warning) when Redis does not answer."""
        family = GaugeMetricFamily(
            "askvideo_queue_depth",
            "Messages in the job queue, by state (ready, delayed, dead).",
            labels=["queue", "state"],
        )
        try:
            depths = self._stats.depths()
        except Unavailable:
            log.warning("queue depth unavailable: Redis does not answer")
            depths = []
        for depth in depths:
            family.add_metric([depth.queue, depth.state], depth.messages)
        yield family

    def describe(self) -> list[GaugeMetricFamily]:
        """Nothing to describe up front: registering must not touch Redis."""
        return []


class JobMetrics(Middleware):
    """Counts and times every job attempt (Dramatiq calls these hooks in its worker threads)."""

    def __init__(self, metrics: WorkerMetrics) -> None:
        self._metrics = metrics
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()

    def before_process_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        """An attempt starts (a retry when the message has been retried before)."""
        self._metrics.started.labels(message.actor_name).inc()
        if message.options.get("retries", 0) > 0:
            self._metrics.retried.labels(message.actor_name).inc()
        with self._lock:
            self._started[message.message_id] = time.perf_counter()

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: dramatiq.Message,
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        """An attempt ended: returned or raised."""
        with self._lock:
            started = self._started.pop(message.message_id, None)
        if started is not None:
            self._metrics.duration.labels(message.actor_name).observe(time.perf_counter() - started)
        (self._metrics.failed if exception is not None else self._metrics.succeeded).labels(message.actor_name).inc()

    def after_skip_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        """A middleware skipped the attempt (e.g. an expired message): neither success nor failure."""
        with self._lock:
            self._started.pop(message.message_id, None)

    def after_nack(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        """A message was given up on: it moves to the dead-letter queue."""
        self._metrics.dead.labels(message.actor_name).inc()


class MeasuredTranscribers:
    """Wraps the transcriber choice so that every transcription's speed is recorded (the core knows nothing of it)."""

    def __init__(self, inner: TranscriberChooser, metrics: WorkerMetrics) -> None:
        self._inner = inner
        self._metrics = metrics

    def for_owner(self, openai_api_key: str | None) -> Transcriber:
        """The transcriber the inner choice picks, measured."""
        return MeasuredTranscriber(self._inner.for_owner(openai_api_key), self._metrics)


class MeasuredTranscriber:
    """A transcriber that reports audio seconds per processing second after each transcription."""

    def __init__(self, inner: Transcriber, metrics: WorkerMetrics) -> None:
        self._inner = inner
        self._metrics = metrics
        self.name = inner.name

    def transcribe(
        self, audio: Path, *, language: str | None = None, on_progress: Callable[[float], None] | None = None
    ) -> Transcript:
        """Transcribe with the inner transcriber and record how fast it went."""
        started = time.perf_counter()
        transcript = self._inner.transcribe(audio, language=language, on_progress=on_progress)
        self._metrics.observe_transcription(self.name, transcript.duration, time.perf_counter() - started)
        return transcript
