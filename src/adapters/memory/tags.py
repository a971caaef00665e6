"""In-memory tags and the title/description index, with the database's uniqueness and cascade rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import Conflict

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from domain.tags import Tag
    from domain.videos import Video

DUPLICATE_TAG = "You already have a tag with that name."


class InMemoryTagRepository:
    """Tags in a dict; `video_tags` maps each video to the ids of its tags."""

    def __init__(self, rows: dict[UUID, Tag], video_tags: dict[UUID, set[UUID]]) -> None:
        self._rows, self._video_tags = rows, video_tags

    def _taken(self, tag: Tag) -> bool:
        return any(
            t.owner_id == tag.owner_id and t.name.lower() == tag.name.lower() and t.id != tag.id
            for t in self._rows.values()
        )

    async def add(self, tag: Tag) -> None:
        """Store, or Conflict on a taken name."""
        if self._taken(tag):
            raise Conflict(DUPLICATE_TAG)
        self._rows[tag.id] = tag

    async def get(self, tag_id: UUID) -> Tag | None:
        """The tag or None."""
        return self._rows.get(tag_id)

    async def list_for_owner(self, owner_id: UUID) -> list[Tag]:
        """By name, ignoring case."""
        return sorted((t for t in self._rows.values() if t.owner_id == owner_id), key=lambda t: (t.name.lower(), t.id))

    async def update(self, tag: Tag) -> None:
        """Replace, or Conflict on a taken name."""
        if self._taken(tag):
            raise Conflict(DUPLICATE_TAG)
        if tag.id in self._rows:
            self._rows[tag.id] = tag

    async def delete(self, tag_id: UUID) -> None:
        """Remove the tag and take it off every video."""
        self._rows.pop(tag_id, None)
        for tags in self._video_tags.values():
            tags.discard(tag_id)

    async def attach(self, tag_id: UUID, video_id: UUID) -> None:
        """Link (idempotent)."""
        self._video_tags.setdefault(video_id, set()).add(tag_id)

    async def detach(self, tag_id: UUID, video_id: UUID) -> None:
        """Unlink (idempotent)."""
        self._video_tags.get(video_id, set()).discard(tag_id)

    async def for_videos(self, video_ids: Sequence[UUID]) -> dict[UUID, list[Tag]]:
        """Each video's tags by name; videos without tags left out."""
        found = {}
        for video_id in video_ids:
            tags = [self._rows[t] for t in self._video_tags.get(video_id, set()) if t in self._rows]
            if tags:
                found[video_id] = sorted(tags, key=lambda t: (t.name.lower(), t.id))
        return found


class InMemoryVideoTextIndex:
    """Substring matches over the stored videos' titles and descriptions."""

    def __init__(self, videos: dict[UUID, Video]) -> None:
        self._videos = videos

    async def matching(self, owner_id: UUID, terms: Sequence[str], *, limit: int) -> list[Video]:
        """Newest first, at most `limit`."""
        needles = [term.lower() for term in terms if term.strip()]
        if not needles:
            return []
        found = [
            v
            for v in self._videos.values()
            if v.owner_id == owner_id and any(n in v.title.lower() or n in v.description.lower() for n in needles)
        ]
        found.sort(key=lambda v: (v.uploaded_at, v.id), reverse=True)
        return found[:limit]
