"""Persistence ports: repositories that speak domain objects, and the unit of work that owns the transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    from types import TracebackType
    from uuid import UUID

    from domain.pipeline_check import PipelineCheck


class PipelineCheckRepository(Protocol):
    """Stores pipeline checks."""

    async def add(self, check: PipelineCheck) -> None:
        """Store a new check."""
        ...

    async def get(self, check_id: UUID) -> PipelineCheck | None:
        """Return the check, or None if there is none with that id."""
        ...

    async def update(self, check: PipelineCheck) -> None:
        """Store the new state of an existing check."""
        ...


class UnitOfWork(Protocol):
    """One transaction over all repositories: nothing is stored until `commit`; leaving without it rolls back."""

    pipeline_checks: PipelineCheckRepository

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the transaction, rolling back whatever was not committed."""
        ...

    async def commit(self) -> None:
        """Make the changes durable."""
        ...
