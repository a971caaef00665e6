"""Reindex: rebuild scenes and embeddings from stored transcripts — one video after its title changed, or all of
them after the embedder or the index format changed (`askvideo reindex`)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from application.videos.process_video import index_transcript
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from application.ports.media import Embedder
    from application.ports.persistence import UnitOfWork
    from application.videos.process_video import ProcessingRules


class ReindexVideo:
    """Rebuild one completed video's scenes and sentence embeddings from its transcript and current title."""

    def __init__(self, uow: UnitOfWork, embedder: Embedder, rules: ProcessingRules) -> None:
        self._uow, self._embedder, self._rules = uow, embedder, rules

    async def __call__(self, video_id: UUID) -> bool:
        """Whether the video was reindexed (False when it is gone or not completed)."""
        async with self._uow as uow:
            video = await uow.videos.get(video_id)
            transcript = await uow.transcripts.get(video_id)
        if video is None or transcript is None or video.status is not VideoStatus.COMPLETED:
            return False
        scenes = await asyncio.to_thread(index_transcript, transcript, video.title, self._embedder, self._rules.scenes)
        async with self._uow as uow:
            current = await uow.videos.get(video_id)
            if current is None:
                return False  # deleted meanwhile
            await uow.scenes.replace_for_video(video_id, video.owner_id, scenes, embedder=self._embedder.name)
            await uow.commit()
        return True


class ReindexVideos:
    """Rebuild every completed video's index (after an embedder or index-format change)."""

    def __init__(self, uow: UnitOfWork, reindex_video: ReindexVideo) -> None:
        self._uow, self._reindex_video = uow, reindex_video

    async def __call__(self, on_video: Callable[[int, int], None] | None = None) -> int:
        """Reindex all; `on_video(done, total)` reports progress. Returns how many videos were reindexed."""
        async with self._uow as uow:
            ids = await uow.videos.completed_ids()
        done = 0
        for position, video_id in enumerate(ids, start=1):
            done += await self._reindex_video(video_id)
            if on_video:
                on_video(position, len(ids))
        return done
