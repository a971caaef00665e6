"""Reindex: rebuild scenes and embeddings from stored transcripts, e.g. after changing the embedder."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from application.videos.process_video import index_transcript

if TYPE_CHECKING:
    from collections.abc import Callable

    from application.ports.media import Embedder
    from application.ports.persistence import UnitOfWork
    from application.videos.process_video import ProcessingRules


class ReindexVideos:
    """Rebuild every completed video's scenes and embeddings from its stored transcript (after an embedder change)."""

    def __init__(self, uow: UnitOfWork, embedder: Embedder, rules: ProcessingRules) -> None:
        self._uow, self._embedder, self._rules = uow, embedder, rules

    async def __call__(self, on_video: Callable[[int, int], None] | None = None) -> int:
        """Reindex all; `on_video(done, total)` reports progress. Returns how many videos were reindexed."""
        async with self._uow as uow:
            ids = await uow.videos.completed_ids()
        done = 0
        for position, video_id in enumerate(ids, start=1):
            async with self._uow as uow:
                video = await uow.videos.get(video_id)
                transcript = await uow.transcripts.get(video_id)
            if video is not None and transcript is not None:
                scenes = await asyncio.to_thread(index_transcript, transcript, self._embedder, self._rules.scenes)
                async with self._uow as uow:
                    await uow.scenes.replace_for_video(video_id, video.owner_id, scenes, embedder=self._embedder.name)
                    await uow.commit()
                done += 1
            if on_video:
                on_video(position, len(ids))
        return done
