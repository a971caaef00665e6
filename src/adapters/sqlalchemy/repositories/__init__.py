"""Repositories: advanced-alchemy does the SQL, these classes speak domain objects."""

from adapters.sqlalchemy.repositories.accounts import (
    SqlAlchemyLoginSessionRepository,
    SqlAlchemyOneTimeTokenRepository,
    SqlAlchemyUserRepository,
)
from adapters.sqlalchemy.repositories.pipeline_checks import SqlAlchemyPipelineCheckRepository

__all__ = (
    "SqlAlchemyLoginSessionRepository",
    "SqlAlchemyOneTimeTokenRepository",
    "SqlAlchemyPipelineCheckRepository",
    "SqlAlchemyUserRepository",
)
