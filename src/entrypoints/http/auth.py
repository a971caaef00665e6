"""Who is calling: access tokens from the cookie or `Authorization: Bearer`, and the cookies a login sets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from litestar.datastructures import Cookie

from domain.errors import Unauthorized

if TYPE_CHECKING:
    from datetime import datetime

    from litestar import Request, Response

    from application.accounts.authenticate import Authenticate, Caller
    from application.accounts.sessions import SessionTokens

ACCESS_COOKIE = "askvideo_access"
REFRESH_COOKIE = "askvideo_refresh"
CSRF_COOKIE = "askvideo_csrf"
CSRF_HEADER = "x-csrf-token"
# The refresh cookie only travels to the endpoints that need it.
REFRESH_PATH = "/api/auth"


@dataclass(frozen=True, slots=True, kw_only=True)
class CookiePolicy:
    """Cookie flags from the settings."""

    secure: bool


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def access_token(request: Request) -> str | None:
    """The access token: the Bearer header wins over the cookie."""
    return bearer_token(request) or request.cookies.get(ACCESS_COOKIE)


async def require_caller(request: Request, authenticate: Authenticate) -> Caller:
    """The authenticated caller, or 401."""
    token = access_token(request)
    if not token:
        raise Unauthorized("Log in to do this.")
    return await authenticate(token)


def client_ip(request: Request) -> str:
    """The client's address (uvicorn has already applied X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"


def _cookie(key: str, value: str, *, expires: datetime, path: str, httponly: bool, policy: CookiePolicy) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        expires=int(expires.timestamp()),
        path=path,
        httponly=httponly,
        secure=policy.secure,
        samesite="lax",
    )


def set_session_cookies(response: Response, tokens: SessionTokens, csrf_token: str, policy: CookiePolicy) -> None:
    """HttpOnly access and refresh cookies, plus the readable CSRF cookie the web UI echoes in a header."""
    for cookie in (
        _cookie(
            ACCESS_COOKIE, tokens.access_token, expires=tokens.access_expires_at, path="/", httponly=True, policy=policy
        ),
        _cookie(
            REFRESH_COOKIE,
            tokens.refresh_token,
            expires=tokens.refresh_expires_at,
            path=REFRESH_PATH,
            httponly=True,
            policy=policy,
        ),
        _cookie(CSRF_COOKIE, csrf_token, expires=tokens.refresh_expires_at, path="/", httponly=False, policy=policy),
    ):
        response.set_cookie(cookie)


def clear_session_cookies(response: Response, policy: CookiePolicy) -> None:
    """Expire all three cookies."""
    for key, path, httponly in (
        (ACCESS_COOKIE, "/", True),
        (REFRESH_COOKIE, REFRESH_PATH, True),
        (CSRF_COOKIE, "/", False),
    ):
        response.set_cookie(
            Cookie(
                key=key,
                value="",
                max_age=0,
                expires=0,
                path=path,
                secure=policy.secure,
                httponly=httponly,
                samesite="lax",
            )
        )
