"""Deploy tests: the session's embedded PostgreSQL + pgvector and Redis come from the integration fixtures."""

from tests.integration.conftest import database_url, redis_url, servers_dir

__all__ = ["database_url", "redis_url", "servers_dir"]
