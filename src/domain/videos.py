"""Videos: an uploaded file's life from pending to completed (or error), with its processing progress."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from domain.errors import Conflict, LimitReached
from domain.text_fields import optional_text, required_line

TITLE_MAX = 200
DESCRIPTION_MAX = 5000


class VideoStatus(enum.StrEnum):
    """Where a video stands in processing."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    ERROR = "error"


class Stage(enum.StrEnum):
    """The step a processing job is in (shown with a percentage while it runs)."""

    QUEUED = "queued"
    EXTRACTING_AUDIO = "extracting_audio"
    TRANSCRIBING = "transcribing"
    INDEXING = "indexing"
    DONE = "done"


def clean_title(title: str) -> str:
    """A title is required, one line, at most 200 characters."""
    return required_line(
        title,
        most=TITLE_MAX,
        missing="A video needs a title.",
        too_long=f"A title can have at most {TITLE_MAX} characters.",
    )


def clean_description(description: str | None) -> str:
    """A description is optional, at most 5000 characters."""
    return optional_text(
        description, most=DESCRIPTION_MAX, too_long=f"A description can have at most {DESCRIPTION_MAX} characters."
    )


def check_quota(*, owned: int, limit: int) -> None:
    """Refuse a new video when the owner already keeps `limit` of them."""
    if owned >= limit:
        raise LimitReached(
            f"You have reached your limit of {limit} videos. Delete one, or ask an administrator for more."
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Video:
    """An uploaded video and what processing has made of it."""

    id: uuid.UUID
    owner_id: uuid.UUID
    storage_key: str
    title: str
    description: str
    uploaded_at: datetime
    size_bytes: int
    content_type: str = "application/octet-stream"
    status: VideoStatus = VideoStatus.PENDING
    stage: Stage = Stage.QUEUED
    progress: float = 0.0
    error_message: str | None = None
    duration: float | None = None
    language: str | None = None
    heartbeat_at: datetime | None = None
    """When the processing job last said it is alive (a stale heartbeat means its worker died)."""

    @classmethod
    def upload(
        cls,
        *,
        owner_id: uuid.UUID,
        title: str,
        description: str | None,
        size_bytes: int,
        duration: float,
        now: datetime,
        content_type: str = "application/octet-stream",
    ) -> Video:
        """A new pending video; its storage key is generated, never taken from the file's name."""
        video_id = uuid.uuid4()
        return cls(
            id=video_id,
            owner_id=owner_id,
            storage_key=f"videos/{owner_id}/{video_id}",
            title=clean_title(title),
            description=clean_description(description),
            uploaded_at=now,
            size_bytes=size_bytes,
            content_type=content_type,
            duration=duration,
        )

    def start_processing(self, *, now: datetime) -> Video:
        """A worker took the job (again, after a crash: a processing video may be restarted)."""
        if self.status is VideoStatus.COMPLETED:
            raise Conflict("This video is already processed.")
        return replace(
            self,
            status=VideoStatus.PROCESSING,
            stage=Stage.EXTRACTING_AUDIO,
            progress=0.0,
            error_message=None,
            heartbeat_at=now,
        )

    def report(self, stage: Stage, progress: float, *, now: datetime) -> Video:
        """Where processing is, as a stage and a fraction (0–1) of that stage; also a heartbeat."""
        return replace(self, stage=stage, progress=min(max(progress, 0.0), 1.0), heartbeat_at=now)

    def complete(self, *, language: str, duration: float) -> Video:
        """Transcribed and indexed."""
        return replace(
            self, status=VideoStatus.COMPLETED, stage=Stage.DONE, progress=1.0, language=language, duration=duration
        )

    def fail(self, message: str) -> Video:
        """Processing failed for a reason a person can act on."""
        return replace(self, status=VideoStatus.ERROR, error_message=message)

    def retry(self) -> Video:
        """Queue a failed video again."""
        if self.status is not VideoStatus.ERROR:
            raise Conflict("Only a video whose processing failed can be retried.")
        return replace(self, status=VideoStatus.PENDING, stage=Stage.QUEUED, progress=0.0, error_message=None)

    def edit(self, *, title: str | None = None, description: str | None = None) -> Video:
        """Change the title and/or description."""
        return replace(
            self,
            title=clean_title(title) if title is not None else self.title,
            description=clean_description(description) if description is not None else self.description,
        )
