"""pgvector + PostgreSQL full text: hybrid scene search."""

from adapters.pgvector.search import PgVectorSceneSearch

__all__ = ("PgVectorSceneSearch",)
