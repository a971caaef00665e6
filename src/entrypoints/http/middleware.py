"""ASGI middleware: a request id on every response and log line, and one log line per request.

The request line carries the route template and the caller's user id; secrets never reach it: the query string is
not logged, and path parameters that are credentials (share-link tokens) are replaced by `[redacted]`.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("askvideo.http")

REQUEST_ID_HEADER = b"x-request-id"
# A client-supplied id is kept only when it is short and plain, so it cannot inject into logs.
_SAFE_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")
USER_ID_STATE = "askvideo_user_id"
"""Key in the ASGI scope's `state` where the caller dependency leaves the authenticated user's id."""
REDACTED = "[redacted]"
# The web UI's guest page `/shared/<token>` reaches the app through the UI's catch-all route, whose parameter is a
# plain path: share links are recognised by their shape as well.
_SHARE_LINK = re.compile(r"(/shared/)[^/]+")


def loggable_path(scope: Scope) -> str:
    """The request path with every credential-bearing path parameter (`token`, …) replaced by `[redacted]`."""
    path: str = scope["path"]
    for name, value in (scope.get("path_params") or {}).items():
        if "token" in name and str(value):
            path = path.replace(str(value), REDACTED)
    return _SHARE_LINK.sub(rf"\g<1>{REDACTED}", path)


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Bind a request id (the client's `X-Request-ID` when safe, else a new one) and log the request's outcome."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER, b"")
        request_id = incoming.decode() if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, request_id.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=loggable_path(scope),
                route=scope.get("path_template"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                user_id=scope.get("state", {}).get(USER_ID_STATE),
            )
            structlog.contextvars.unbind_contextvars("request_id")

    return middleware
