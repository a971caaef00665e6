"""What a guest with a share link can do: see the group, watch its videos, ask about it. No account needed."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.groups.sharing import CheckGuestAsk, OpenSharedGroup
from application.questions.ask_question import AskSharedGroup
from application.videos.transcripts import OpenSharedMedia
from entrypoints.http.auth import client_ip
from entrypoints.http.controllers.questions import AnswerBody, stream_response
from entrypoints.http.controllers.videos import MediaDelivery, VideoBody, media_response
from entrypoints.http.schemas import Schema


class SharedGroupBody(Schema):
    """The group as a guest sees it: no owner data, only watchable videos."""

    name: str
    description: str
    videos: list[VideoBody]


class GuestQuestion(Schema):
    """A guest's question about the group."""

    question: Annotated[str, msgspec.Meta(max_length=4000)]


class SharedController(Controller):
    """Guest access through `/api/shared/{token}`; an unknown, revoked or expired token is 404 everywhere."""

    path = "/api/shared/{token:str}"
    tags = ["shared"]  # noqa: RUF012 - Litestar reads a list

    @get("/", operation_id="getSharedGroup", summary="The shared group")
    async def group(self, token: FromPath[str], open_shared_group: NamedDependency[OpenSharedGroup]) -> SharedGroupBody:
        """Name, description and the videos a guest can watch, in order."""
        detail = await open_shared_group(token)
        return SharedGroupBody(
            name=detail.group.name,
            description=detail.group.description,
            videos=[VideoBody.of(v) for v in detail.videos],
        )

    @get(
        "/videos/{video_id:uuid}/media",
        operation_id="streamSharedVideo",
        summary="Watch a shared video (HTTP Range)",
        media_type="application/octet-stream",
    )
    async def media(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        video_id: FromPath[UUID],
        open_shared_media: NamedDependency[OpenSharedMedia],
        media_delivery: NamedDependency[MediaDelivery],
    ) -> Response[Any]:
        """Only videos of this group; Range → 206, outside the file → 416."""
        media = await open_shared_media(token, video_id)
        return media_response(request, media, open_shared_media.read, media_delivery)

    @post("/questions", operation_id="askSharedGroup", status_code=200, summary="Ask about the shared group")
    async def ask(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: JSONBody[GuestQuestion],
        check_guest_ask: NamedDependency[CheckGuestAsk],
        ask_shared_group: NamedDependency[AskSharedGroup],
    ) -> Response[Any]:
        """Like `POST /api/questions` (JSON or server-sent events), rate limited per link and per address."""
        await check_guest_ask(token, client_ip(request))
        if "text/event-stream" in request.headers.get("accept", ""):
            return await stream_response(ask_shared_group.stream(token, data.question))
        return Response(AnswerBody.of(await ask_shared_group(token, data.question)))
