"""Ports for media handling: probing uploads, extracting audio, transcribing, embedding text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from domain.media import MediaInfo
    from domain.transcript import Transcript


class MediaProbe(Protocol):
    """Tells what a file really is, by its content."""

    def probe(self, path: Path) -> MediaInfo:
        """Return the file's facts; raise `domain.errors.InvalidMedia` (with a readable reason) if it is not media."""
        ...


class AudioExtractor(Protocol):
    """Turns a media file into speech-ready audio."""

    def extract(self, source: Path, target: Path) -> Path:
        """Write the first audio stream of `source` as 16 kHz mono 16-bit WAV to `target` and return `target`."""
        ...


class Transcriber(Protocol):
    """Speech to timed text."""

    name: str

    def transcribe(
        self,
        audio: Path,
        *,
        language: str | None = None,
        on_progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        """Transcribe a 16 kHz mono WAV file; `on_progress` receives the fraction done (0.0–1.0)."""
        ...


class Embedder(Protocol):
    """Text to unit-length vectors for similarity search."""

    name: str
    dimension: int

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed stored passages (transcript scenes), L2-normalised."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Embed a question, L2-normalised."""
        ...


class TranscriberChooser(Protocol):
    """Picks the transcriber for a job: the owner's own OpenAI key when set, else the server's choice."""

    def for_owner(self, openai_api_key: str | None) -> Transcriber:
        """The transcriber to use for a video whose owner has this (decrypted) key, or none."""
        ...
