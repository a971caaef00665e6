"""The owner's groups: create, list, read, edit, delete; add, remove and reorder videos."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.errors import InvalidInput, NotFound
from domain.groups import Group

if TYPE_CHECKING:
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.persistence import GroupPage, UnitOfWork
    from application.ports.system import Clock
    from domain.videos import Video

NO_SUCH_GROUP = "There is no group with that id."
PAGE_MAX = 100
VIDEOS_PER_REQUEST = 200


async def owned_group(uow: UnitOfWork, caller: Caller, group_id: UUID) -> Group:
    """The caller's group, or NotFound — also for someone else's, so ids never leak."""
    group = await uow.groups.get(group_id)
    if group is None or group.owner_id != caller.user.id:
        raise NotFound(NO_SUCH_GROUP)
    return group


async def videos_of(uow: UnitOfWork, group: Group) -> list[Video]:
    """The group's videos in the group's order."""
    videos = [await uow.videos.get(video_id) for video_id in group.video_ids]
    return [v for v in videos if v is not None]


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupDetail:
    """A group with its videos in order."""

    group: Group
    videos: tuple[Video, ...]


class CreateGroup:
    """Start an empty group."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, *, name: str, description: str | None) -> Group:
        """The new group."""
        group = Group.create(owner_id=caller.user.id, name=name, description=description, now=self._clock.now())
        async with self._uow as uow:
            await uow.groups.add(group)
            await uow.commit()
        return group


class ListGroups:
    """The caller's groups, newest first."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, *, limit: int = 20, offset: int = 0) -> GroupPage:
        """One page."""
        if not 1 <= limit <= PAGE_MAX or offset < 0:
            raise InvalidInput(f"limit must be 1–{PAGE_MAX} and offset 0 or more.")
        async with self._uow as uow:
            return await uow.groups.list_for_owner(caller.user.id, limit=limit, offset=offset)


class GetGroup:
    """One group with its videos."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, group_id: UUID) -> GroupDetail:
        """The group and its videos in order."""
        async with self._uow as uow:
            group = await owned_group(uow, caller, group_id)
            return GroupDetail(group=group, videos=tuple(await videos_of(uow, group)))


class EditGroup:
    """Rename or describe a group."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, group_id: UUID, *, name: str | None, description: str | None) -> Group:
        """The edited group."""
        async with self._uow as uow:
            group = (await owned_group(uow, caller, group_id)).edit(
                name=name, description=description, now=self._clock.now()
            )
            await uow.groups.update(group)
            await uow.commit()
        return group


class DeleteGroup:
    """Delete a group; its videos stay."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, caller: Caller, group_id: UUID) -> None:
        """Gone, or NotFound."""
        async with self._uow as uow:
            group = await owned_group(uow, caller, group_id)
            await uow.groups.delete(group.id)
            await uow.commit()


class AddVideosToGroup:
    """Add one or many of the caller's own videos; all or none (one foreign id refuses the whole request)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, group_id: UUID, video_ids: list[UUID]) -> GroupDetail:
        """The group with its videos; adding a video twice changes nothing."""
        if not video_ids or len(video_ids) > VIDEOS_PER_REQUEST:
            raise InvalidInput(f"Add between 1 and {VIDEOS_PER_REQUEST} videos at a time.")
        async with self._uow as uow:
            group = await owned_group(uow, caller, group_id)
            for video_id in video_ids:
                video = await uow.videos.get(video_id)
                if video is None or video.owner_id != caller.user.id:
                    raise NotFound("There is no video with that id.")
            group = group.add_videos(video_ids, now=self._clock.now())
            await uow.groups.update(group)
            await uow.commit()
            return GroupDetail(group=group, videos=tuple(await videos_of(uow, group)))


class RemoveVideoFromGroup:
    """Take a video out of a group (the video itself stays)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, group_id: UUID, video_id: UUID) -> GroupDetail:
        """The group without it; NotFound when the video is not in the group."""
        async with self._uow as uow:
            group = await owned_group(uow, caller, group_id)
            if video_id not in group.video_ids:
                raise NotFound("That video is not in this group.")
            group = group.remove_video(video_id, now=self._clock.now())
            await uow.groups.update(group)
            await uow.commit()
            return GroupDetail(group=group, videos=tuple(await videos_of(uow, group)))


class ReorderGroup:
    """Persist a full new order in one request."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, group_id: UUID, video_ids: list[UUID]) -> GroupDetail:
        """The reordered group; the list must hold exactly the group's videos, each once."""
        async with self._uow as uow:
            group = (await owned_group(uow, caller, group_id)).reorder(video_ids, now=self._clock.now())
            await uow.groups.update(group)
            await uow.commit()
            return GroupDetail(group=group, videos=tuple(await videos_of(uow, group)))
