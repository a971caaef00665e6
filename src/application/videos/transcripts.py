"""A video's transcript as JSON, SRT or WebVTT, and what to stream for its media."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.groups.sharing import require_member, shared_group
from application.videos.manage_videos import owned_video
from domain.errors import Conflict, NotFound
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from application.ports.storage import BlobStorage
    from application.ports.system import Clock
    from domain.transcript import Transcript
    from domain.videos import Video


class GetTranscript:
    """The transcript of one of the caller's completed videos."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, video_id: UUID) -> tuple[Video, Transcript]:
        """The video and its transcript; Conflict while it is not transcribed yet."""
        async with self._uow as uow:
            video = await owned_video(uow, caller, video_id)
            transcript = await uow.transcripts.get(video.id)
        if transcript is None:
            raise Conflict(f"This video has no transcript yet (it is {video.status.value}).")
        return video, transcript


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaFile:
    """What the HTTP layer needs to stream a video."""

    storage_key: str
    size: int
    title: str
    content_type: str
    direct_url: str | None = None
    """A short-lived URL the file can be fetched from without credentials (S3 presigned), when storage offers one:
    nginx fetches it from the bucket after the API has checked the caller (`X-Accel-Redirect`)."""


DIRECT_URL_SECONDS = 300


async def _media_file(storage: BlobStorage, video: Video) -> MediaFile:
    size = await storage.size(video.storage_key)
    if size is None:
        raise NotFound("The video's file is missing from storage.")
    return MediaFile(
        storage_key=video.storage_key,
        size=size,
        title=video.title,
        content_type=video.content_type,
        direct_url=await storage.presigned_url(video.storage_key, expires_in=DIRECT_URL_SECONDS),
    )


class OpenMedia:
    """Locate the caller's video file for streaming."""

    def __init__(self, uow: UnitOfWork, storage: BlobStorage) -> None:
        self._uow, self._storage = uow, storage

    async def __call__(self, caller: Caller, video_id: UUID) -> MediaFile:
        """The file's key and size; NotFound if the video or its file is gone."""
        async with self._uow as uow:
            video = await owned_video(uow, caller, video_id)
        return await _media_file(self._storage, video)

    def read(self, media: MediaFile, start: int, end: int) -> AsyncIterator[bytes]:
        """The bytes `start`..`end` (inclusive) of an opened media file, in chunks."""
        return self._storage.read_range(media.storage_key, start, end)


class OpenSharedMedia:
    """Locate a video file for a guest: only videos of the group the link opens, only once processed."""

    def __init__(self, uow: UnitOfWork, storage: BlobStorage, clock: Clock) -> None:
        self._uow, self._storage, self._clock = uow, storage, clock

    async def __call__(self, token: str, video_id: UUID) -> MediaFile:
        """The file's key and size; NotFound for a bad link or a video outside the group."""
        async with self._uow as uow:
            group = await shared_group(uow, token, self._clock)
            require_member(group, video_id)
            video = await uow.videos.get(video_id)
        if video is None or video.status is not VideoStatus.COMPLETED:
            raise NotFound("There is no video with that id.")
        return await _media_file(self._storage, video)

    def read(self, media: MediaFile, start: int, end: int) -> AsyncIterator[bytes]:
        """The bytes `start`..`end` (inclusive) of an opened media file, in chunks."""
        return self._storage.read_range(media.storage_key, start, end)
