"""What probing an uploaded file tells about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaInfo:
    """The facts about a media file that decide whether it can be ingested."""

    container: str
    duration: float
    has_audio: bool
    has_video: bool
