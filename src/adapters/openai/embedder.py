"""Text embeddings from the OpenAI API, shortened server-side to the product's 384 dimensions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from openai import OpenAI

from adapters.openai._errors import domain_errors

if TYPE_CHECKING:
    from collections.abc import Sequence

# Every embedder in the product yields 384 dimensions so one pgvector column serves them all; text-embedding-3
# models shorten their vectors server-side when asked for `dimensions`.
DIMENSIONS = 384
BATCH_SIZE = 256
_SERVICE = "OpenAI embeddings service"


class OpenAiEmbedder:
    """Embedder backed by the OpenAI embeddings API (text-embedding-3-small at 384 dims by default)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        model: str = "text-embedding-3-small",
        dimensions: int = DIMENSIONS,
        batch_size: int = BATCH_SIZE,
        max_retries: int = 5,
        timeout: float = 60,
    ) -> None:
        """Configure the client; `batch_size` texts go in one request (the API takes up to 2048)."""
        if not api_key:
            raise ValueError("An OpenAI API key is required")
        if dimensions < 1:
            raise ValueError("dimensions must be at least 1")
        if not 1 <= batch_size <= 2048:
            raise ValueError("batch_size must be between 1 and 2048")
        self.name = f"openai-{model}-{dimensions}"
        self.dimension = dimensions
        self._model = model
        self._batch_size = batch_size
        # The client retries connection errors, 408, 409, 429 and 5xx with exponential backoff (honouring
        # Retry-After); the budget is passed explicitly so it is visible here.
        self._client = OpenAI(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout)

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed stored passages (transcript scenes), L2-normalised, in the order given."""
        texts = list(texts)
        vectors: list[list[float]] = []
        for first in range(0, len(texts), self._batch_size):
            vectors.extend(self._embed(texts[first : first + self._batch_size]))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed a question, L2-normalised; OpenAI embeddings are symmetric, so queries and passages match directly."""
        return self._embed([text])[0]

    def _embed(self, batch: list[str]) -> list[list[float]]:
        """One request for `batch`; vectors come back in input order and unit length."""
        with domain_errors(_SERVICE):
            answer = self._client.embeddings.create(
                # The API rejects empty strings; a space embeds "nothing said" just as well.
                input=[text if text.strip() else " " for text in batch],
                model=self._model,
                dimensions=self.dimension,
            )
        # The API documents `index` as the position in the input; sorting on it does not trust the list's order.
        found = sorted(answer.data, key=lambda item: item.index)
        if len(found) != len(batch):
            raise RuntimeError(f"The {_SERVICE} returned {len(found)} vectors for {len(batch)} texts")
        matrix = np.asarray([item.embedding for item in found], dtype=np.float64)
        if matrix.shape[1] != self.dimension:
            raise RuntimeError(
                f"The {_SERVICE} returned {matrix.shape[1]}-dimensional vectors for {self._model!r}, not "
                f"{self.dimension}: use a model that accepts `dimensions` (text-embedding-3-small or -large)"
            )
        # OpenAI sends unit vectors, but other OpenAI-compatible servers (base_url) need not, and the product compares
        # vectors by dot product, which is the cosine only at unit length.
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return (matrix / np.where(norms > 0, norms, 1.0)).tolist()
