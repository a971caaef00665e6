"""Groups over HTTP: the owner's collections, their order, and their share links."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from application.accounts.authenticate import Caller
from application.groups.manage_groups import (
    AddVideosToGroup,
    CreateGroup,
    DeleteGroup,
    EditGroup,
    GetGroup,
    GroupDetail,
    ListGroups,
    RemoveVideoFromGroup,
    ReorderGroup,
)
from application.groups.sharing import RevokeShare, ShareGroup
from domain.groups import Group
from entrypoints.http.controllers.videos import VideoBody
from entrypoints.http.schemas import Schema


class GroupSummary(Schema):
    """A group in a listing."""

    id: UUID
    name: str
    description: str
    video_count: int
    shared: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, group: Group) -> GroupSummary:
        """Build from the domain group."""
        return cls(
            id=group.id,
            name=group.name,
            description=group.description,
            video_count=len(group.video_ids),
            shared=group.share_token is not None,
            created_at=group.created_at,
            updated_at=group.updated_at,
        )


class GroupBody(Schema):
    """A group with its videos in order and its share link (owner only)."""

    id: UUID
    name: str
    description: str
    videos: list[VideoBody]
    share_token: str | None
    share_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, detail: GroupDetail) -> GroupBody:
        """Build from the group and its videos."""
        group = detail.group
        return cls(
            id=group.id,
            name=group.name,
            description=group.description,
            videos=[VideoBody.of(v) for v in detail.videos],
            share_token=group.share_token,
            share_expires_at=group.share_expires_at,
            created_at=group.created_at,
            updated_at=group.updated_at,
        )


class GroupList(Schema):
    """One page of groups, newest first."""

    items: list[GroupSummary]
    total: int
    limit: int
    offset: int


class GroupCreate(Schema):
    """A new group."""

    name: Annotated[str, msgspec.Meta(max_length=500)]
    description: Annotated[str, msgspec.Meta(max_length=5000)] | None = None


class GroupEdit(Schema):
    """Fields to change; missing ones stay."""

    name: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=5000)] | None = None


class VideoIds(Schema):
    """Video ids (to add, or the full new order)."""

    video_ids: Annotated[list[UUID], msgspec.Meta(max_length=1000)]


class ShareBody(Schema):
    """How long the link works: 1–365 days, or null for no expiry."""

    expires_in_days: int | None = None


class ShareLink(Schema):
    """The guest link: `/shared/{token}` in the web UI, `/api/shared/{token}` for the API."""

    token: str
    path: str
    expires_at: datetime | None


def _share_link(group: Group) -> ShareLink:
    assert group.share_token is not None
    return ShareLink(token=group.share_token, path=f"/shared/{group.share_token}", expires_at=group.share_expires_at)


class GroupController(Controller):
    """The caller's groups (login required; another user's group is always 404)."""

    path = "/api/groups"
    tags = ["groups"]  # noqa: RUF012 - Litestar reads a list

    @post("/", operation_id="createGroup", status_code=201, summary="Create a group")
    async def create(
        self, data: JSONBody[GroupCreate], caller: NamedDependency[Caller], create_group: NamedDependency[CreateGroup]
    ) -> GroupBody:
        """An empty group."""
        group = await create_group(caller, name=data.name, description=data.description)
        return GroupBody.of(GroupDetail(group=group, videos=()))

    @get("/", operation_id="listGroups", summary="My groups")
    async def list_groups(
        self,
        caller: NamedDependency[Caller],
        list_groups: NamedDependency[ListGroups],
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> GroupList:
        """Newest first, with video counts."""
        page = await list_groups(caller, limit=limit, offset=offset)
        return GroupList(items=[GroupSummary.of(g) for g in page.items], total=page.total, limit=limit, offset=offset)

    @get("/{group_id:uuid}", operation_id="getGroup", summary="A group")
    async def get_group(
        self, group_id: FromPath[UUID], caller: NamedDependency[Caller], get_group: NamedDependency[GetGroup]
    ) -> GroupBody:
        """Its videos in order, with status and duration."""
        return GroupBody.of(await get_group(caller, group_id))

    @patch("/{group_id:uuid}", operation_id="editGroup", summary="Rename or describe a group")
    async def edit_group(
        self,
        group_id: FromPath[UUID],
        data: JSONBody[GroupEdit],
        caller: NamedDependency[Caller],
        edit_group: NamedDependency[EditGroup],
        get_group: NamedDependency[GetGroup],
    ) -> GroupBody:
        """The edited group."""
        await edit_group(caller, group_id, name=data.name, description=data.description)
        return GroupBody.of(await get_group(caller, group_id))

    @delete("/{group_id:uuid}", operation_id="deleteGroup", status_code=204, summary="Delete a group")
    async def delete_group(
        self, group_id: FromPath[UUID], caller: NamedDependency[Caller], delete_group: NamedDependency[DeleteGroup]
    ) -> None:
        """The videos stay."""
        await delete_group(caller, group_id)

    @post("/{group_id:uuid}/videos", operation_id="addGroupVideos", status_code=200, summary="Add videos")
    async def add_videos(
        self,
        group_id: FromPath[UUID],
        data: JSONBody[VideoIds],
        caller: NamedDependency[Caller],
        add_videos_to_group: NamedDependency[AddVideosToGroup],
    ) -> GroupBody:
        """Only your own videos; one unknown id refuses the whole request; adding one twice is a no-op."""
        return GroupBody.of(await add_videos_to_group(caller, group_id, data.video_ids))

    @delete(
        "/{group_id:uuid}/videos/{video_id:uuid}",
        operation_id="removeGroupVideo",
        status_code=200,
        summary="Remove a video from a group",
    )
    async def remove_video(
        self,
        group_id: FromPath[UUID],
        video_id: FromPath[UUID],
        caller: NamedDependency[Caller],
        remove_video_from_group: NamedDependency[RemoveVideoFromGroup],
    ) -> GroupBody:
        """The video itself stays."""
        return GroupBody.of(await remove_video_from_group(caller, group_id, video_id))

    @put("/{group_id:uuid}/order", operation_id="reorderGroup", summary="Set the order of the videos")
    async def reorder(
        self,
        group_id: FromPath[UUID],
        data: JSONBody[VideoIds],
        caller: NamedDependency[Caller],
        reorder_group: NamedDependency[ReorderGroup],
    ) -> GroupBody:
        """The full new order: exactly the group's videos, each once."""
        return GroupBody.of(await reorder_group(caller, group_id, data.video_ids))

    @post("/{group_id:uuid}/share", operation_id="shareGroup", status_code=200, summary="Create or renew the link")
    async def share(
        self,
        group_id: FromPath[UUID],
        caller: NamedDependency[Caller],
        share_group: NamedDependency[ShareGroup],
        data: JSONBody[ShareBody | None] = None,
    ) -> ShareLink:
        """A new unguessable link; an earlier one stops working at once."""
        group = await share_group(caller, group_id, expires_in_days=data.expires_in_days if data else None)
        return _share_link(group)

    @delete("/{group_id:uuid}/share", operation_id="revokeShare", status_code=204, summary="Revoke the link")
    async def revoke(
        self, group_id: FromPath[UUID], caller: NamedDependency[Caller], revoke_share: NamedDependency[RevokeShare]
    ) -> None:
        """Guests lose access at once."""
        await revoke_share(caller, group_id)
