"""The Dramatiq worker: one actor per background command, each calling its use case."""

from entrypoints.worker.app import build_worker_broker, run_worker

__all__ = ("build_worker_broker", "run_worker")
