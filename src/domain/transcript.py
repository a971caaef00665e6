"""A video's transcript: timed segments of speech, with word timings when the transcriber gives them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Word:
    """One spoken word with its start and end second."""

    text: str
    start: float
    end: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A stretch of speech as the transcriber cut it, with its seconds and (optionally) its words."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Transcript:
    """Everything said in a video, in order, with the detected language and the audio's duration."""

    language: str
    duration: float
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The whole transcript as one string."""
        return " ".join(segment.text.strip() for segment in self.segments if segment.text.strip())
