"""Repositories: advanced-alchemy does the SQL, these classes speak domain objects."""

from adapters.sqlalchemy.repositories.accounts import (
    SqlAlchemyLoginSessionRepository,
    SqlAlchemyOneTimeTokenRepository,
    SqlAlchemyUserRepository,
)
from adapters.sqlalchemy.repositories.chats import SqlAlchemyChatRepository
from adapters.sqlalchemy.repositories.groups import SqlAlchemyGroupRepository
from adapters.sqlalchemy.repositories.pipeline_checks import SqlAlchemyPipelineCheckRepository
from adapters.sqlalchemy.repositories.videos import (
    SqlAlchemySceneRepository,
    SqlAlchemyTranscriptRepository,
    SqlAlchemyVideoRepository,
)

__all__ = (
    "SqlAlchemyChatRepository",
    "SqlAlchemyGroupRepository",
    "SqlAlchemyLoginSessionRepository",
    "SqlAlchemyOneTimeTokenRepository",
    "SqlAlchemyPipelineCheckRepository",
    "SqlAlchemySceneRepository",
    "SqlAlchemyTranscriptRepository",
    "SqlAlchemyUserRepository",
    "SqlAlchemyVideoRepository",
)
