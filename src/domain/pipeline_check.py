"""A pipeline check: a round trip from the API through the queue to a worker and back to the database."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from domain.errors import Conflict


class CheckStatus(enum.StrEnum):
    """Where a pipeline check stands."""

    QUEUED = "queued"
    DONE = "done"


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineCheck:
    """One round trip: queued by the API, completed by whichever worker picked it up."""

    id: uuid.UUID
    status: CheckStatus
    created_at: datetime
    completed_at: datetime | None = None
    worker: str | None = None

    @classmethod
    def queue(cls, *, now: datetime) -> PipelineCheck:
        """Start a new check."""
        return cls(id=uuid.uuid4(), status=CheckStatus.QUEUED, created_at=now)

    def complete(self, *, worker: str, now: datetime) -> PipelineCheck:
        """Mark the check done by `worker`; completing twice is refused so a retried job is visible."""
        if self.status is CheckStatus.DONE:
            raise Conflict(f"Pipeline check {self.id} is already done.")
        return replace(self, status=CheckStatus.DONE, completed_at=now, worker=worker)
