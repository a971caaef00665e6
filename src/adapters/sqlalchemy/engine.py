"""Engine and session factory for PostgreSQL through psycopg 3, and the database health probe."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def async_url(url: str) -> str:
    """Return `url` with the psycopg driver named, whatever form the operator wrote it in."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def create_engine(
    url: str, *, pool_size: int = 5, max_overflow: int = 10, prepared_statements: bool = True
) -> AsyncEngine:
    """Create the async engine; connections are checked before use so a restarted database is survived.

    `prepared_statements=False` stops psycopg from preparing repeated statements on the server (its
    `prepare_threshold`), for PgBouncer in transaction mode without prepared-statement support.
    """
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        connect_args={} if prepared_statements else {"prepare_threshold": None},
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


class DatabaseProbe:
    """Readiness probe: runs `select 1`."""

    name = "database"

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def check(self) -> None:
        """Raise when the database does not answer."""
        async with self._engine.connect() as connection:
            await connection.execute(text("select 1"))
