"""An OpenAI-compatible chat API: each of the caller's groups (and all their videos) is a model.

Point any OpenAI client at `<base>/v1` with an API key: `GET /v1/models`, `POST /v1/chat/completions` (JSON or
`stream: true` server-sent chunks ending with `data: [DONE]`). Errors come in OpenAI's shape
`{"error": {"message", "type", "param", "code"}}`. Bodies use OpenAI's snake_case field names.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import msgspec
import structlog
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.response import Stream

from adapters.openai.answerer import parse_citations
from application.accounts.authenticate import Caller
from application.groups.manage_groups import ListGroups
from application.questions.ask_question import AskCommand, AskQuestion
from domain import errors
from domain.api_keys import ApiKeyScope
from domain.cited_text import hms, source_numbers, sources_block, without_sources
from domain.questions import ChatEntry, Citation, Scope
from entrypoints.http.auth import API_KEY_SCOPES
from entrypoints.http.errors import http_error

log = structlog.get_logger(__name__)

ALL_VIDEOS = "all-videos"
GROUP_PREFIX = "group-"
OWNER = "ask-video"
GROUPS_PAGE = 100


# ---- request and response bodies (OpenAI's snake_case) ----


class ContentPart(msgspec.Struct, kw_only=True):
    """A part of a message's content; only `text` parts are read."""

    type: str
    text: str | None = None


class ChatMessage(msgspec.Struct, kw_only=True):
    """One message of the chat."""

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        """The message's text (text parts joined)."""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(part.text or "" for part in self.content or [] if part.type == "text")


class ChatRequest(msgspec.Struct, kw_only=True):
    """`model` is `all-videos` or `group-<id>` (see `GET /v1/models`); other OpenAI fields are accepted and
    ignored (the answer's length and wording are the answerer's)."""

    model: Annotated[str, msgspec.Meta(max_length=200)]
    messages: Annotated[list[ChatMessage], msgspec.Meta(min_length=1, max_length=200)]
    stream: bool = False


class ModelBody(msgspec.Struct, kw_only=True):
    """A model: one of your groups, or all your videos."""

    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = OWNER
    name: str


class ModelList(msgspec.Struct, kw_only=True):
    """Your models."""

    object: Literal["list"] = "list"
    data: list[ModelBody]


class CitationOut(msgspec.Struct, kw_only=True):
    """A source of the answer: `[index]` in the message's Sources list."""

    index: int
    video_id: uuid.UUID
    title: str
    start_sec: float
    end_sec: float
    start: str
    end: str
    text: str


class AssistantMessage(msgspec.Struct, kw_only=True):
    """The answer with its numbered sources appended, and the same sources as data in `citations`."""

    role: Literal["assistant"] = "assistant"
    content: str
    citations: list[CitationOut]


class Choice(msgspec.Struct, kw_only=True):
    """The one answer."""

    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    citations: list[CitationOut]
    grounded: bool


class ChatCompletion(msgspec.Struct, kw_only=True):
    """A whole answer (`stream: false`)."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]


class ErrorDetail(msgspec.Struct, kw_only=True):
    """OpenAI's error body."""

    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorEnvelope(msgspec.Struct, kw_only=True):
    """`{"error": {...}}`."""

    error: ErrorDetail


# ---- errors in OpenAI's shape ----

_OPENAI_ERRORS: list[tuple[type[errors.DomainError], int, str, str | None]] = [
    (errors.Unauthorized, 401, "invalid_request_error", "invalid_api_key"),
    (errors.RateLimited, 429, "rate_limit_error", "rate_limit_exceeded"),
    (errors.Forbidden, 403, "permission_error", "insufficient_scope"),
    (errors.NotFound, 404, "invalid_request_error", "model_not_found"),
    (errors.Conflict, 409, "invalid_request_error", "conflict"),
    (errors.TooLarge, 413, "invalid_request_error", "too_large"),
    (errors.LimitReached, 403, "permission_error", "limit_reached"),
    (errors.InvalidInput, 400, "invalid_request_error", None),
    (errors.Unavailable, 503, "server_error", "unavailable"),
]


def openai_error(error: errors.DomainError) -> tuple[int, ErrorEnvelope, dict[str, str]]:
    """The status, body and headers for a domain error."""
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, errors.RateLimited) else {}
    for cls, status, kind, code in _OPENAI_ERRORS:
        if isinstance(error, cls):
            return status, ErrorEnvelope(error=ErrorDetail(message=error.detail, type=kind, code=code)), headers
    return 500, ErrorEnvelope(error=ErrorDetail(message=error.detail, type="server_error")), headers


def _domain_error(_: Request[Any, Any, Any], error: errors.DomainError) -> Response[ErrorEnvelope]:
    status, body, headers = openai_error(error)
    return Response(body, status_code=status, headers=headers)


def _http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[ErrorEnvelope]:
    message, param = error.detail, None
    if isinstance(error, ValidationException) and error.extra:
        first = next((item for item in error.extra if isinstance(item, dict)), {})
        param = first.get("key") if first.get("key") not in {None, "", "data", "body"} else None
        message = f"The request is not valid: {first.get('message', error.detail)}" + (f" ({param})" if param else "")
    kind = "invalid_request_error" if error.status_code < 500 else "server_error"
    body = ErrorEnvelope(error=ErrorDetail(message=message, type=kind, param=param))
    return Response(body, status_code=error.status_code, headers=error.headers or {})


def _unexpected(_: Request[Any, Any, Any], error: Exception) -> Response[ErrorEnvelope]:
    log.exception("unhandled error", error_type=type(error).__name__)
    body = ErrorEnvelope(
        error=ErrorDetail(
            message="Something went wrong on our side. Try again; if it persists, report the request id.",
            type="server_error",
        )
    )
    return Response(body, status_code=500)


OPENAI_EXCEPTION_HANDLERS = {errors.DomainError: _domain_error, HTTPException: _http_error, Exception: _unexpected}


def http_error_in_the_callers_shape(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    """The app's handler for routing errors (unknown path, wrong method), which happen before any controller: under
    /v1 they answer in OpenAI's shape like the rest of that API (its clients read `error.message`), else in ours."""
    if request.url.path == "/v1" or request.url.path.startswith("/v1/"):
        return _http_error(request, error)
    return http_error(request, error)


# ---- the chat's meaning ----


def scope_of(model: str) -> Scope:
    """`all-videos` → the library; `group-<uuid>` → that group (ownership is the ask use case's to check)."""
    if model == ALL_VIDEOS:
        return Scope.library()
    if model.startswith(GROUP_PREFIX):
        try:
            return Scope.group(uuid.UUID(model.removeprefix(GROUP_PREFIX)))
        except ValueError:
            pass
    raise errors.NotFound(
        f"The model `{model}` does not exist: use `{ALL_VIDEOS}` or `group-<id>` (GET /v1/models lists yours)."
    )


def question_and_history(messages: list[ChatMessage]) -> tuple[str, list[tuple[str, str]]]:
    """The last message is the question (it must be the user's); earlier user messages, each with the assistant's
    reply that follows it, are the history. System and tool messages are ignored."""
    last = messages[-1]
    if last.role != "user" or not last.text().strip():
        raise errors.InvalidInput("The last message must be the user's question.")
    history: list[tuple[str, str]] = []
    pending: str | None = None
    for message in messages[:-1]:
        if message.role == "user":
            pending = message.text()
        elif message.role == "assistant" and pending is not None:
            history.append((pending, without_sources(message.text())))
            pending = None
    return last.text(), history


MARKERS_MAX = 10_000
"""Any marker number counts when reading an answer's markers (answerers drop the ones naming no excerpt)."""


def numbered(entry: ChatEntry) -> list[int]:
    """Each citation's number as the answer's own `[n]` markers name it."""
    return source_numbers(parse_citations(entry.answer, MARKERS_MAX), entry.citations)


def citations_out(citations: tuple[Citation, ...], numbers: list[int]) -> list[CitationOut]:
    """The sources as data, numbered like the Sources list and the answer's markers."""
    return [
        CitationOut(
            index=number,
            video_id=c.video_id,
            title=c.title,
            start_sec=round(c.start, 2),
            end_sec=round(c.end, 2),
            start=hms(c.start),
            end=hms(c.end),
            text=c.text,
        )
        for number, c in zip(numbers, citations, strict=True)
    ]


def _chunk(completion_id: str, created: int, model: str, delta: dict[str, Any], **extra: Any) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": extra.pop("finish_reason", None), **extra}
    body = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [choice],
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


async def _sse(first: str | ChatEntry, rest: AsyncIterator[str | ChatEntry], model: str) -> AsyncIterator[bytes]:
    """OpenAI's stream: a role chunk, content chunks, the Sources chunk, a final chunk with `finish_reason` and the
    citations, then `data: [DONE]`. A failure once streaming has begun becomes an `error` event."""
    completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    yield _chunk(completion_id, created, model, {"role": "assistant", "content": ""})

    async def pieces() -> AsyncIterator[str | ChatEntry]:
        yield first
        async for piece in rest:
            yield piece

    try:
        async for piece in pieces():
            if isinstance(piece, ChatEntry):
                numbers = numbered(piece)
                sources = sources_block(piece.citations, numbers)
                if sources:
                    yield _chunk(completion_id, created, model, {"content": sources})
                cited = msgspec.to_builtins(citations_out(piece.citations, numbers))
                yield _chunk(
                    completion_id, created, model, {}, finish_reason="stop", citations=cited, grounded=piece.grounded
                )
            elif piece:
                yield _chunk(completion_id, created, model, {"content": piece})
    except errors.DomainError as error:
        _, body, _ = openai_error(error)
        yield b"data: " + msgspec.json.encode(body) + b"\n\n"
        return
    yield b"data: [DONE]\n\n"


class OpenAiController(Controller):
    """OpenAI-compatible endpoints (an API key with `ask`, or a login)."""

    path = "/v1"
    tags = ["openai-compatible"]  # noqa: RUF012 - Litestar reads a list
    exception_handlers = OPENAI_EXCEPTION_HANDLERS  # type: ignore[assignment]

    @get(
        "/models",
        operation_id="listModels",
        summary="Models (your groups, and all videos)",
        opt={API_KEY_SCOPES: (ApiKeyScope.READ, ApiKeyScope.ASK)},
    )
    async def models(self, caller: NamedDependency[Caller], list_groups: NamedDependency[ListGroups]) -> ModelList:
        """`all-videos` first, then `group-<id>` for each of your groups, newest first."""
        models = [ModelBody(id=ALL_VIDEOS, created=int(caller.user.created_at.timestamp()), name="All my videos")]
        offset = 0
        while True:
            page = await list_groups(caller, limit=GROUPS_PAGE, offset=offset)
            models += [
                ModelBody(id=f"{GROUP_PREFIX}{g.id}", created=int(g.created_at.timestamp()), name=g.name)
                for g in page.items
            ]
            offset += GROUPS_PAGE
            if offset >= page.total:
                return ModelList(data=models)

    @post(
        "/chat/completions",
        operation_id="createChatCompletion",
        status_code=200,
        summary="Ask, OpenAI style",
        description="The last user message is the question; earlier user/assistant pairs are the conversation. "
        "The reply's content ends with numbered Sources (`HH:MM:SS` and title); `citations` holds them as data. "
        "With `stream: true`: `chat.completion.chunk` events, the last with `finish_reason` and `citations`, "
        "then `data: [DONE]`.",
        opt={API_KEY_SCOPES: (ApiKeyScope.ASK,)},
        responses={
            200: ResponseSpec(
                data_container=ChatCompletion,
                description="The answer (`stream: false`); with `stream: true`, `text/event-stream` chunks instead.",
            )
        },
    )
    async def chat(
        self,
        data: JSONBody[ChatRequest],
        caller: NamedDependency[Caller],
        ask_question: NamedDependency[AskQuestion],
    ) -> Response[Any]:
        """An answer grounded in your videos, with citations."""
        question, history = question_and_history(data.messages)
        command = AskCommand(question=question, scope=scope_of(data.model), history=history)
        if data.stream:
            stream = ask_question.stream(caller, command)
            first = await anext(stream)  # bad input fails here, before any byte: a normal error response
            return Stream(
                _sse(first, stream, data.model),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
            )
        entry = await ask_question(caller, command)
        numbers = numbered(entry)
        cited = citations_out(entry.citations, numbers)
        content = entry.answer + sources_block(entry.citations, numbers)
        return Response(
            ChatCompletion(
                id=f"chatcmpl-{entry.id.hex}",
                created=int(entry.created_at.timestamp()),
                model=data.model,
                choices=[
                    Choice(
                        message=AssistantMessage(content=content, citations=cited),
                        citations=cited,
                        grounded=entry.grounded,
                    )
                ],
            )
        )
