"""A small OpenAI-compatible HTTP server for tests: transcriptions, embeddings and chat, with failure knobs.

Run it as a context manager; it yields the base URL to give the real `openai` client:

    server = FakeOpenAi()
    with server as base_url:
        OpenAI(api_key="sk-test", base_url=base_url)...
        server.received  # every request, in arrival order
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

TRANSCRIPTIONS = "/v1/audio/transcriptions"
EMBEDDINGS = "/v1/embeddings"
CHAT = "/v1/chat/completions"
DEFAULT_CHAT_REPLY = "The answer is in the first excerpt [1]."
# What api.openai.com answers above: 413 for an upload over 25 MB.
OPENAI_UPLOAD_LIMIT = 25 * 1000 * 1000
_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    413: ("invalid_request_error", "file_too_large"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", None),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Received:
    """One request as the fake saw it, and the status it answered."""

    path: str
    authorization: str | None
    retry_count: int
    body_bytes: int
    status: int
    fields: dict[str, list[str]] = field(default_factory=dict)  # form fields, or the JSON body's scalars as strings
    upload_bytes: int | None = None  # transcriptions: the uploaded file's size
    audio_seconds: float | None = None  # transcriptions: the uploaded WAV's duration
    texts: tuple[str, ...] = ()  # embeddings: the inputs
    dimensions: int | None = None  # embeddings: the requested size
    messages: tuple[dict[str, Any], ...] = ()  # chat: the messages sent (model, stream, temperature are in `fields`)


@dataclass(slots=True)
class _Failure:
    status: int
    code: str | None
    retry_after: float | None


def fake_vector(text: str, dimensions: int, model: str = "text-embedding-3-small") -> np.ndarray:
    """The raw (not normalised) vector the fake returns for `text`: deterministic, seeded by a hash of it."""
    seed = int.from_bytes(hashlib.sha256(f"{model}\0{text}".encode()).digest()[:8], "little")
    # Scaled and shifted so the raw vector is clearly not unit length: the client must normalise it.
    return np.random.default_rng(seed).normal(loc=0.5, scale=3.0, size=dimensions)


class FakeOpenAi:
    """Real HTTP on 127.0.0.1 (a free port), answering like the OpenAI API for the endpoints the product uses."""

    def __init__(self, *, language: str = "english", max_upload_bytes: int = OPENAI_UPLOAD_LIMIT) -> None:
        """`language` is what verbose_json reports; uploads over `max_upload_bytes` get 413 like the real API."""
        self.language = language
        self.max_upload_bytes = max_upload_bytes
        # Chat: the reply, or a function of the request's JSON returning it; streamed `chat_chunk_chars` characters
        # per chunk (small, so citation markers arrive split across chunks), optionally ending with an error event.
        self.chat_reply: str | Callable[[dict[str, Any]], str] = DEFAULT_CHAT_REPLY
        self.chat_chunk_chars = 4
        self.chat_stream_error: str | None = None
        # When set, a streamed reply stops after its first content chunk until the gate opens (at most 30 s): a
        # client that already holds that chunk proves nothing between it and the server buffered the stream.
        self.chat_stream_gate: threading.Event | None = None
        self._lock = threading.Lock()
        self._failures: list[_Failure] = []
        self._received: list[Received] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The URL to pass as the client's `base_url` (ends in /v1)."""
        if self._server is None:
            raise RuntimeError("The fake OpenAI server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def received(self) -> list[Received]:
        """Every request so far, in arrival order."""
        with self._lock:
            return list(self._received)

    def requests_to(self, path: str) -> list[Received]:
        """The requests received on `path` (e.g. TRANSCRIPTIONS)."""
        return [request for request in self.received if request.path == path]

    def fail_next(self, count: int, status: int, *, code: str | None = None, retry_after: float | None = 0.01) -> None:
        """Answer the next `count` requests with `status` (an OpenAI-style error body) instead of serving them.

        `retry_after` seconds go out as `retry-after-ms` (the client honours it), keeping retry tests fast.
        """
        default_code = _ERROR_TYPES.get(status, ("error", None))[1]
        with self._lock:
            self._failures.extend(_Failure(status, code or default_code, retry_after) for _ in range(count))

    def __enter__(self) -> str:
        """Start serving on a free port and return the base URL."""
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        # A short poll interval: shutdown() waits up to one interval, and tests start and stop many servers.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self.base_url

    def __exit__(self, *_exc: object) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _next_failure(self) -> _Failure | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _record(self, received: Received) -> None:
        with self._lock:
            self._received.append(received)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], fake: FakeOpenAi) -> None:
        super().__init__(address, handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        """Serve one API call, or the failure queued for it."""
        fake = self.server.fake
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?", 1)[0]
        seen: dict[str, Any] = {
            "path": path,
            "authorization": self.headers.get("Authorization"),
            "retry_count": int(self.headers.get("x-stainless-retry-count") or 0),
            "body_bytes": len(body),
        }
        failure = fake._next_failure()
        if failure is not None:
            fake._record(Received(**seen, status=failure.status))
            self._error(failure.status, f"Injected failure {failure.status}", code=failure.code, retry=failure)
            return
        if path == TRANSCRIPTIONS:
            status, answer, details = _transcribe(fake, self.headers.get("Content-Type", ""), body)
        elif path == EMBEDDINGS:
            status, answer, details = _embed(body)
        elif path == CHAT:
            status, answer, details = _chat(fake, body)
            if status == 200 and answer.get("stream"):
                fake._record(Received(**seen, **details, status=status))
                self._stream(fake, answer)
                return
        else:
            status, answer, details = 404, _error_body(f"Unknown path {path}", "invalid_request_error", None), {}
        fake._record(Received(**seen, **details, status=status))
        self._send(status, answer)

    def _error(self, status: int, message: str, *, code: str | None, retry: _Failure | None = None) -> None:
        kind = _ERROR_TYPES.get(status, ("error", None))[0]
        headers = {}
        if retry is not None and retry.retry_after is not None:
            headers["retry-after-ms"] = str(round(retry.retry_after * 1000))
        self._send(status, _error_body(message, kind, code), headers)

    def _send(self, status: int, answer: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, fake: FakeOpenAi, reply: dict[str, Any]) -> None:
        """Server-sent events in the chat.completion.chunk format, ending with `data: [DONE]` (or an error event)."""
        text: str = reply["text"]
        size = max(fake.chat_chunk_chars, 1)
        pieces = [{"role": "assistant", "content": ""}] + [
            {"content": text[first : first + size]} for first in range(0, len(text), size)
        ]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()  # no Content-Length: the body ends when the connection closes (HTTP/1.0)
        for index, delta in enumerate(pieces):
            self._event(_chunk(reply, delta, None))
            if index == 1 and fake.chat_stream_gate is not None:
                fake.chat_stream_gate.wait(timeout=30)
        if fake.chat_stream_error is not None:
            self._event({"error": {"message": fake.chat_stream_error, "type": "server_error", "code": None}})
            return
        self._event(_chunk(reply, {}, "stop"))
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _event(self, data: dict[str, Any]) -> None:
        self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: pytest shows the test's own output."""


def _error_body(message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _transcribe(fake: FakeOpenAi, content_type: str, body: bytes) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """verbose_json with one segment per second of the uploaded WAV: "second N", N counted from the piece's start."""
    fields, files = _multipart(content_type, body)
    details: dict[str, Any] = {"fields": fields}
    if "file" not in files:
        return 400, _error_body("No file was uploaded", "invalid_request_error", None), details
    upload = files["file"]
    details["upload_bytes"] = len(upload)
    if len(upload) > fake.max_upload_bytes:
        message = f"Maximum content size limit ({fake.max_upload_bytes}) exceeded ({len(upload)} bytes read)"
        return 413, _error_body(message, "invalid_request_error", "file_too_large"), details
    if fields.get("response_format") != ["verbose_json"] or not fields.get("model"):
        return (
            400,
            _error_body("Expected model and response_format=verbose_json", "invalid_request_error", None),
            details,
        )
    try:
        with wave.open(io.BytesIO(upload), "rb") as reader:
            duration = reader.getnframes() / reader.getframerate()
    except (wave.Error, EOFError) as error:
        return 400, _error_body(f"Invalid file format: {error}", "invalid_request_error", None), details
    details["audio_seconds"] = duration
    if duration < 0.1:
        return 400, _error_body("Audio file is too short", "invalid_request_error", "audio_too_short"), details
    segments: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    for second in range(math.ceil(duration)):
        end = min(second + 1.0, duration)
        segments.append(
            {
                "id": second,
                "seek": 0,
                "start": float(second),
                "end": end,
                "text": f" second {second}",
                "tokens": [50364, second],
                "temperature": 0.0,
                "avg_logprob": -0.2,
                "compression_ratio": 1.1,
                "no_speech_prob": 0.01,
            }
        )
        middle = min(second + 0.5, duration)
        words.append({"word": "second", "start": float(second), "end": middle})
        words.append({"word": str(second), "start": middle, "end": end})
    text = "".join(segment["text"] for segment in segments).strip()
    answer = {
        "task": "transcribe",
        "language": fake.language,
        "duration": duration,
        "text": text,
        "segments": segments,
        "words": words,
        "usage": {"type": "duration", "seconds": math.ceil(duration)},
    }
    return 200, answer, details


def _embed(body: bytes) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """Deterministic, not normalised vectors of the requested `dimensions`, as floats or base64 float32."""
    request = json.loads(body)
    texts = [request["input"]] if isinstance(request["input"], str) else list(request["input"])
    model = request.get("model", "")
    dimensions = int(request.get("dimensions", 1536))
    details: dict[str, Any] = {
        "fields": {key: [str(value)] for key, value in request.items() if key != "input"},
        "texts": tuple(texts),
        "dimensions": dimensions,
    }
    for position, text in enumerate(texts):
        if not isinstance(text, str) or not text:
            # The real API refuses empty strings the same way.
            message = f"'$.input[{position}]' is invalid: expected a non-empty string"
            return 400, _error_body(message, "invalid_request_error", None), details
    data = []
    for index, text in enumerate(texts):
        vector = fake_vector(text, dimensions, model)
        if request.get("encoding_format") == "base64":
            encoded: Any = base64.b64encode(vector.astype("<f4").tobytes()).decode()
        else:
            encoded = vector.tolist()
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    # Out of order on purpose: clients must place vectors by `index`, not by position in the list.
    data.reverse()
    tokens = sum(len(text.split()) for text in texts)
    answer = {
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
    return 200, answer, details


def _chat(fake: FakeOpenAi, body: bytes) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """The scripted reply: a chat.completion object, or (when `stream` is set) what `_Handler._stream` sends."""
    request = json.loads(body)
    messages = request.get("messages")
    details: dict[str, Any] = {
        "fields": {key: [str(value)] for key, value in request.items() if key != "messages"},
        "messages": tuple(messages or ()),
    }
    if not request.get("model") or not isinstance(messages, list) or not messages:
        return 400, _error_body("Expected model and a non-empty messages list", "invalid_request_error", None), details
    reply = fake.chat_reply(request) if callable(fake.chat_reply) else fake.chat_reply
    head = {"id": f"chatcmpl-{hashlib.sha256(body).hexdigest()[:12]}", "created": int(time.time())}
    if request.get("stream"):
        return 200, {**head, "stream": True, "model": request["model"], "text": reply}, details
    prompt = sum(len(str(message.get("content", "")).split()) for message in messages)
    completion = len(reply.split())
    answer = {
        **head,
        "object": "chat.completion",
        "model": request["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }
    return 200, answer, details


def _chunk(reply: dict[str, Any], delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
    return {
        "id": reply["id"],
        "object": "chat.completion.chunk",
        "created": reply["created"],
        "model": reply["model"],
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, bytes]]:
    """Split a multipart/form-data body into text fields (a list per name: arrays repeat) and files."""
    fields: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    boundary = next(
        (part.split("=", 1)[1].strip('"') for part in content_type.split(";") if part.strip().startswith("boundary=")),
        None,
    )
    if boundary is None:
        return fields, files
    delimiter = b"--" + boundary.encode()
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):  # the closing delimiter
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        disposition = next(
            (line for line in head.decode().split("\r\n") if line.lower().startswith("content-disposition")), ""
        )
        params = dict(
            (key.strip(), value.strip().strip('"'))
            for key, _, value in (item.partition("=") for item in disposition.split(";")[1:])
        )
        name = params.get("name", "")
        if "filename" in params:
            files[name] = content
        else:
            fields.setdefault(name, []).append(content.decode())
    return fields, files


__all__ = ("CHAT", "DEFAULT_CHAT_REPLY", "EMBEDDINGS", "TRANSCRIPTIONS", "FakeOpenAi", "Received", "fake_vector")
