"""Who is calling: access tokens from the cookie or `Authorization: Bearer`, and the cookies a login sets."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from litestar.datastructures import Cookie

from application.api_keys.authenticate_api_key import require_scope
from domain.api_keys import ApiKeyScope, looks_like_api_key
from domain.errors import Forbidden, NotFound, Unauthorized

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from litestar import Request, Response

    from application.accounts.authenticate import Authenticate, Caller
    from application.accounts.sessions import SessionTokens
    from application.api_keys.authenticate_api_key import AuthenticateApiKey

ACCESS_COOKIE = "askvideo_access"
REFRESH_COOKIE = "askvideo_refresh"
CSRF_COOKIE = "askvideo_csrf"
CSRF_HEADER = "x-csrf-token"
# The refresh cookie only travels to the endpoints that need it.
REFRESH_PATH = "/api/auth"
OPERATOR_HEADER = "x-operator-token"


@dataclass(frozen=True, slots=True)
class Operator:
    """A request that proved it comes from the service's operator (the `ASKVIDEO_OPERATOR_TOKEN` holder)."""


def require_operator(request: Request, expected: str | None) -> Operator:
    """The operator, or 404 when no operator token is configured (the endpoints do not exist) and 401 otherwise."""
    if expected is None:
        raise NotFound("There is nothing here.")
    presented = request.headers.get(OPERATOR_HEADER, "")
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise Unauthorized(f"Send the operator token in {OPERATOR_HEADER}.")
    return Operator()


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


API_KEY_SCOPES = "api_key_scopes"
"""Route option naming the scopes an API key needs for the route (any one of them); `()`: never by API key.
Unset: GET and HEAD routes need `read`, every other route is closed to API keys."""
NEVER_BY_KEY: dict[str, object] = {API_KEY_SCOPES: ()}
"""`opt` of the routes that manage the account and its keys: only a logged-in person may use them."""


def api_key_scopes(request: Request) -> Sequence[ApiKeyScope]:
    """The scopes an API key needs for this route: the route's own option, else `read` for GET/HEAD."""
    opt = request.route_handler.opt
    if API_KEY_SCOPES in opt:
        return tuple(opt[API_KEY_SCOPES])
    return (ApiKeyScope.READ,) if request.method in {"GET", "HEAD"} else ()


async def require_caller(
    request: Request, authenticate: Authenticate, authenticate_api_key: AuthenticateApiKey | None = None
) -> Caller:
    """The authenticated caller, or 401; an API key (`Authorization: Bearer av_…`) only where its scopes reach."""
    token = access_token(request)
    if not token:
        raise Unauthorized("Log in to do this.")
    if authenticate_api_key is not None and looks_like_api_key(token) and token == bearer_token(request):
        caller = await authenticate_api_key(token)  # an unknown or revoked key is 401 wherever it is sent
        scopes = api_key_scopes(request)
        if not scopes:
            raise Forbidden("API keys cannot do this: log in to do it, or use a read or ask route.")
        require_scope(caller, scopes)
        return caller
    return await authenticate(token)


def client_ip(request: Request) -> str:
    """The client's address: uvicorn has already taken it from `X-Forwarded-For` when the peer is one of
    `ASKVIDEO_TRUSTED_PROXIES` (nginx), and ignored that header from anyone else."""
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
