"""Tags: an owner's coloured labels for their videos."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from domain.errors import InvalidInput
from domain.text_fields import required_line

NAME_MAX = 40
TAGS_PER_OWNER_MAX = 200
DEFAULT_COLOR = "#64748b"
_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def clean_tag_name(name: str) -> str:
    """A tag name is required, one line, at most 40 characters."""
    return required_line(
        name,
        most=NAME_MAX,
        missing="A tag needs a name.",
        too_long=f"A tag name can have at most {NAME_MAX} characters.",
    )


def clean_color(color: str | None) -> str:
    """A hex colour `#rgb` or `#rrggbb`, stored as lower-case `#rrggbb`; none given: a neutral grey."""
    if color is None:
        return DEFAULT_COLOR
    color = color.strip()
    if not _HEX_COLOR.fullmatch(color):
        raise InvalidInput(f"{color!r} is not a colour: use a hex colour like #3b82f6 or #38f.")
    digits = color[1:].lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """A named colour an owner puts on videos; names are unique per owner, ignoring case."""

    id: uuid.UUID
    owner_id: uuid.UUID
    name: str
    color: str
    created_at: datetime

    @classmethod
    def create(cls, *, owner_id: uuid.UUID, name: str, color: str | None, now: datetime) -> Tag:
        """A new tag."""
        return cls(
            id=uuid.uuid4(), owner_id=owner_id, name=clean_tag_name(name), color=clean_color(color), created_at=now
        )

    def edit(self, *, name: str | None, color: str | None) -> Tag:
        """Rename and/or recolour; what is not given stays."""
        return replace(
            self,
            name=self.name if name is None else clean_tag_name(name),
            color=self.color if color is None else clean_color(color),
        )
