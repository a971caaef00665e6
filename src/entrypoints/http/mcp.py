"""The library for MCP clients: the official `mcp` SDK's Streamable HTTP transport, mounted at `/mcp`.

Every HTTP request must carry an API key (`Authorization: Bearer av_…`); the key's owner is the caller of every
tool. Tools that read (`search_library`, `list_videos`, `get_transcript`, `list_groups`, the transcript resource)
need the `read` scope, `ask` needs `ask`. Stateless transport: any API instance can serve any request, so nothing
sticky is needed behind a load balancer. The SDK's DNS-rebinding check is off: a browser page cannot send the
bearer key, and the app's own Origin check (protection.py) still runs first.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from litestar.handlers import asgi
from litestar.types import Receive, Send
from litestar.types import Scope as AsgiScope
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field

from application.api_keys.authenticate_api_key import require_scope
from application.questions.ask_question import AskCommand
from application.videos.manage_videos import VideoQuery
from domain.api_keys import ApiKeyScope, looks_like_api_key
from domain.cited_text import hms
from domain.errors import DomainError, InvalidInput, RateLimited
from domain.questions import Scope
from domain.videos import VideoStatus
from entrypoints.http.controllers.openai_compat import numbered

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar import Litestar

    from application.accounts.authenticate import Caller
    from entrypoints.container import Container

MOUNT_PATH = "/mcp"
CALLER_SCOPE_KEY = "askvideo.caller"
INSTRUCTIONS = (
    "Ask Video: the user's library of transcribed videos. Use search_library to find where something is said "
    "(timed scenes), ask for an answer with citations, list_videos and list_groups to browse, get_transcript "
    "(optionally a time range in seconds) or the transcript://{video_id} resource to read what was said."
)


def _caller(ctx: Context | None, scope: ApiKeyScope) -> Caller:
    """The authenticated caller of this request, refused when the key lacks `scope`."""
    # The SDK hands each tool the HTTP request that carried the call; the mount put the caller in its scope.
    request = ctx.request_context.request if ctx is not None else None
    caller = getattr(request, "scope", {}).get(CALLER_SCOPE_KEY)
    if caller is None:  # pragma: no cover - the mount below sets it on every request it lets through
        raise ToolError("Not authenticated.")
    try:
        require_scope(caller, (scope,))
    except DomainError as error:
        raise ToolError(error.detail) from error
    return caller


def _uuid(value: str, what: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as error:
        raise ToolError(f"{value!r} is not a {what} id (a UUID).") from error


def build_mcp_server(container: Container) -> MCPServer:
    """The MCP server: tools and resources calling the same use cases as the HTTP API."""
    # The SDK calls logging.basicConfig (a rich handler on the root logger) when it finds no handler there; the
    # app configures its own logging, so give basicConfig a placeholder to find while the server is made.
    root, placeholder = logging.getLogger(), logging.NullHandler()
    root.addHandler(placeholder)
    try:
        server = MCPServer(name="ask-video", title="Ask Video", instructions=INSTRUCTIONS, version="0.1.0")
    finally:
        root.removeHandler(placeholder)
    _add_search_and_ask(server, container.use_cases)
    _add_browsing(server, container.use_cases)
    return server


def _add_search_and_ask(server: MCPServer, use_cases: Any) -> None:
    """`search_library` and `ask`."""

    @server.tool(description="Find where something is said: the best matching videos with timed scenes.")
    async def search_library(
        query: Annotated[str, Field(description="Words or a phrase to find, e.g. 'pricing of the pro plan'")],
        limit: Annotated[int, Field(ge=1, le=50, description="How many videos at most")] = 5,
        ctx: Context | None = None,
    ) -> dict[str, Any]:
        caller = _caller(ctx, ApiKeyScope.READ)
        try:
            results = await use_cases.search_library()(caller, query, limit=limit)
        except DomainError as error:
            raise ToolError(error.detail) from error
        return {
            "results": [
                {
                    "video_id": str(r.video.id),
                    "title": r.video.title,
                    "score": round(r.hit.score, 5),
                    "matched_title_or_description": r.hit.matched_text,
                    "scenes": [
                        {
                            "start_sec": round(m.start, 2),
                            "end_sec": round(m.end, 2),
                            "start": hms(m.start),
                            "text": m.text,
                        }
                        for m in r.hit.moments
                    ],
                }
                for r in results
            ]
        }

    @server.tool(
        description="Ask a question about the videos; the answer cites video, title and seconds. Optionally "
        "limit it to one group (group_id) or one video (video_id)."
    )
    async def ask(
        question: Annotated[str, Field(description="The question, in any language")],
        group_id: Annotated[str | None, Field(description="Only this group's videos (see list_groups)")] = None,
        video_id: Annotated[str | None, Field(description="Only this video (see list_videos)")] = None,
        ctx: Context | None = None,
    ) -> dict[str, Any]:
        caller = _caller(ctx, ApiKeyScope.ASK)
        if group_id and video_id:
            raise ToolError("Give group_id or video_id, not both.")
        scope = (
            Scope.group(_uuid(group_id, "group"))
            if group_id
            else Scope.video(_uuid(video_id, "video"))
            if video_id
            else Scope.library()
        )
        try:
            entry = await use_cases.ask_question()(caller, AskCommand(question=question, scope=scope, history=()))
        except DomainError as error:
            raise ToolError(error.detail) from error
        return {
            "answer": entry.answer,
            "grounded": entry.grounded,
            "citations": [
                {
                    "index": number,
                    "video_id": str(c.video_id),
                    "title": c.title,
                    "start_sec": round(c.start, 2),
                    "end_sec": round(c.end, 2),
                    "start": hms(c.start),
                    "text": c.text,
                }
                for number, c in zip(numbered(entry), entry.citations, strict=True)
            ],
        }


def _add_browsing(server: MCPServer, use_cases: Any) -> None:
    """`list_videos`, `get_transcript`, `list_groups` and the transcript resource."""

    @server.tool(description="The user's videos, newest first (status: pending, processing, completed, error).")
    async def list_videos(
        status: Annotated[str | None, Field(description="pending, processing, completed or error")] = None,
        limit: Annotated[int, Field(ge=1, le=100)] = 20,
        offset: Annotated[int, Field(ge=0)] = 0,
        ctx: Context | None = None,
    ) -> dict[str, Any]:
        caller = _caller(ctx, ApiKeyScope.READ)
        try:
            wanted = VideoStatus(status) if status else None
        except ValueError as error:
            raise ToolError(f"Unknown status {status!r}: use pending, processing, completed or error.") from error
        try:
            page = await use_cases.list_videos()(caller, VideoQuery(status=wanted, limit=limit, offset=offset))
            tags = await use_cases.tags_of_videos()(caller, [v.id for v in page.items])
        except DomainError as error:
            raise ToolError(error.detail) from error
        return {
            "total": page.total,
            "videos": [
                {
                    "id": str(v.id),
                    "title": v.title,
                    "description": v.description,
                    "status": v.status.value,
                    "duration_sec": v.duration,
                    "language": v.language,
                    "uploaded_at": v.uploaded_at.isoformat(),
                    "tags": [t.name for t in tags.get(v.id, [])],
                }
                for v in page.items
            ],
        }

    @server.tool(description="What is said in a video, as timed segments; start_sec/end_sec keep only that stretch.")
    async def get_transcript(
        video_id: Annotated[str, Field(description="The video's id (see list_videos or search_library)")],
        start_sec: Annotated[float | None, Field(description="Keep what is said from this second on")] = None,
        end_sec: Annotated[float | None, Field(description="Keep what is said until this second")] = None,
        ctx: Context | None = None,
    ) -> dict[str, Any]:
        caller = _caller(ctx, ApiKeyScope.READ)
        try:
            return await _transcript(use_cases, caller, _uuid(video_id, "video"), start_sec, end_sec)
        except DomainError as error:
            raise ToolError(error.detail) from error

    @server.tool(description="The user's groups of videos; ask with group_id to limit a question to one.")
    async def list_groups(ctx: Context | None = None) -> dict[str, Any]:
        caller = _caller(ctx, ApiKeyScope.READ)
        groups, offset = [], 0
        while True:
            page = await use_cases.list_groups()(caller, limit=100, offset=offset)
            groups += page.items
            offset += 100
            if offset >= page.total:
                break
        return {
            "groups": [
                {
                    "id": str(g.id),
                    "name": g.name,
                    "description": g.description,
                    "video_ids": [str(v) for v in g.video_ids],
                    "model": f"group-{g.id}",
                }
                for g in groups
            ]
        }

    @server.resource(
        "transcript://{video_id}",
        name="transcript",
        description="A video's transcript as text, one timed line per segment.",
        mime_type="text/plain",
    )
    async def transcript_resource(video_id: str, ctx: Context | None = None) -> str:
        try:
            caller = _caller(ctx, ApiKeyScope.READ)
        except ToolError as error:
            raise ResourceError(str(error)) from error
        try:
            found = await _transcript(use_cases, caller, UUID(video_id), None, None)
        except ValueError as error:
            raise ResourceError(f"{video_id!r} is not a video id.") from error
        except DomainError as error:
            raise ResourceError(error.detail) from error
        lines = [f"# {found['title']}"] + [f"[{s['start']}] {s['text']}" for s in found["segments"]]
        return "\n".join(lines)


async def _transcript(
    use_cases: Any, caller: Caller, video_id: UUID, start_sec: float | None, end_sec: float | None
) -> dict[str, Any]:
    if start_sec is not None and end_sec is not None and end_sec <= start_sec:
        raise InvalidInput("end_sec must be after start_sec.")
    video, transcript = await use_cases.get_transcript()(caller, video_id)
    low = start_sec if start_sec is not None else float("-inf")
    high = end_sec if end_sec is not None else float("inf")
    segments = [s for s in transcript.segments if s.end > low and s.start < high]
    return {
        "video_id": str(video.id),
        "title": video.title,
        "language": transcript.language,
        "duration_sec": transcript.duration,
        "segments": [
            {"start_sec": round(s.start, 2), "end_sec": round(s.end, 2), "start": hms(s.start), "text": s.text}
            for s in segments
        ],
    }


async def _refuse(send: Send, status: int, detail: str, code: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail, "code": code}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class McpMount:
    """The `/mcp` ASGI mount: checks the API key of every request, then hands it to the SDK's session manager;
    `lifespan` runs the session manager for as long as the app runs."""

    def __init__(self, container: Container) -> None:
        self._container = container
        self.server = build_mcp_server(container)

    @contextlib.asynccontextmanager
    async def lifespan(self, _: Litestar) -> AsyncIterator[None]:
        """Run a session manager (its task group serves every MCP request); a manager runs once, so each start of
        the app makes its own. Requests go to it directly: the mount has already stripped `/mcp`."""
        self.server.streamable_http_app(
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        async with self.server.session_manager.run():
            yield

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        """Authenticate, then serve."""
        headers = dict(scope["headers"])
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        token = token.strip()
        challenge = [(b"www-authenticate", b'Bearer realm="ask-video"')]
        if scheme.lower() != "bearer" or not looks_like_api_key(token):
            await _refuse(
                send,
                401,
                "Send an API key as `Authorization: Bearer av_…` (create one in Settings).",
                "unauthorized",
                challenge,
            )
            return
        try:
            caller = await self._container.use_cases.authenticate_api_key()(token)
        except RateLimited as error:
            await _refuse(send, 429, error.detail, error.code, [(b"retry-after", str(error.retry_after).encode())])
            return
        except DomainError as error:
            await _refuse(send, 401, error.detail, error.code, challenge)
            return
        scope[CALLER_SCOPE_KEY] = caller  # type: ignore[literal-required]
        await self.server.session_manager.handle_request(scope, receive, send)  # type: ignore[arg-type]


def mcp_route(mount: McpMount) -> Any:
    """The Litestar route handler mounting the MCP app (it authenticates by API key itself)."""

    @asgi(MOUNT_PATH, is_mount=True, copy_scope=False, opt={"mcp": True})
    async def mcp_endpoint(scope: AsgiScope, receive: Receive, send: Send) -> None:
        await mount(scope, receive, send)

    return mcp_endpoint
