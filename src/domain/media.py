"""What probing an uploaded file tells about it."""

from __future__ import annotations

from dataclasses import dataclass

# FFmpeg names containers by family ("mov,mp4,m4a,3gp,3g2,mj2"); browsers want a media type.
_MEDIA_TYPES = (
    ("mp4", "video/mp4"),
    ("mov", "video/mp4"),
    ("webm", "video/webm"),
    ("matroska", "video/x-matroska"),
    ("ogg", "video/ogg"),
    ("avi", "video/x-msvideo"),
    ("mpegts", "video/mp2t"),
    ("wav", "audio/wav"),
    ("mp3", "audio/mpeg"),
    ("flac", "audio/flac"),
)


def media_type_for(container: str, *, has_video: bool = True) -> str:
    """The media type to serve a file of this FFmpeg container as."""
    names = container.lower().split(",")
    for key, media_type in _MEDIA_TYPES:
        if key in names:
            return media_type if has_video or not media_type.startswith("video/") else "audio/" + media_type[6:]
    return "application/octet-stream"


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaInfo:
    """The facts about a media file that decide whether it can be ingested."""

    container: str
    duration: float
    has_audio: bool
    has_video: bool
