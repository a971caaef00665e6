"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from application.system.readiness import CheckReadiness
from entrypoints.http.schemas import Schema


class Liveness(Schema):
    """The process answers."""

    status: str


class PartState(Schema):
    """One dependency's state."""

    name: str
    ok: bool
    detail: str


class ReadinessBody(Schema):
    """Whether the instance can serve, and each dependency's state."""

    status: str
    parts: list[PartState]


class HealthController(Controller):
    """`/health/live` says the process runs; `/health/ready` that its database and queue answer."""

    path = "/health"
    tags = ["health"]  # noqa: RUF012 - Litestar reads a list

    @get("/live", operation_id="getLiveness", summary="The process is alive")
    async def live(self) -> Liveness:
        """Always 200 while the process can answer HTTP."""
        return Liveness(status="ok")

    @get(
        "/ready",
        operation_id="getReadiness",
        summary="Database and queue answer",
        responses={503: ResponseSpec(data_container=ReadinessBody, description="A dependency is down")},
    )
    async def ready(self, check_readiness: NamedDependency[CheckReadiness]) -> Response[ReadinessBody]:
        """200 when every dependency answers, 503 naming the ones that do not."""
        readiness = await check_readiness()
        body = ReadinessBody(
            status="ready" if readiness.ready else "unavailable",
            parts=[PartState(name=part.name, ok=part.ok, detail=part.detail) for part in readiness.parts],
        )
        return Response(body, status_code=200 if readiness.ready else 503)
