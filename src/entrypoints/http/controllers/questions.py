"""Questions over HTTP: ask (JSON or server-sent events), history, feedback, CSV export."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from application.accounts.authenticate import Caller
from application.questions.ask_question import AskCommand, AskQuestion
from application.questions.history import ExportHistory, GiveFeedback, ListHistory
from domain.api_keys import ApiKeyScope
from domain.errors import DomainError, InvalidInput
from domain.questions import ChatEntry, Feedback, Scope, ScopeKind
from entrypoints.http.auth import API_KEY_SCOPES
from entrypoints.http.errors import status_for
from entrypoints.http.schemas import Schema


class ScopeBody(Schema):
    """What the question is about: `video` (with `videoId`), `group` (with `groupId`) or `library` (all my videos)."""

    kind: Literal["video", "group", "library"]
    video_id: UUID | None = None
    group_id: UUID | None = None

    def to_scope(self) -> Scope:
        """The domain scope."""
        return _scope(self.kind, self.video_id, self.group_id)


class AskBody(Schema):
    """A question."""

    question: Annotated[str, msgspec.Meta(max_length=4000)]
    scope: ScopeBody


class CitationBody(Schema):
    """Where to play: the video and the seconds, with the words said there."""

    video_id: UUID
    title: str
    start_sec: float
    end_sec: float
    text: str
    score: float


class AnswerBody(Schema):
    """An answer with its citations; `grounded` is false when the videos do not cover the question."""

    chat_id: UUID
    question: str
    answer: str
    grounded: bool
    citations: list[CitationBody]
    feedback: Feedback | None
    shared: bool
    created_at: datetime

    @classmethod
    def of(cls, entry: ChatEntry) -> AnswerBody:
        """Build from the stored entry."""
        return cls(
            chat_id=entry.id,
            question=entry.question,
            answer=entry.answer,
            grounded=entry.grounded,
            citations=[
                CitationBody(
                    video_id=c.video_id,
                    title=c.title,
                    start_sec=round(c.start, 2),
                    end_sec=round(c.end, 2),
                    text=c.text,
                    score=round(c.score, 4),
                )
                for c in entry.citations
            ],
            feedback=entry.feedback,
            shared=entry.is_shared_origin,
            created_at=entry.created_at,
        )


class HistoryPage(Schema):
    """One page of a scope's history, newest first."""

    items: list[AnswerBody]
    total: int
    limit: int
    offset: int


class FeedbackBody(Schema):
    """`good`, `bad`, or null to clear."""

    feedback: Feedback | None


def _scope(kind: str, video_id: UUID | None, group_id: UUID | None = None) -> Scope:
    if kind == ScopeKind.VIDEO.value:
        if video_id is None:
            raise InvalidInput("A question about a video needs its videoId.")
        return Scope.video(video_id)
    if kind == ScopeKind.GROUP.value:
        if group_id is None:
            raise InvalidInput("A question about a group needs its groupId.")
        return Scope.group(group_id)
    if kind == ScopeKind.LIBRARY.value:
        return Scope.library()
    raise InvalidInput("scope must be `video`, `group` or `library`.")


async def _events(stream: AsyncIterator[str | ChatEntry]) -> AsyncIterator[ServerSentEventMessage]:
    """`delta` events with pieces of text (JSON strings), then one `answer` event, or an `error` event."""
    try:
        async for piece in stream:
            if isinstance(piece, ChatEntry):
                yield ServerSentEventMessage(event="answer", data=msgspec.json.encode(AnswerBody.of(piece)).decode())
            else:
                yield ServerSentEventMessage(event="delta", data=json.dumps(piece))
    except DomainError as error:
        body = {"detail": error.detail, "code": error.code, "status": status_for(error)}
        yield ServerSentEventMessage(event="error", data=json.dumps(body))


class QuestionController(Controller):
    """Ask about your videos (login required)."""

    path = "/api/questions"
    tags = ["questions"]  # noqa: RUF012 - Litestar reads a list

    @post(
        "/",
        operation_id="askQuestion",
        opt={API_KEY_SCOPES: (ApiKeyScope.ASK,)},
        status_code=200,
        summary="Ask a question",
        description="JSON by default; with `Accept: text/event-stream` the answer streams as server-sent events: "
        "`delta` (a JSON string of new text), then `answer` (the AnswerBody JSON) or `error`.",
    )
    async def ask(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[AskBody],
        caller: NamedDependency[Caller],
        ask_question: NamedDependency[AskQuestion],
    ) -> Response[Any]:
        """The answer with citations (video id, title, start and end second, quoted text)."""
        command = AskCommand(question=data.question, scope=data.scope.to_scope())
        if "text/event-stream" in request.headers.get("accept", ""):
            return await stream_response(ask_question.stream(caller, command))
        return Response(AnswerBody.of(await ask_question(caller, command)))

    @get("/", operation_id="listQuestions", summary="History of a scope")
    async def history(
        self,
        caller: NamedDependency[Caller],
        list_history: NamedDependency[ListHistory],
        scope_kind: Annotated[str, QueryParameter(name="scope")] = "library",
        video_id: Annotated[UUID | None, QueryParameter(name="videoId")] = None,
        group_id: Annotated[UUID | None, QueryParameter(name="groupId")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> HistoryPage:
        """Newest first."""
        page = await list_history(caller, _scope(scope_kind, video_id, group_id), limit=limit, offset=offset)
        return HistoryPage(items=[AnswerBody.of(e) for e in page.items], total=page.total, limit=limit, offset=offset)

    @get(
        "/export.csv",
        operation_id="exportQuestions",
        summary="History of a scope as CSV",
        media_type="text/csv",
    )
    async def export(
        self,
        caller: NamedDependency[Caller],
        export_history: NamedDependency[ExportHistory],
        scope_kind: Annotated[str, QueryParameter(name="scope")] = "library",
        video_id: Annotated[UUID | None, QueryParameter(name="videoId")] = None,
        group_id: Annotated[UUID | None, QueryParameter(name="groupId")] = None,
    ) -> Response[bytes]:
        """UTF-8 with BOM (Excel-friendly); columns: time, question, answer, cited videos, feedback."""
        text = await export_history(caller, _scope(scope_kind, video_id, group_id))
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ask-video-history.csv"'},
        )

    @put("/{chat_id:uuid}/feedback", operation_id="giveFeedback", summary="Rate an answer")
    async def feedback(
        self,
        chat_id: FromPath[UUID],
        data: JSONBody[FeedbackBody],
        caller: NamedDependency[Caller],
        give_feedback: NamedDependency[GiveFeedback],
    ) -> AnswerBody:
        """Only the person who asked may rate."""
        return AnswerBody.of(await give_feedback(caller, chat_id, data.feedback))


async def stream_response(stream: AsyncIterator[str | ChatEntry]) -> Response[Any]:
    """Server-sent events of an answer. Bad input (wrong video, not processed) fails before the stream starts, so it
    gets a normal error response; a failure later becomes an `error` event."""
    first = await anext(stream)
    return ServerSentEvent(
        _events(_prepend(first, stream)), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


async def _prepend(first: str | ChatEntry, rest: AsyncIterator[str | ChatEntry]) -> AsyncIterator[str | ChatEntry]:
    yield first
    async for piece in rest:
        yield piece
