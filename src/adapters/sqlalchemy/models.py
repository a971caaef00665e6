"""ORM tables. They stay inside this adapter: repositories turn rows into domain objects and back."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

metadata = UUIDBase.metadata


class PipelineCheckRow(UUIDBase):
    """A queue round-trip check."""

    __tablename__ = "pipeline_check"

    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
