"""Repositories: advanced-alchemy does the SQL, these classes speak domain objects."""

from adapters.sqlalchemy.repositories.accounts import (
    SqlAlchemyLoginSessionRepository,
    SqlAlchemyOneTimeTokenRepository,
    SqlAlchemyUserRepository,
)
from adapters.sqlalchemy.repositories.api_keys import SqlAlchemyApiKeyRepository
from adapters.sqlalchemy.repositories.chats import SqlAlchemyChatRepository
from adapters.sqlalchemy.repositories.groups import SqlAlchemyGroupRepository
from adapters.sqlalchemy.repositories.pipeline_checks import SqlAlchemyPipelineCheckRepository
from adapters.sqlalchemy.repositories.tags import SqlAlchemyTagRepository, SqlAlchemyVideoTextIndex
from adapters.sqlalchemy.repositories.videos import (
    SqlAlchemySceneRepository,
    SqlAlchemyTranscriptRepository,
    SqlAlchemyVideoRepository,
)

__all__ = (
    "SqlAlchemyApiKeyRepository",
    "SqlAlchemyChatRepository",
    "SqlAlchemyGroupRepository",
    "SqlAlchemyLoginSessionRepository",
    "SqlAlchemyOneTimeTokenRepository",
    "SqlAlchemyPipelineCheckRepository",
    "SqlAlchemySceneRepository",
    "SqlAlchemyTagRepository",
    "SqlAlchemyTranscriptRepository",
    "SqlAlchemyUserRepository",
    "SqlAlchemyVideoRepository",
    "SqlAlchemyVideoTextIndex",
)
