"""Persistence ports: repositories that speak domain objects, and the unit of work that owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime, timedelta
    from types import TracebackType
    from uuid import UUID

    from domain.accounts import LoginSession, OneTimeToken, User
    from domain.api_keys import ApiKey
    from domain.groups import Group
    from domain.pipeline_check import PipelineCheck
    from domain.questions import ChatEntry, Scope
    from domain.scenes import Scene
    from domain.tags import Tag
    from domain.transcript import Transcript
    from domain.videos import Video, VideoStatus


class PipelineCheckRepository(Protocol):
    """Stores pipeline checks."""

    async def add(self, check: PipelineCheck) -> None:
        """Store a new check."""
        ...

    async def get(self, check_id: UUID) -> PipelineCheck | None:
        """Return the check, or None if there is none with that id."""
        ...

    async def update(self, check: PipelineCheck) -> None:
        """Store the new state of an existing check."""
        ...


class UserRepository(Protocol):
    """Stores users. Usernames and emails are unique, compared case-insensitively."""

    async def add(self, user: User) -> None:
        """Store a new user; raise `domain.errors.Conflict` if the username or email is taken."""
        ...

    async def get(self, user_id: UUID) -> User | None:
        """The user with that id, or None."""
        ...

    async def get_by_login(self, login: str) -> User | None:
        """The user whose username or email is `login` (case-insensitive), or None."""
        ...

    async def get_by_email(self, email: str) -> User | None:
        """The user with that email (case-insensitive), or None."""
        ...

    async def update(self, user: User) -> None:
        """Store the user's new state; raise `domain.errors.Conflict` if a new username or email is taken."""
        ...

    async def delete(self, user_id: UUID) -> None:
        """Remove the user together with their sessions and one-time tokens."""
        ...


class LoginSessionRepository(Protocol):
    """Stores login sessions."""

    async def add(self, session: LoginSession) -> None:
        """Store a new session."""
        ...

    async def get(self, session_id: UUID) -> LoginSession | None:
        """The session, or None."""
        ...

    async def update(self, session: LoginSession) -> None:
        """Store the session's new state."""
        ...

    async def revoke_all(self, user_id: UUID, *, now: datetime, keep: UUID | None = None) -> None:
        """Revoke every live session of the user, except `keep`."""
        ...


class OneTimeTokenRepository(Protocol):
    """Stores the records of emailed one-time links."""

    async def add(self, token: OneTimeToken) -> None:
        """Store a new record."""
        ...

    async def get(self, token_id: UUID) -> OneTimeToken | None:
        """The record, or None."""
        ...

    async def update(self, token: OneTimeToken) -> None:
        """Store the record's new state."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoPage:
    """One page of a listing, with the total count for paging."""

    items: tuple[Video, ...]
    total: int


class VideoRepository(Protocol):
    """Stores videos and their processing state."""

    async def add(self, video: Video) -> None:
        """Store a new video."""
        ...

    async def get(self, video_id: UUID) -> Video | None:
        """The video, or None."""
        ...

    async def list_for_owner(
        self,
        owner_id: UUID,
        *,
        status: VideoStatus | None,
        search: str | None,
        limit: int,
        offset: int,
        tag_ids: Sequence[UUID] = (),
    ) -> VideoPage:
        """The owner's videos, newest first, optionally of one status, with `search` in the title and carrying
        every tag of `tag_ids`."""
        ...

    async def count_for_owner(self, owner_id: UUID) -> int:
        """How many videos the owner keeps (for the quota)."""
        ...

    async def update(self, video: Video) -> None:
        """Store the video's new state."""
        ...

    async def delete(self, video_id: UUID) -> None:
        """Remove the video with its transcript and scenes."""
        ...

    async def claim(self, video_id: UUID, *, now: datetime, lease: timedelta) -> Video | None:
        """Atomically mark the video processing if it is pending, or processing with a heartbeat older than
        `lease` (its worker died); return it, or None when someone else holds it or it is done/gone."""
        ...

    async def completed_ids(self) -> list[UUID]:
        """Every completed video (for a reindex), oldest first."""
        ...

    async def stalled(self, *, now: datetime, lease: timedelta, limit: int) -> list[UUID]:
        """Videos whose job was lost: pending since before `now - lease`, or processing with an old heartbeat."""
        ...


class TranscriptRepository(Protocol):
    """Stores each video's transcript (segments with word timings)."""

    async def save(self, video_id: UUID, transcript: Transcript) -> None:
        """Store or replace the video's transcript."""
        ...

    async def get(self, video_id: UUID) -> Transcript | None:
        """The transcript, or None."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbeddedScene:
    """A scene with one embedding per sentence (in the scene's order), ready for the index."""

    scene: Scene
    sentence_vectors: Sequence[Sequence[float]]


class SceneRepository(Protocol):
    """The scenes of every video with their sentences' embeddings (the searchable index)."""

    async def replace_for_video(
        self, video_id: UUID, owner_id: UUID, scenes: Sequence[EmbeddedScene], *, embedder: str
    ) -> None:
        """Replace all of the video's scenes (a retried job never duplicates them)."""
        ...

    async def for_video(self, video_id: UUID) -> list[Scene]:
        """The video's scenes in order."""
        ...

    async def unindexed_videos(self, *, limit: int) -> list[UUID]:
        """Videos with scenes but no sentence index (indexed before migration 0006): they need a reindex."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatPage:
    """One page of history, newest first, with the total count."""

    items: tuple[ChatEntry, ...]
    total: int


class ChatRepository(Protocol):
    """The history of questions and answers."""

    async def add(self, entry: ChatEntry) -> None:
        """Store a new entry."""
        ...

    async def get(self, entry_id: UUID) -> ChatEntry | None:
        """The entry, or None."""
        ...

    async def update(self, entry: ChatEntry) -> None:
        """Store the entry's new feedback."""
        ...

    async def list_for(self, user_id: UUID, scope: Scope, *, limit: int, offset: int) -> ChatPage:
        """The user's entries in one scope (a group's history also holds its guests' entries), newest first."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupPage:
    """One page of groups, newest first, with the total count."""

    items: tuple[Group, ...]
    total: int


class GroupRepository(Protocol):
    """Groups with their ordered members and share link."""

    async def add(self, group: Group) -> None:
        """Store a new group."""
        ...

    async def get(self, group_id: UUID) -> Group | None:
        """The group with its videos in order, or None."""
        ...

    async def get_by_share_token(self, token: str) -> Group | None:
        """The group this share token opens (expiry is the caller's to check), or None."""
        ...

    async def list_for_owner(self, owner_id: UUID, *, limit: int, offset: int) -> GroupPage:
        """The owner's groups, newest first."""
        ...

    async def update(self, group: Group) -> None:
        """Store the group's fields and replace its members with `group.video_ids` in that order."""
        ...

    async def delete(self, group_id: UUID) -> None:
        """Remove the group (its videos stay)."""
        ...


class ApiKeyRepository(Protocol):
    """Stores API keys by the digest of their secret (the secret itself is never stored)."""

    async def add(self, key: ApiKey) -> None:
        """Store a new key."""
        ...

    async def get(self, key_id: UUID) -> ApiKey | None:
        """The key, or None."""
        ...

    async def get_by_digest(self, secret_digest: str) -> ApiKey | None:
        """The key whose secret has this digest (revoked or not), or None."""
        ...

    async def list_live(self, user_id: UUID) -> list[ApiKey]:
        """The user's keys that are not revoked, newest first."""
        ...

    async def update(self, key: ApiKey) -> None:
        """Store the key's new last-used or revoked time."""
        ...


class TagRepository(Protocol):
    """An owner's tags and which of their videos carry them."""

    async def add(self, tag: Tag) -> None:
        """Store a new tag; raise `domain.errors.Conflict` if the owner has a tag of that name (any case)."""
        ...

    async def get(self, tag_id: UUID) -> Tag | None:
        """The tag, or None."""
        ...

    async def list_for_owner(self, owner_id: UUID) -> list[Tag]:
        """The owner's tags by name (case-insensitive)."""
        ...

    async def update(self, tag: Tag) -> None:
        """Store a new name or colour; raise `domain.errors.Conflict` if the new name is taken (any case)."""
        ...

    async def delete(self, tag_id: UUID) -> None:
        """Remove the tag from every video and delete it."""
        ...

    async def attach(self, tag_id: UUID, video_id: UUID) -> None:
        """Put the tag on the video (already there: nothing changes)."""
        ...

    async def detach(self, tag_id: UUID, video_id: UUID) -> None:
        """Take the tag off the video (not there: nothing changes)."""
        ...

    async def for_videos(self, video_ids: Sequence[UUID]) -> dict[UUID, list[Tag]]:
        """Each video's tags by name; videos without tags are left out."""
        ...


class VideoTextIndex(Protocol):
    """Finds an owner's videos by the words of their title and description."""

    async def matching(self, owner_id: UUID, terms: Sequence[str], *, limit: int) -> list[Video]:
        """The owner's videos whose title or description contains any of `terms` (case-insensitive substrings),
        newest first, at most `limit`."""
        ...


class AccountDataEraser(Protocol):
    """Removes one kind of a user's data kept outside the account rows (files, vectors, …) when they leave."""

    async def erase_user_data(self, user_id: UUID) -> None:
        """Remove everything of this kind that belongs to the user; safe to run twice."""
        ...


class UnitOfWork(Protocol):
    """One transaction over all repositories: nothing is stored until `commit`; leaving without it rolls back."""

    pipeline_checks: PipelineCheckRepository
    users: UserRepository
    login_sessions: LoginSessionRepository
    one_time_tokens: OneTimeTokenRepository
    videos: VideoRepository
    transcripts: TranscriptRepository
    scenes: SceneRepository
    chats: ChatRepository
    groups: GroupRepository
    api_keys: ApiKeyRepository
    tags: TagRepository
    video_text: VideoTextIndex

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the transaction, rolling back whatever was not committed."""
        ...

    async def commit(self) -> None:
        """Make the changes durable."""
        ...
