"""Fake media and model adapters: deterministic, instant stand-ins for PyAV, Whisper and the embedders.

A fake media file is text: a first line `FAKEMEDIA <duration>` then one `start|end|text` line per segment.
"""

from __future__ import annotations

import hashlib
import math
import re
import shutil
from typing import TYPE_CHECKING

from domain.errors import InvalidMedia
from domain.media import MediaInfo
from domain.transcript import Segment, Transcript, Word

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

MAGIC = "FAKEMEDIA"
DIMENSION = 384


def fake_media(duration: float, *segments: tuple[float, float, str]) -> bytes:
    """The bytes of a fake media file with these segments."""
    lines = [f"{MAGIC} {duration}", *(f"{start}|{end}|{text}" for start, end, text in segments)]
    return "\n".join(lines).encode()


def _read(path: Path) -> tuple[float, list[tuple[float, float, str]]]:
    data = path.read_bytes()
    if not data:
        raise InvalidMedia("The file is empty.")
    lines = data.decode("utf-8", errors="replace").splitlines()
    if not lines[0].startswith(MAGIC):
        raise InvalidMedia("The file is not a video or audio file.")
    duration = float(lines[0].split()[1]) if len(lines[0].split()) > 1 else 0.0
    segments = []
    for line in lines[1:]:
        start, end, text = line.split("|", 2)
        segments.append((float(start), float(end), text))
    return duration, segments


class FakeMediaProbe:
    """Accepts fake media files only."""

    def probe(self, path: Path) -> MediaInfo:
        """Their duration, or InvalidMedia."""
        duration, _ = _read(path)
        return MediaInfo(container="fake", duration=duration, has_audio=True, has_video=True)


class FakeAudioExtractor:
    """Copies the fake file: its "audio" is the same text."""

    def extract(self, source: Path, target: Path) -> Path:
        """Copy source to target."""
        _read(source)
        shutil.copyfile(source, target)
        return target


class FakeTranscriber:
    """Reads the segments written in the fake file, with evenly spread word timings."""

    name = "fake-transcriber"

    def transcribe(
        self, audio: Path, *, language: str | None = None, on_progress: Callable[[float], None] | None = None
    ) -> Transcript:
        """The written segments."""
        duration, lines = _read(audio)
        segments = []
        for start, end, text in lines:
            tokens = text.split()
            step = (end - start) / max(len(tokens), 1)
            words = tuple(
                Word(text=token, start=start + i * step, end=start + (i + 1) * step) for i, token in enumerate(tokens)
            )
            segments.append(Segment(start=start, end=end, text=text, words=words))
        if on_progress:
            on_progress(1.0)
        return Transcript(language=language or "en", duration=duration, segments=tuple(segments))


class FakeTranscriberChooser:
    """Always the fake transcriber; remembers which key it was offered."""

    def __init__(self) -> None:
        self.transcriber = FakeTranscriber()
        self.keys_seen: list[str | None] = []

    def for_owner(self, openai_api_key: str | None) -> FakeTranscriber:
        """The fake transcriber."""
        self.keys_seen.append(openai_api_key)
        return self.transcriber


class FakeEmbedder:
    """Hashed bag of words: texts sharing words are similar; unit length; 384 dimensions like the real ones."""

    name = "fake-embedder"
    dimension = DIMENSION

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text."""
        return [self._embed(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        """The question's vector."""
        return self._embed(text)

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * DIMENSION
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.sha256(word.encode()).digest()
            vector[int.from_bytes(digest[:4], "big") % DIMENSION] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector] if any(vector) else [1.0 / math.sqrt(DIMENSION)] * DIMENSION
