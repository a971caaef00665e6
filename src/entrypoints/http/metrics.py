"""Prometheus metrics of the API: requests by route template and status class, latency, in-flight; `GET /metrics`.

Labels use the route *template* (`/api/videos/{video_id}`), never the raw path, so the number of series is bounded
by the route table whatever clients send. Requests no route matches are counted under the route `unmatched`.
Each API process keeps its own registry and is scraped on its own (one uvicorn process per instance: no
multiprocess mode needed); Prometheus sums the instances.
"""

from __future__ import annotations

import hmac
import time
from typing import TYPE_CHECKING

from litestar import Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

from domain.errors import Unauthorized
from entrypoints.http.auth import bearer_token

if TYPE_CHECKING:
    from litestar.handlers import HTTPRouteHandler
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED_ROUTE = "unmatched"
# Up to a minute: uploads and streamed (SSE) answers are long requests; anything above lands in +Inf.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def status_class(status: int) -> str:
    """`2xx`, `4xx`, `5xx`, …"""
    return f"{status // 100}xx"


class HttpMetrics:
    """The API's metrics, in a registry of their own (one per app, so several apps in one process never clash)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.requests = Counter(
            "askvideo_http_requests",
            "HTTP requests answered, by method, route template and status class (errors: 4xx, 5xx).",
            ["method", "route", "status_class"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "askvideo_http_request_duration_seconds",
            "Time from the request's arrival to the end of its response, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "askvideo_http_requests_in_flight", "Requests being answered right now.", registry=self.registry
        )

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Litestar middleware: it runs after routing, so the scope names the matched route's template."""

        async def measure(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            method, route = scope["method"], scope.get("path_template") or UNMATCHED_ROUTE
            status = 500  # what the client gets if the handler dies before answering

            async def send_and_note_status(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            self.in_flight.inc()
            started = time.perf_counter()
            try:
                await app(scope, receive, send_and_note_status)
            finally:
                self.in_flight.dec()
                self.latency.labels(method, route).observe(time.perf_counter() - started)
                self.requests.labels(method, route, status_class(status)).inc()

        return measure

    async def count_unmatched(self, message: Message, scope: Scope) -> None:
        """`before_send` hook: count answers given before any route matched (unknown paths, bad Host)."""
        if message["type"] == "http.response.start" and scope["type"] == "http" and "route_handler" not in scope:
            self.requests.labels(scope["method"], UNMATCHED_ROUTE, status_class(message["status"])).inc()

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)


def metrics_route(metrics: HttpMetrics, token: str | None) -> HTTPRouteHandler:
    """`GET /metrics`: open when `token` is None, else only with `Authorization: Bearer <token>`."""

    @get(
        "/metrics",
        operation_id="getMetrics",
        summary="Prometheus metrics of this API process",
        description=(
            "Prometheus text format. Needs `Authorization: Bearer <ASKVIDEO_METRICS_TOKEN>` when that setting is "
            "set; open otherwise (then keep it off the public network, e.g. nginx denies /metrics)."
        ),
        tags=["health"],
        media_type=CONTENT_TYPE_LATEST,
        responses={401: ResponseSpec(data_container=None, description="ASKVIDEO_METRICS_TOKEN is set and not sent")},
        sync_to_thread=False,
    )
    def scrape(request: Request) -> Response[bytes]:
        if token is not None and not hmac.compare_digest((bearer_token(request) or "").encode(), token.encode()):
            raise Unauthorized("Send the metrics token as `Authorization: Bearer <ASKVIDEO_METRICS_TOKEN>`.")
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return scrape
