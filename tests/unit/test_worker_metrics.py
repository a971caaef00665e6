"""Worker metrics without servers: job counts on Dramatiq's in-memory broker, transcription speed, failure paths."""

from __future__ import annotations

import socket
from pathlib import Path

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from adapters.dramatiq import DramatiqQueueStats
from adapters.memory import FakeTranscriberChooser
from adapters.memory.media import fake_media
from entrypoints.embedded import StartupError
from entrypoints.worker.app import serve_metrics
from entrypoints.worker.metrics import JobMetrics, MeasuredTranscribers, WorkerMetrics


def value(metrics: WorkerMetrics, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(generate_latest(metrics.registry).decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


@pytest.fixture
def stub() -> tuple[StubBroker, WorkerMetrics]:
    metrics = WorkerMetrics()
    broker = StubBroker()
    broker.add_middleware(JobMetrics(metrics))
    broker.emit_after("process_boot")
    return broker, metrics


class TestJobMetrics:
    def test_attempts_are_counted_by_actor_and_outcome_and_timed(self, stub: tuple[StubBroker, WorkerMetrics]) -> None:
        broker, metrics = stub
        attempts: list[int] = []

        @dramatiq.actor(broker=broker, max_retries=1, min_backoff=1, max_backoff=1)
        def flaky() -> None:
            attempts.append(1)
            if len(attempts) == 1:
                raise RuntimeError("first attempt fails")

        @dramatiq.actor(broker=broker, max_retries=0)
        def doomed() -> None:
            raise RuntimeError("always fails")

        worker = dramatiq.Worker(broker, worker_timeout=50)
        worker.start()
        try:
            flaky.send()
            doomed.send()
            broker.join(flaky.queue_name, fail_fast=False)
            worker.join()
        finally:
            worker.stop()

        assert value(metrics, "askvideo_jobs_started_total", actor="flaky") == 2
        assert value(metrics, "askvideo_jobs_failed_total", actor="flaky") == 1
        assert value(metrics, "askvideo_jobs_retried_total", actor="flaky") == 1
        assert value(metrics, "askvideo_jobs_succeeded_total", actor="flaky") == 1
        assert value(metrics, "askvideo_jobs_dead_total", actor="flaky") == 0
        assert value(metrics, "askvideo_job_duration_seconds_count", actor="flaky") == 2
        assert value(metrics, "askvideo_jobs_failed_total", actor="doomed") == 1
        assert value(metrics, "askvideo_jobs_dead_total", actor="doomed") == 1


class TestTranscriptionSpeed:
    def test_each_transcription_records_audio_seconds_per_processing_second(self, tmp_path: Path) -> None:
        metrics = WorkerMetrics()
        measured = MeasuredTranscribers(FakeTranscriberChooser(), metrics)
        transcriber = measured.for_owner(None)
        audio = tmp_path / "audio.wav"
        audio.write_bytes(fake_media(42.0, (0.0, 3.0, "Canberra is the capital of Australia.")))
        transcript = transcriber.transcribe(audio)
        assert transcript.duration == 42.0
        labels = {"transcriber": transcriber.name}
        assert value(metrics, "askvideo_transcription_realtime_factor_count", **labels) == 1
        assert value(metrics, "askvideo_transcribed_audio_seconds_total", **labels) == transcript.duration
        assert value(metrics, "askvideo_transcription_seconds_total", **labels) > 0


class TestFailurePaths:
    def test_queue_depth_is_left_out_not_raised_when_redis_is_down(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        broker = RedisBroker(url=f"redis://127.0.0.1:{closed}/0", socket_connect_timeout=0.2)
        metrics = WorkerMetrics()
        metrics.watch_queue(DramatiqQueueStats(broker))
        text = generate_latest(metrics.registry).decode()
        assert "# TYPE askvideo_queue_depth gauge" in text
        assert "askvideo_queue_depth{" not in text
        assert "process_resident_memory_bytes" in text  # the rest of the scrape is unharmed

    def test_a_taken_metrics_port_stops_the_worker_with_a_clear_line(self) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            with pytest.raises(StartupError, match="ASKVIDEO_WORKER_METRICS_PORT"):
                serve_metrics(WorkerMetrics(), ("127.0.0.1", port))
