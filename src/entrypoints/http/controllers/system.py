"""Operational endpoints: the queue round-trip check that proves API → queue → worker → database."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from application.system.pipeline_checks import GetPipelineCheck, StartPipelineCheck
from domain.pipeline_check import PipelineCheck
from entrypoints.http.auth import Operator
from entrypoints.http.schemas import Schema


class PipelineCheckBody(Schema):
    """A queue round trip: `queued` until a worker completes it, then `done` with the worker's name."""

    id: UUID
    status: str
    created_at: datetime
    completed_at: datetime | None
    worker: str | None

    @classmethod
    def of(cls, check: PipelineCheck) -> PipelineCheckBody:
        """Build the body from the domain object."""
        return cls(
            id=check.id,
            status=check.status.value,
            created_at=check.created_at,
            completed_at=check.completed_at,
            worker=check.worker,
        )


class SystemController(Controller):
    """System checks an operator can run."""

    path = "/api/system"
    tags = ["system"]  # noqa: RUF012 - Litestar reads a list

    @post(
        "/pipeline-checks",
        operation_id="startPipelineCheck",
        status_code=202,
        summary="Queue a round-trip check",
        security=[{"operator": []}],
    )
    async def start_pipeline_check(
        self, operator: NamedDependency[Operator], start_pipeline_check: NamedDependency[StartPipelineCheck]
    ) -> PipelineCheckBody:
        """Store a check and queue it; poll it to see a worker complete it."""
        return PipelineCheckBody.of(await start_pipeline_check())

    @get(
        "/pipeline-checks/{check_id:uuid}",
        operation_id="getPipelineCheck",
        summary="Read a round-trip check",
        security=[{"operator": []}],
    )
    async def get_pipeline_check(
        self,
        operator: NamedDependency[Operator],
        check_id: FromPath[UUID],
        get_pipeline_check: NamedDependency[GetPipelineCheck],
    ) -> PipelineCheckBody:
        """The check's current state."""
        return PipelineCheckBody.of(await get_pipeline_check(check_id))
