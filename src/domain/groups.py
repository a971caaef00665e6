"""Groups: an owner's ordered collection of videos, optionally shared with guests through a revocable link."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from domain.errors import InvalidInput
from domain.text_fields import optional_text, required_line

NAME_MAX = 120
DESCRIPTION_MAX = 2000


def clean_name(name: str) -> str:
    """A group name is required, one line, at most 120 characters."""
    return required_line(
        name,
        most=NAME_MAX,
        missing="A group needs a name.",
        too_long=f"A group name can have at most {NAME_MAX} characters.",
    )


def clean_group_description(description: str | None) -> str:
    """Optional, at most 2000 characters."""
    return optional_text(
        description,
        most=DESCRIPTION_MAX,
        too_long=f"A group description can have at most {DESCRIPTION_MAX} characters.",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """A named, ordered list of the owner's videos; `share_token` set means guests with the link may watch and ask."""

    id: uuid.UUID
    owner_id: uuid.UUID
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    video_ids: tuple[uuid.UUID, ...] = ()
    share_token: str | None = None
    share_expires_at: datetime | None = None

    @classmethod
    def create(cls, *, owner_id: uuid.UUID, name: str, description: str | None, now: datetime) -> Group:
        """A new, empty, unshared group."""
        return cls(
            id=uuid.uuid4(),
            owner_id=owner_id,
            name=clean_name(name),
            description=clean_group_description(description),
            created_at=now,
            updated_at=now,
        )

    def edit(self, *, name: str | None, description: str | None, now: datetime) -> Group:
        """Rename and/or describe."""
        return replace(
            self,
            name=clean_name(name) if name is not None else self.name,
            description=clean_group_description(description) if description is not None else self.description,
            updated_at=now,
        )

    def add_videos(self, video_ids: list[uuid.UUID], *, now: datetime) -> Group:
        """Append videos not already in the group, in the given order; adding one twice is a no-op."""
        present = set(self.video_ids)
        added = [v for v in dict.fromkeys(video_ids) if v not in present]
        return replace(self, video_ids=(*self.video_ids, *added), updated_at=now) if added else self

    def remove_video(self, video_id: uuid.UUID, *, now: datetime) -> Group:
        """Take a video out (no error if it was not there)."""
        if video_id not in self.video_ids:
            return self
        return replace(self, video_ids=tuple(v for v in self.video_ids if v != video_id), updated_at=now)

    def reorder(self, video_ids: list[uuid.UUID], *, now: datetime) -> Group:
        """Set the whole order at once: exactly the same videos, each once."""
        if len(set(video_ids)) != len(video_ids):
            raise InvalidInput("The new order lists a video twice.")
        if set(video_ids) != set(self.video_ids):
            raise InvalidInput("The new order must list exactly the group's videos.")
        return replace(self, video_ids=tuple(video_ids), updated_at=now)

    def share(self, token: str, *, now: datetime, expires_at: datetime | None) -> Group:
        """Open (or replace) the share link: an earlier token stops working at once."""
        if expires_at is not None and expires_at <= now:
            raise InvalidInput("A share link must expire in the future.")
        return replace(self, share_token=token, share_expires_at=expires_at, updated_at=now)

    def revoke_share(self, *, now: datetime) -> Group:
        """Close the share link."""
        return replace(self, share_token=None, share_expires_at=None, updated_at=now)

    def shared_with(self, token: str, now: datetime) -> bool:
        """Whether `token` opens this group now."""
        if self.share_token is None or self.share_token != token:
            return False
        return self.share_expires_at is None or now < self.share_expires_at
