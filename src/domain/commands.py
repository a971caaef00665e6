"""Commands for background work: small immutable records a worker turns into a use-case call."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """Base of every background command; fields must be plain values (str, int, float, UUID)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RunPipelineCheck(Command):
    """Prove the API → queue → worker → database pipe by completing one stored check."""

    check_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessVideo(Command):
    """Transcribe, cut into scenes and index one uploaded video."""

    video_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteStoredFile(Command):
    """Remove a file whose video is gone (retried until storage answers)."""

    storage_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReindexVideo(Command):
    """Rebuild one video's index from its stored transcript (its title, embedded with every sentence, changed)."""

    video_id: UUID
