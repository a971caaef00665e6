"""Repositories: advanced-alchemy does the SQL, these classes speak domain objects."""

from adapters.sqlalchemy.repositories.pipeline_checks import SqlAlchemyPipelineCheckRepository

__all__ = ("SqlAlchemyPipelineCheckRepository",)
