"""Pipeline checks in PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from advanced_alchemy.repository import SQLAlchemyAsyncRepository

from adapters.sqlalchemy.models import PipelineCheckRow
from domain.pipeline_check import CheckStatus, PipelineCheck

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession


class _Rows(SQLAlchemyAsyncRepository[PipelineCheckRow]):
    model_type = PipelineCheckRow


def _to_domain(row: PipelineCheckRow) -> PipelineCheck:
    return PipelineCheck(
        id=row.id,
        status=CheckStatus(row.status),
        created_at=row.created_at,
        completed_at=row.completed_at,
        worker=row.worker,
    )


class SqlAlchemyPipelineCheckRepository:
    """Stores pipeline checks in the `pipeline_check` table."""

    def __init__(self, session: AsyncSession) -> None:
        # Errors stay SQLAlchemy's own: the unit of work maps a lost connection to `Unavailable`.
        self._rows = _Rows(session=session, auto_commit=False, auto_expunge=False, wrap_exceptions=False)

    async def add(self, check: PipelineCheck) -> None:
        """Insert the check."""
        await self._rows.add(
            PipelineCheckRow(
                id=check.id,
                status=check.status.value,
                created_at=check.created_at,
                completed_at=check.completed_at,
                worker=check.worker,
            )
        )

    async def get(self, check_id: UUID) -> PipelineCheck | None:
        """Return the check or None."""
        row = await self._rows.get_one_or_none(id=check_id)
        return _to_domain(row) if row else None

    async def update(self, check: PipelineCheck) -> None:
        """Write the check's new state."""
        row = await self._rows.get(check.id)
        row.status = check.status.value
        row.completed_at = check.completed_at
        row.worker = check.worker
        await self._rows.update(row)
