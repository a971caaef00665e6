"""The Litestar application factory: controllers, dependencies from the container, errors, OpenAPI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Litestar, Request
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from application.accounts.authenticate import Caller
from entrypoints.container import close_gateways
from entrypoints.http.auth import ACCESS_COOKIE, CookiePolicy, Operator, require_caller, require_operator
from entrypoints.http.controllers.accounts import AuthController, MeController
from entrypoints.http.controllers.api_keys import ApiKeyController
from entrypoints.http.controllers.groups import GroupController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.openai_compat import OpenAiController, http_error_in_the_callers_shape
from entrypoints.http.controllers.questions import QuestionController
from entrypoints.http.controllers.search import SearchController
from entrypoints.http.controllers.shared import SharedController
from entrypoints.http.controllers.system import SystemController
from entrypoints.http.controllers.tags import TagController, VideoTagController
from entrypoints.http.controllers.videos import MediaDelivery, VideoController
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.mcp import McpMount, mcp_route
from entrypoints.http.metrics import HttpMetrics, metrics_route
from entrypoints.http.middleware import USER_ID_STATE, request_id_middleware
from entrypoints.http.openapi import document_errors_on_startup
from entrypoints.http.protection import protection_middleware, security_headers_hook
from entrypoints.http.uploads import remove_abandoned_uploads
from entrypoints.http.web_ui import web_ui_handlers

if TYPE_CHECKING:
    from collections.abc import Callable

    from entrypoints.container import Container

API_VERSION = "0.1.0"


def _provide(provider: Callable[[], object]) -> Provide:
    def build() -> object:
        return provider()

    return Provide(build, sync_to_thread=False)


def _use_case_dependencies(container: Container) -> dict[str, Provide]:
    """Every use case of the container as a Litestar dependency of the same name, built per request."""
    return {
        name: _provide(provider)
        for name, provider in container.use_cases.providers.items()
        if name not in {"gateways", "policy", "rules", "guests"}
    }


def create_app(container: Container) -> Litestar:
    """Build the app around an already wired container (no work at import time)."""
    settings = container.settings()
    cookie_policy = CookiePolicy(secure=settings.cookie_secure)
    authenticate = container.use_cases.authenticate
    authenticate_api_key = container.use_cases.authenticate_api_key

    async def provide_caller(request: Request) -> Caller:
        caller = await require_caller(request, authenticate(), authenticate_api_key())
        request.scope["state"][USER_ID_STATE] = str(caller.user.id)  # for the request's log line
        return caller

    def provide_operator(request: Request) -> Operator:
        return require_operator(request, settings.operator_token)

    def provide_cookie_policy() -> CookiePolicy:
        return cookie_policy

    async def on_shutdown() -> None:
        await close_gateways(container)

    metrics = HttpMetrics()
    mcp = McpMount(container)
    return Litestar(
        route_handlers=[
            HealthController,
            metrics_route(metrics, settings.metrics_token),
            SystemController,
            AuthController,
            MeController,
            VideoController,
            QuestionController,
            GroupController,
            SharedController,
            ApiKeyController,
            TagController,
            VideoTagController,
            SearchController,
            OpenAiController,
            mcp_route(mcp),
            *web_ui_handlers(settings.web_ui_dir),
        ],
        lifespan=[mcp.lifespan],
        dependencies={
            **_use_case_dependencies(container),
            "caller": Provide(provide_caller),
            "operator": Provide(provide_operator, sync_to_thread=False),
            "cookie_policy": Provide(provide_cookie_policy, sync_to_thread=False),
            "upload_policy": _provide(container.upload_policy),
            "media_delivery": _provide(lambda: MediaDelivery(accel_prefix=settings.media_accel_prefix)),
        },
        exception_handlers={**EXCEPTION_HANDLERS, HTTPException: http_error_in_the_callers_shape},
        # Outermost first: every response (even a refused one) gets a request id and the security headers.
        middleware=[
            request_id_middleware,
            metrics.middleware,
            protection_middleware(settings.allowed_origins, hsts=settings.base_url.startswith("https://")),
        ],
        before_send=[metrics.count_unmatched, security_headers_hook(hsts=settings.base_url.startswith("https://"))],
        cors_config=CORSConfig(
            allow_origins=list(settings.allowed_origins),
            allow_credentials=True,
            allow_headers=["content-type", "x-csrf-token", "authorization", "x-request-id"],
            expose_headers=["x-request-id", "retry-after"],
        ),
        on_startup=[document_errors_on_startup, lambda: remove_abandoned_uploads(container.upload_policy().folder)],
        on_shutdown=[on_shutdown],
        openapi_config=OpenAPIConfig(
            title="Ask Video API",
            version=API_VERSION,
            description=(
                "Upload videos, ask questions, get answers that cite the exact second. Browsers authenticate with "
                f"the HttpOnly `{ACCESS_COOKIE}` cookie set by `POST /api/auth/login` (unsafe requests then need "
                "the `askvideo_csrf` cookie's value in `X-CSRF-Token`); API clients send `Authorization: Bearer`."
            ),
            path="/schema",
            # Only machine-readable renderings: the HTML viewers load scripts from a CDN, and nothing here may.
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
                    "cookie": SecurityScheme(type="apiKey", name=ACCESS_COOKIE, security_scheme_in="cookie"),
                    "operator": SecurityScheme(type="apiKey", name="X-Operator-Token", security_scheme_in="header"),
                }
            ),
        ),
        logging_config=None,
    )
