"""The owner's videos: list, read, edit, delete, retry; and the sweeper that re-queues lost jobs."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.commands import DeleteStoredFile, ProcessVideo, ReindexVideo
from domain.errors import InvalidInput, NotFound, Unavailable
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from datetime import timedelta
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork, VideoPage
    from application.ports.storage import BlobStorage
    from application.ports.system import Clock, JobQueue
    from domain.videos import Video

log = logging.getLogger(__name__)
NO_SUCH_VIDEO = "There is no video with that id."
PAGE_MAX = 100


async def owned_video(uow: UnitOfWork, caller: Caller, video_id: UUID) -> Video:
    """The caller's video, or NotFound — also for someone else's video, so ids never leak."""
    video = await uow.videos.get(video_id)
    if video is None or video.owner_id != caller.user.id:
        raise NotFound(NO_SUCH_VIDEO)
    return video


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoQuery:
    """Which page of the caller's videos."""

    status: VideoStatus | None = None
    search: str | None = None
    limit: int = 20
    offset: int = 0
    tag_ids: tuple[UUID, ...] = ()
    """Only videos carrying every one of these tags (the caller's own)."""


class ListVideos:
    """The caller's videos, newest first."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, query: VideoQuery) -> VideoPage:
        """One page; limit 1–100, offset ≥ 0."""
        if not 1 <= query.limit <= PAGE_MAX or query.offset < 0:
            raise InvalidInput(f"limit must be 1–{PAGE_MAX} and offset 0 or more.")
        async with self._uow as uow:
            for tag_id in query.tag_ids:
                tag = await uow.tags.get(tag_id)
                if tag is None or tag.owner_id != caller.user.id:
                    raise NotFound("There is no tag with that id.")
            return await uow.videos.list_for_owner(
                caller.user.id,
                status=query.status,
                search=query.search,
                limit=query.limit,
                offset=query.offset,
                tag_ids=query.tag_ids,
            )


class GetVideo:
    """One of the caller's videos."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, video_id: UUID) -> Video:
        """The video or NotFound."""
        async with self._uow as uow:
            return await owned_video(uow, caller, video_id)


class EditVideo:
    """Change a video's title and/or description. A new title is re-embedded with every sentence (it is part of
    what is searched), in the background."""

    def __init__(self, uow: UnitOfWork, queue: JobQueue) -> None:
        self._uow, self._queue = uow, queue

    async def __call__(self, caller: Caller, video_id: UUID, *, title: str | None, description: str | None) -> Video:
        """The edited video."""
        async with self._uow as uow:
            before = await owned_video(uow, caller, video_id)
            video = before.edit(title=title, description=description)
            await uow.videos.update(video)
            await uow.commit()
        if video.title != before.title and video.status is VideoStatus.COMPLETED:
            try:
                await self._queue.enqueue(ReindexVideo(video_id=video.id))
            except Unavailable:
                # The edit stands; search keeps the old title until the next `askvideo reindex`.
                log.warning("reindex after a title change could not be queued", extra={"video_id": str(video.id)})
        return video


class DeleteVideo:
    """Delete a video: the row (with transcript and scenes) first, then its file; a failed file delete is retried."""

    def __init__(self, uow: UnitOfWork, storage: BlobStorage, queue: JobQueue) -> None:
        self._uow, self._storage, self._queue = uow, storage, queue

    async def __call__(self, caller: Caller, video_id: UUID) -> None:
        """Gone, or NotFound."""
        async with self._uow as uow:
            video = await owned_video(uow, caller, video_id)
            await uow.videos.delete(video.id)
            await uow.commit()
        await remove_file(self._storage, self._queue, video.storage_key)


async def remove_file(storage: BlobStorage, queue: JobQueue, key: str) -> None:
    """Delete a file whose row is gone; if storage is down, queue the deletion so it is retried."""
    try:
        await storage.delete(key)
    except Unavailable:
        log.warning("file delete failed, queued for retry", extra={"storage_key": key})
        with contextlib.suppress(Unavailable):
            await queue.enqueue(DeleteStoredFile(storage_key=key))


class DeleteStoredFileJob:
    """Worker side of a queued file deletion (raises Unavailable so the queue retries with backoff)."""

    def __init__(self, storage: BlobStorage) -> None:
        self._storage = storage

    async def __call__(self, storage_key: str) -> None:
        """Delete the file."""
        await self._storage.delete(storage_key)


class RetryVideo:
    """Queue a failed video again."""

    def __init__(self, uow: UnitOfWork, queue: JobQueue) -> None:
        self._uow, self._queue = uow, queue

    async def __call__(self, caller: Caller, video_id: UUID) -> Video:
        """The pending video (Conflict unless it had failed)."""
        async with self._uow as uow:
            video = (await owned_video(uow, caller, video_id)).retry()
            await uow.videos.update(video)
            await uow.commit()
        with contextlib.suppress(Unavailable):  # the sweeper queues it if the queue is down now
            await self._queue.enqueue(ProcessVideo(video_id=video.id))
        return video


class RequeueStalledVideos:
    """The sweeper: PostgreSQL is the source of truth, so jobs lost with the queue (or a dead worker) come back."""

    def __init__(self, uow: UnitOfWork, queue: JobQueue, clock: Clock, lease: timedelta) -> None:
        self._uow, self._queue, self._clock, self._lease = uow, queue, clock, lease

    async def __call__(self, *, limit: int = 100) -> list[UUID]:
        """Queue every stalled video once more, and a reindex of every video indexed in an older format; return
        their ids."""
        async with self._uow as uow:
            stalled = await uow.videos.stalled(now=self._clock.now(), lease=self._lease, limit=limit)
            unindexed = await uow.scenes.unindexed_videos(limit=limit)
        for video_id in stalled:
            await self._queue.enqueue(ProcessVideo(video_id=video_id))
        for video_id in unindexed:
            await self._queue.enqueue(ReindexVideo(video_id=video_id))
        return stalled + unindexed


class EraseUserVideos:
    """When an account is deleted: its videos' rows and files go (the account eraser for videos)."""

    def __init__(self, uow: UnitOfWork, storage: BlobStorage, queue: JobQueue) -> None:
        self._uow, self._storage, self._queue = uow, storage, queue

    async def erase_user_data(self, user_id: UUID) -> None:
        """Delete every video of the user, then their files."""
        keys: list[str] = []
        async with self._uow as uow:
            while True:
                page = await uow.videos.list_for_owner(user_id, status=None, search=None, limit=PAGE_MAX, offset=0)
                if not page.items:
                    break
                for video in page.items:
                    keys.append(video.storage_key)
                    await uow.videos.delete(video.id)
            await uow.commit()
        for key in keys:
            await remove_file(self._storage, self._queue, key)
