"""Put a tag on a video, take it off, and read the tags of videos."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.tags import owned_tag
from application.videos.manage_videos import owned_video

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import UnitOfWork
    from domain.tags import Tag


async def _change_tags(
    uow: UnitOfWork, caller: Caller, video_id: UUID, tag_id: UUID, change: Callable[[UnitOfWork], Awaitable[None]]
) -> list[Tag]:
    """Check that the caller owns both, apply `change`, and return the video's tags afterwards."""
    async with uow:
        await owned_video(uow, caller, video_id)
        await owned_tag(uow, caller, tag_id)
        await change(uow)
        await uow.commit()
        return (await uow.tags.for_videos([video_id])).get(video_id, [])


class AttachTag:
    """The owner of both the tag and the video puts the tag on the video (twice is the same as once)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, video_id: UUID, tag_id: UUID) -> list[Tag]:
        """The video's tags afterwards."""
        return await _change_tags(self._uow, caller, video_id, tag_id, lambda uow: uow.tags.attach(tag_id, video_id))


class DetachTag:
    """The owner takes a tag off a video (a tag that is not on it: nothing changes)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, video_id: UUID, tag_id: UUID) -> list[Tag]:
        """The video's tags afterwards."""
        return await _change_tags(self._uow, caller, video_id, tag_id, lambda uow: uow.tags.detach(tag_id, video_id))


class TagsOfVideos:
    """The tags on some of the caller's videos (for listings)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, video_ids: Sequence[UUID]) -> dict[UUID, list[Tag]]:
        """Each video's tags; tags of other owners never show (a video only carries its owner's tags)."""
        if not video_ids:
            return {}
        async with self._uow as uow:
            found = await uow.tags.for_videos(video_ids)
        return {video_id: [t for t in tags if t.owner_id == caller.user.id] for video_id, tags in found.items()}
