"""In-memory repositories and unit of work: changes become visible to others only on commit."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self

from adapters.memory.accounts import (
    InMemoryLoginSessionRepository,
    InMemoryOneTimeTokenRepository,
    InMemoryUserRepository,
)
from adapters.memory.api_keys import InMemoryApiKeyRepository
from adapters.memory.chats import InMemoryChatRepository
from adapters.memory.groups import InMemoryGroupRepository
from adapters.memory.tags import InMemoryTagRepository, InMemoryVideoTextIndex
from adapters.memory.videos import InMemorySceneRepository, InMemoryTranscriptRepository, InMemoryVideoRepository

if TYPE_CHECKING:
    from types import TracebackType
    from uuid import UUID

    from application.ports.persistence import EmbeddedScene
    from domain.accounts import LoginSession, OneTimeToken, User
    from domain.api_keys import ApiKey
    from domain.groups import Group
    from domain.pipeline_check import PipelineCheck
    from domain.questions import ChatEntry
    from domain.tags import Tag
    from domain.transcript import Transcript
    from domain.videos import Video


@dataclass
class InMemoryStore:
    """The committed state, shared by every unit of work made from it."""

    pipeline_checks: dict[UUID, PipelineCheck] = field(default_factory=dict)
    users: dict[UUID, User] = field(default_factory=dict)
    login_sessions: dict[UUID, LoginSession] = field(default_factory=dict)
    one_time_tokens: dict[UUID, OneTimeToken] = field(default_factory=dict)
    videos: dict[UUID, Video] = field(default_factory=dict)
    transcripts: dict[UUID, Transcript] = field(default_factory=dict)
    scenes: dict[UUID, tuple[UUID, str, list[EmbeddedScene]]] = field(default_factory=dict)
    chats: dict[UUID, ChatEntry] = field(default_factory=dict)
    groups: dict[UUID, Group] = field(default_factory=dict)
    api_keys: dict[UUID, ApiKey] = field(default_factory=dict)
    tags: dict[UUID, Tag] = field(default_factory=dict)
    video_tags: dict[UUID, set[UUID]] = field(default_factory=dict)

    def remove_user(self, user_id: UUID) -> None:
        """Remove a user with everything that hangs on them, as the database's ON DELETE CASCADE does: sessions,
        one-time tokens, videos (with transcripts, scenes and tags), chats, groups, API keys and tags."""
        self.users.pop(user_id, None)
        videos = {video_id for video_id, video in self.videos.items() if video.owner_id == user_id}
        tags = {tag_id for tag_id, tag in self.tags.items() if tag.owner_id == user_id}
        for rows, gone in (
            (self.login_sessions, lambda row: row.user_id == user_id),
            (self.one_time_tokens, lambda row: row.user_id == user_id),
            (self.chats, lambda row: row.user_id == user_id),
            (self.groups, lambda row: row.owner_id == user_id),
            (self.api_keys, lambda row: row.user_id == user_id),
            (self.tags, lambda row: row.owner_id == user_id),
        ):
            for key in [key for key, row in rows.items() if gone(row)]:
                del rows[key]
        for video_id in videos:
            for rows in (self.videos, self.transcripts, self.scenes, self.video_tags):
                rows.pop(video_id, None)
        for video_id, tag_ids in self.video_tags.items():
            self.video_tags[video_id] = tag_ids - tags


class InMemoryPipelineCheckRepository:
    """Pipeline checks in a dict."""

    def __init__(self, rows: dict[UUID, PipelineCheck]) -> None:
        self._rows = rows

    async def add(self, check: PipelineCheck) -> None:
        """Store a new check."""
        self._rows[check.id] = check

    async def get(self, check_id: UUID) -> PipelineCheck | None:
        """Return the check or None."""
        return self._rows.get(check_id)

    async def update(self, check: PipelineCheck) -> None:
        """Replace the stored check."""
        self._rows[check.id] = check


class InMemoryUnitOfWork:
    """Works on a private copy of the store and publishes it on commit, like a transaction."""

    def __init__(self, store: InMemoryStore | None = None) -> None:
        self.store = store or InMemoryStore()
        self.commits = 0
        self._working: InMemoryStore | None = None

    async def __aenter__(self) -> Self:
        """Begin: take a private copy of the committed state."""
        self._working = copy.deepcopy(self.store)
        working = self._working
        self.pipeline_checks = InMemoryPipelineCheckRepository(working.pipeline_checks)
        self.users = InMemoryUserRepository(working)
        self.login_sessions = InMemoryLoginSessionRepository(working.login_sessions)
        self.one_time_tokens = InMemoryOneTimeTokenRepository(working.one_time_tokens)
        self.videos = InMemoryVideoRepository(
            working.videos, working.transcripts, working.scenes, working.groups, working.video_tags
        )
        self.transcripts = InMemoryTranscriptRepository(working.transcripts)
        self.scenes = InMemorySceneRepository(working.scenes)
        self.chats = InMemoryChatRepository(working.chats)
        self.groups = InMemoryGroupRepository(working.groups)
        self.api_keys = InMemoryApiKeyRepository(working.api_keys)
        self.tags = InMemoryTagRepository(working.tags, working.video_tags)
        self.video_text = InMemoryVideoTextIndex(working.videos)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End: drop whatever was not committed."""
        self._working = None

    async def commit(self) -> None:
        """Publish the private copy as the committed state."""
        assert self._working is not None, "commit() outside `async with`"
        self.store.__dict__.update(copy.deepcopy(self._working).__dict__)
        self.commits += 1
