"""The real clock."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Reads the operating system's clock, in UTC."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)
