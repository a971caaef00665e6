"""The Litestar application factory: controllers, dependencies from the container, errors, OpenAPI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin

from entrypoints.container import close_gateways
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.system import SystemController
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.middleware import request_id_middleware

if TYPE_CHECKING:
    from entrypoints.container import Container

API_VERSION = "0.1.0"


def _use_case(container: Container, name: str) -> Provide:
    """A Litestar dependency that builds use case `name` from the container for each request."""
    provider = getattr(container.use_cases, name)

    def build() -> object:
        return provider()

    return Provide(build, sync_to_thread=False)


def create_app(container: Container) -> Litestar:
    """Build the app around an already wired container (no work at import time)."""
    dependencies = {
        name: _use_case(container, name) for name in ("check_readiness", "start_pipeline_check", "get_pipeline_check")
    }

    async def on_shutdown() -> None:
        await close_gateways(container)

    return Litestar(
        route_handlers=[HealthController, SystemController],
        dependencies=dependencies,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[request_id_middleware],
        on_shutdown=[on_shutdown],
        openapi_config=OpenAPIConfig(
            title="Ask Video API",
            version=API_VERSION,
            description="Upload videos, ask questions, get answers that cite the exact second.",
            path="/schema",
            # Only machine-readable renderings: the HTML viewers load scripts from a CDN, and nothing here may.
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
        ),
        logging_config=None,
    )
