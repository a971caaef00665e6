"""Transcript exports: SubRip (SRT) and WebVTT."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from domain.transcript import Segment


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _cues(segments: Iterable[Segment]) -> list[tuple[float, float, str]]:
    """Non-empty cues, each ending no earlier than it starts; newlines inside a cue's text are kept as spaces."""
    cues = []
    for segment in segments:
        text = " ".join(segment.text.split())
        if text:
            cues.append((segment.start, max(segment.end, segment.start), text))
    return cues


def to_srt(segments: Iterable[Segment]) -> str:
    """SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line between cues."""
    blocks = [
        f"{number}\n{_timestamp(start, ',')} --> {_timestamp(end, ',')}\n{text}\n"
        for number, (start, end, text) in enumerate(_cues(segments), start=1)
    ]
    return "\n".join(blocks)


def to_webvtt(segments: Iterable[Segment]) -> str:
    """WebVTT: the `WEBVTT` header, then cues with `HH:MM:SS.mmm` times; `-->` in text is defused."""
    blocks = [
        f"{_timestamp(start, '.')} --> {_timestamp(end, '.')}\n{text.replace('-->', '->')}\n"
        for start, end, text in _cues(segments)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)
