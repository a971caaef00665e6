"""The SQLAlchemy unit of work: one session, one transaction, repositories bound to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from sqlalchemy.exc import DataError, InterfaceError, OperationalError

from adapters.sqlalchemy.repositories import (
    SqlAlchemyApiKeyRepository,
    SqlAlchemyChatRepository,
    SqlAlchemyGroupRepository,
    SqlAlchemyLoginSessionRepository,
    SqlAlchemyOneTimeTokenRepository,
    SqlAlchemyPipelineCheckRepository,
    SqlAlchemySceneRepository,
    SqlAlchemyTagRepository,
    SqlAlchemyTranscriptRepository,
    SqlAlchemyUserRepository,
    SqlAlchemyVideoRepository,
    SqlAlchemyVideoTextIndex,
)
from domain.errors import InvalidInput, Unavailable

if TYPE_CHECKING:
    from types import TracebackType

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class SqlAlchemyUnitOfWork:
    """Opens a session on enter, rolls back on exit unless `commit` was called."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        """Begin: open a session and bind the repositories to it."""
        self._session = self._session_factory()
        self.pipeline_checks = SqlAlchemyPipelineCheckRepository(self._session)
        self.users = SqlAlchemyUserRepository(self._session)
        self.login_sessions = SqlAlchemyLoginSessionRepository(self._session)
        self.one_time_tokens = SqlAlchemyOneTimeTokenRepository(self._session)
        self.videos = SqlAlchemyVideoRepository(self._session)
        self.transcripts = SqlAlchemyTranscriptRepository(self._session)
        self.scenes = SqlAlchemySceneRepository(self._session)
        self.chats = SqlAlchemyChatRepository(self._session)
        self.groups = SqlAlchemyGroupRepository(self._session)
        self.api_keys = SqlAlchemyApiKeyRepository(self._session)
        self.tags = SqlAlchemyTagRepository(self._session)
        self.video_text = SqlAlchemyVideoTextIndex(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End: roll back what was not committed and close the session."""
        assert self._session is not None
        try:
            await self._session.rollback()
            await self._session.close()
        finally:
            self._session = None
        if isinstance(exc, OperationalError | InterfaceError):
            # A dropped or refused connection is the database being down, not a bug: say so.
            raise Unavailable("The database cannot be reached right now; try again shortly.") from exc
        if isinstance(exc, DataError):
            # A value PostgreSQL cannot hold is the client's input, not a bug (found by fuzzing: NUL in a name).
            raise InvalidInput(_data_error_detail(exc)) from exc

    async def commit(self) -> None:
        """Commit the transaction."""
        assert self._session is not None, "commit() outside `async with`"
        await self._session.commit()


def _data_error_detail(error: DataError) -> str:
    """A sentence for the client about a value the database refused."""
    if "NUL" in str(error.orig) or "0x00" in str(error.orig):
        return "Text cannot contain NUL characters (U+0000). Remove them and try again."
    return "A value cannot be stored as given (out of range or not valid text). Check the input and try again."
