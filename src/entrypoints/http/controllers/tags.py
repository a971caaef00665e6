"""Tags over HTTP: the caller's coloured labels, and putting them on and off videos."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.accounts.authenticate import Caller
from application.tags.create_tag import CreateTag
from application.tags.delete_tag import DeleteTag
from application.tags.edit_tag import EditTag
from application.tags.list_tags import ListTags
from application.tags.tag_videos import AttachTag, DetachTag
from domain.tags import Tag
from entrypoints.http.schemas import Schema


class TagBody(Schema):
    """A tag: its name and a `#rrggbb` colour."""

    id: UUID
    name: str
    color: str
    created_at: datetime

    @classmethod
    def of(cls, tag: Tag) -> TagBody:
        """Build from the domain tag."""
        return cls(id=tag.id, name=tag.name, color=tag.color, created_at=tag.created_at)


class TagCreate(Schema):
    """A name (unique among your tags, ignoring case) and an optional hex colour (`#rgb` or `#rrggbb`)."""

    name: Annotated[str, msgspec.Meta(max_length=1000)]
    color: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class TagEdit(Schema):
    """A new name and/or colour; what is missing stays."""

    name: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    color: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class TagController(Controller):
    """The caller's tags (login required; another user's tag is always 404)."""

    path = "/api/tags"
    tags = ["tags"]  # noqa: RUF012 - Litestar reads a list

    @get("/", operation_id="listTags", summary="My tags")
    async def list_tags(self, caller: NamedDependency[Caller], list_tags: NamedDependency[ListTags]) -> list[TagBody]:
        """By name."""
        return [TagBody.of(tag) for tag in await list_tags(caller)]

    @post("/", operation_id="createTag", status_code=201, summary="Create a tag")
    async def create_tag(
        self, data: JSONBody[TagCreate], caller: NamedDependency[Caller], create_tag: NamedDependency[CreateTag]
    ) -> TagBody:
        """422 for a bad name or colour, 409 for a name you already use."""
        return TagBody.of(await create_tag(caller, name=data.name, color=data.color))

    @patch("/{tag_id:uuid}", operation_id="editTag", summary="Rename or recolour a tag")
    async def edit_tag(
        self,
        tag_id: FromPath[UUID],
        data: JSONBody[TagEdit],
        caller: NamedDependency[Caller],
        edit_tag: NamedDependency[EditTag],
    ) -> TagBody:
        """The videos carrying the tag keep it."""
        return TagBody.of(await edit_tag(caller, tag_id, name=data.name, color=data.color))

    @delete("/{tag_id:uuid}", operation_id="deleteTag", status_code=204, summary="Delete a tag")
    async def delete_tag(
        self, tag_id: FromPath[UUID], caller: NamedDependency[Caller], delete_tag: NamedDependency[DeleteTag]
    ) -> None:
        """The tag comes off every video; the videos stay."""
        await delete_tag(caller, tag_id)


class VideoTagController(Controller):
    """Tags on one of the caller's videos."""

    path = "/api/videos/{video_id:uuid}/tags"
    tags = ["tags"]  # noqa: RUF012 - Litestar reads a list

    @put("/{tag_id:uuid}", operation_id="attachTag", summary="Put a tag on a video")
    async def attach(
        self,
        video_id: FromPath[UUID],
        tag_id: FromPath[UUID],
        caller: NamedDependency[Caller],
        attach_tag: NamedDependency[AttachTag],
    ) -> list[TagBody]:
        """The video's tags afterwards (putting it on twice changes nothing)."""
        return [TagBody.of(tag) for tag in await attach_tag(caller, video_id, tag_id)]

    @delete("/{tag_id:uuid}", operation_id="detachTag", status_code=200, summary="Take a tag off a video")
    async def detach(
        self,
        video_id: FromPath[UUID],
        tag_id: FromPath[UUID],
        caller: NamedDependency[Caller],
        detach_tag: NamedDependency[DetachTag],
    ) -> list[TagBody]:
        """The video's tags afterwards."""
        return [TagBody.of(tag) for tag in await detach_tag(caller, video_id, tag_id)]
