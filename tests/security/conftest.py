"""The real servers of tests/integration (embedded PostgreSQL + pgvector, Redis), for the security suites that
drive the real app over HTTP (bad uploads, fuzzing)."""

from tests.integration.conftest import database_url, redis_url, servers_dir

__all__ = ["database_url", "redis_url", "servers_dir"]
