"""Browser protections as ASGI middleware: security headers on every response, CSRF and Origin checks."""

from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from litestar.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.auth import ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# These act on no existing session, so a leftover cookie must not make them demand a CSRF token. Cross-site
# posts to them are still refused by the Origin check, and SameSite=Lax keeps cookies off cross-site posts.
SESSIONLESS_PATHS = frozenset(
    f"/api/auth/{name}"
    for name in ("signup", "login", "verify-email", "resend-verification", "forgot-password", "reset-password")
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; media-src 'self' blob:; img-src 'self' data:; "
        b"style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    ),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope["headers"]}


def _cookies(headers: dict[bytes, bytes]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


async def _refuse(send: Send, detail: str, code: str) -> None:
    body = json.dumps({"detail": detail, "code": code}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def protection_middleware(allowed_origins: Iterable[str], *, hsts: bool) -> ASGIApp:
    """Build the middleware factory for the given origin allow-list."""
    origins = frozenset(o.encode() for o in allowed_origins)
    extra = [*SECURITY_HEADERS, *([HSTS] if hsts else [])]

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            if scope["method"] not in SAFE_METHODS:
                headers = _headers(scope)
                origin = headers.get(b"origin")
                # A browser names the page's origin on unsafe requests: another site's page is refused outright.
                if origin is not None and origin not in origins and origin != _own_origin(scope, headers):
                    await _refuse(send, "Requests from other sites are not allowed.", "origin_refused")
                    return
                cookies = _cookies(headers)
                uses_cookie_auth = ACCESS_COOKIE in cookies or REFRESH_COOKIE in cookies
                if (
                    uses_cookie_auth
                    and scope["path"] not in SESSIONLESS_PATHS
                    and not headers.get(b"authorization", b"").lower().startswith(b"bearer ")
                ):
                    expected = cookies.get(CSRF_COOKIE, "")
                    presented = headers.get(CSRF_HEADER.encode(), b"").decode("latin-1")
                    if not expected or not hmac.compare_digest(expected, presented):
                        await _refuse(
                            send,
                            f"Missing or wrong CSRF token: send the {CSRF_COOKIE} cookie's value in {CSRF_HEADER}.",
                            "csrf_failed",
                        )
                        return

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []), *extra]
                await send(message)

            await app(scope, receive, send_with_headers)

        return middleware

    return factory


def security_headers_hook(*, hsts: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A `before_send` hook giving the security headers to responses no route handled (404, 405), which Litestar
    sends without running the app's middleware. Headers already present are left alone."""
    extra = [*SECURITY_HEADERS, *([HSTS] if hsts else [])]

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {bytes(name).lower() for name, _ in headers}
            message["headers"] = [*headers, *((name, value) for name, value in extra if name not in present)]

    return before_send


def _own_origin(scope: Scope, headers: dict[bytes, bytes]) -> bytes:
    """The origin this request was addressed to (same-origin requests are always fine)."""
    scheme = scope.get("scheme", "http").encode()
    return scheme + b"://" + headers.get(b"host", b"")
