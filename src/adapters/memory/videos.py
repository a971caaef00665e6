"""In-memory videos, transcripts and scenes, with the same claim and cascade rules as the database."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from application.ports.persistence import VideoPage
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime, timedelta
    from uuid import UUID

    from application.ports.persistence import EmbeddedScene
    from domain.groups import Group
    from domain.scenes import Scene
    from domain.transcript import Transcript
    from domain.videos import Video


class InMemoryVideoRepository:
    """Videos in a dict; deleting one drops its transcript, scenes and group memberships, like the database."""

    def __init__(
        self,
        rows: dict[UUID, Video],
        transcripts: dict[UUID, Transcript],
        scenes: dict[UUID, tuple[UUID, str, list[EmbeddedScene]]],
        groups: dict[UUID, Group],
        video_tags: dict[UUID, set[UUID]] | None = None,
    ) -> None:
        self._rows, self._transcripts, self._scenes, self._groups = rows, transcripts, scenes, groups
        self._video_tags = {} if video_tags is None else video_tags

    async def add(self, video: Video) -> None:
        """Store a new video."""
        self._rows[video.id] = video

    async def get(self, video_id: UUID) -> Video | None:
        """The video or None."""
        return self._rows.get(video_id)

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
        """Newest first, filtered like the SQL version (case-insensitive title search, every tag on the video)."""
        needle = (search or "").strip().lower()
        wanted = set(tag_ids)
        mine = [
            v
            for v in self._rows.values()
            if v.owner_id == owner_id
            and (status is None or v.status is status)
            and needle in v.title.lower()
            and wanted <= self._video_tags.get(v.id, set())
        ]
        mine.sort(key=lambda v: (v.uploaded_at, v.id), reverse=True)
        return VideoPage(items=tuple(mine[offset : offset + limit]), total=len(mine))

    async def count_for_owner(self, owner_id: UUID) -> int:
        """The owner's video count."""
        return sum(1 for v in self._rows.values() if v.owner_id == owner_id)

    async def update(self, video: Video) -> None:
        """Replace the stored video (if it still exists: a job must not resurrect a deleted video)."""
        if video.id in self._rows:
            self._rows[video.id] = video

    async def delete(self, video_id: UUID) -> None:
        """Remove the video, its transcript and scenes, and take it out of every group (`updated_at` untouched)."""
        for rows in (self._rows, self._transcripts, self._scenes, self._video_tags):
            rows.pop(video_id, None)
        for group_id, group in list(self._groups.items()):
            if video_id in group.video_ids:
                self._groups[group_id] = replace(group, video_ids=tuple(v for v in group.video_ids if v != video_id))

    async def claim(self, video_id: UUID, *, now: datetime, lease: timedelta) -> Video | None:
        """Take the video for processing when it is free (pending, or processing with a stale heartbeat)."""
        video = self._rows.get(video_id)
        if video is None or not _claimable(video, now, lease):
            return None
        claimed = video.start_processing(now=now)
        self._rows[video_id] = claimed
        return claimed

    async def completed_ids(self) -> list[UUID]:
        """Every completed video, oldest first."""
        done = [v for v in self._rows.values() if v.status is VideoStatus.COMPLETED]
        return [v.id for v in sorted(done, key=lambda v: (v.uploaded_at, v.id))]

    async def stalled(self, *, now: datetime, lease: timedelta, limit: int) -> list[UUID]:
        """Videos whose job was lost."""
        return [v.id for v in self._rows.values() if _stalled(v, now, lease)][:limit]


def _claimable(video: Video, now: datetime, lease: timedelta) -> bool:
    if video.status is VideoStatus.PENDING:
        return True
    return video.status is VideoStatus.PROCESSING and (video.heartbeat_at is None or video.heartbeat_at < now - lease)


def _stalled(video: Video, now: datetime, lease: timedelta) -> bool:
    if video.status is VideoStatus.PENDING:
        return video.uploaded_at < now - lease
    return _claimable(video, now, lease) and video.status is VideoStatus.PROCESSING


class InMemoryTranscriptRepository:
    """Transcripts in a dict."""

    def __init__(self, rows: dict[UUID, Transcript]) -> None:
        self._rows = rows

    async def save(self, video_id: UUID, transcript: Transcript) -> None:
        """Store or replace."""
        self._rows[video_id] = transcript

    async def get(self, video_id: UUID) -> Transcript | None:
        """The transcript or None."""
        return self._rows.get(video_id)


class InMemorySceneRepository:
    """Scenes per video in a dict: (owner, embedder, scenes)."""

    def __init__(self, rows: dict[UUID, tuple[UUID, str, list[EmbeddedScene]]]) -> None:
        self._rows = rows

    async def replace_for_video(
        self, video_id: UUID, owner_id: UUID, scenes: Sequence[EmbeddedScene], *, embedder: str
    ) -> None:
        """Replace the video's scenes."""
        self._rows[video_id] = (owner_id, embedder, [replace(s) for s in scenes])

    async def unindexed_videos(self, *, limit: int) -> list[UUID]:
        """Videos with a scene lacking sentence vectors (the SQL twin finds scenes from before migration 0006)."""
        return [
            video_id
            for video_id, (_, _, scenes) in self._rows.items()
            if any(len(s.sentence_vectors) != len(s.scene.sentences) for s in scenes)
        ][:limit]

    async def for_video(self, video_id: UUID) -> list[Scene]:
        """The video's scenes in order."""
        _, _, scenes = self._rows.get(video_id, (None, "", []))
        return sorted((s.scene for s in scenes), key=lambda scene: scene.index)
