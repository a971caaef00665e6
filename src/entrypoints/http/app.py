"""The Litestar application factory: controllers, dependencies from the container, errors, OpenAPI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Litestar, Request
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from application.accounts.authenticate import Caller
from entrypoints.container import close_gateways
from entrypoints.http.auth import ACCESS_COOKIE, CookiePolicy, require_caller
from entrypoints.http.controllers.accounts import AuthController, MeController
from entrypoints.http.controllers.groups import GroupController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.questions import QuestionController
from entrypoints.http.controllers.shared import SharedController
from entrypoints.http.controllers.system import SystemController
from entrypoints.http.controllers.videos import MediaDelivery, VideoController
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.middleware import request_id_middleware
from entrypoints.http.protection import protection_middleware

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

    async def provide_caller(request: Request) -> Caller:
        return await require_caller(request, authenticate())

    def provide_cookie_policy() -> CookiePolicy:
        return cookie_policy

    async def on_shutdown() -> None:
        await close_gateways(container)

    return Litestar(
        route_handlers=[
            HealthController,
            SystemController,
            AuthController,
            MeController,
            VideoController,
            QuestionController,
            GroupController,
            SharedController,
        ],
        dependencies={
            **_use_case_dependencies(container),
            "caller": Provide(provide_caller),
            "cookie_policy": Provide(provide_cookie_policy, sync_to_thread=False),
            "upload_policy": _provide(container.upload_policy),
            "media_delivery": _provide(lambda: MediaDelivery(accel_prefix=settings.media_accel_prefix)),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        # Outermost first: every response (even a refused one) gets a request id and the security headers.
        middleware=[
            request_id_middleware,
            protection_middleware(settings.allowed_origins, hsts=settings.base_url.startswith("https://")),
        ],
        cors_config=CORSConfig(
            allow_origins=list(settings.allowed_origins),
            allow_credentials=True,
            allow_headers=["content-type", "x-csrf-token", "authorization", "x-request-id"],
            expose_headers=["x-request-id", "retry-after"],
        ),
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
                }
            ),
        ),
        logging_config=None,
    )
