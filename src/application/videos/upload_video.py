"""Upload a video: checked by its content and the owner's quota, stored, then queued for processing."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.commands import ProcessVideo
from domain.errors import InvalidMedia, NotFound, TooLarge, Unavailable
from domain.media import media_type_for
from domain.videos import Video, check_quota

if TYPE_CHECKING:
    from pathlib import Path

    from application.accounts.authenticate import Caller
    from application.ports.media import MediaProbe
    from application.ports.persistence import UnitOfWork
    from application.ports.storage import BlobStorage
    from application.ports.system import Clock, JobQueue


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadCommand:
    """An uploaded file, already received into a local temporary file."""

    title: str
    description: str | None
    file: Path
    size_bytes: int


MIN_DURATION_SECONDS = 0.5


def check_duration(seconds: float, limit: float | None) -> None:
    """Refuse a recording too short to hold a word, or longer than a worker should spend on (a tiny file may declare
    hours of audio: only the content's real duration counts, and it is bounded)."""
    if seconds < MIN_DURATION_SECONDS:
        raise InvalidMedia(
            f"The recording lasts {seconds:.2f} s, under {MIN_DURATION_SECONDS} s: there is nothing to transcribe."
        )
    if limit is not None and seconds > limit:
        raise TooLarge(
            f"The recording lasts {seconds / 3600:.1f} hours; recordings of up to {limit / 3600:g} hours are accepted."
        )


class CheckUploadAllowed:
    """Answer early, before receiving a large body, whether the caller may upload another video."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller) -> None:
        """Raise LimitReached when the quota is used up."""
        async with self._uow as uow:
            user = await uow.users.get(caller.user.id)
            if user is None:
                raise NotFound("Your account no longer exists.")
            check_quota(owned=await uow.videos.count_for_owner(user.id), limit=user.video_limit)


class UploadVideo:
    """Store a new video and queue it; on any failure nothing is left behind (no row, no file)."""

    def __init__(
        self,
        uow: UnitOfWork,
        probe: MediaProbe,
        storage: BlobStorage,
        queue: JobQueue,
        clock: Clock,
        *,
        max_duration_seconds: float | None = None,
    ) -> None:
        self._uow, self._probe, self._storage, self._queue, self._clock = uow, probe, storage, queue, clock
        self._max_duration = max_duration_seconds

    async def __call__(self, caller: Caller, command: UploadCommand) -> Video:
        """The pending video; InvalidInput, InvalidMedia, LimitReached with a reason; Unavailable: storage is down."""
        if command.size_bytes == 0:
            raise InvalidMedia("The file is empty.")
        info = await asyncio.to_thread(self._probe.probe, command.file)
        check_duration(info.duration, self._max_duration)
        video = Video.upload(
            owner_id=caller.user.id,
            title=command.title,
            description=command.description,
            size_bytes=command.size_bytes,
            duration=info.duration,
            now=self._clock.now(),
            content_type=media_type_for(info.container, has_video=info.has_video),
        )
        async with self._uow as uow:
            user = await uow.users.get(caller.user.id)
            if user is None:
                raise NotFound("Your account no longer exists.")
            check_quota(owned=await uow.videos.count_for_owner(user.id), limit=user.video_limit)
            await self._storage.put_file(video.storage_key, command.file, content_type=video.content_type)
            try:
                await uow.videos.add(video)
                await uow.commit()
            except BaseException:
                # The row did not make it: the file must not stay behind as an orphan.
                await self._storage.delete(video.storage_key)
                raise
        # Queued after the commit, so the worker finds the row. If the queue is down the video stays pending
        # and the sweeper queues it later: the upload itself is safe.
        with contextlib.suppress(Unavailable):
            await self._queue.enqueue(ProcessVideo(video_id=video.id))
        return video
