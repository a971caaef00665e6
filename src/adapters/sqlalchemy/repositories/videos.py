"""Videos, transcripts and scenes in PostgreSQL (scenes carry a pgvector embedding and a full-text vector)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import delete, exists, func, insert, or_, select, update

from adapters.sqlalchemy.models import SceneRow, SceneSentenceRow, TranscriptRow, VideoRow, VideoTagRow
from application.ports.persistence import VideoPage
from domain.retrieval import terms
from domain.scenes import Scene, Sentence
from domain.transcript import Segment, Transcript, Word
from domain.videos import Stage, Video, VideoStatus

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime, timedelta
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession

    from application.ports.persistence import EmbeddedScene


def _video(row: VideoRow) -> Video:
    return Video(
        id=row.id,
        owner_id=row.owner_id,
        storage_key=row.storage_key,
        title=row.title,
        description=row.description,
        uploaded_at=row.uploaded_at,
        size_bytes=row.size_bytes,
        content_type=row.content_type,
        status=VideoStatus(row.status),
        stage=Stage(row.stage),
        progress=row.progress,
        error_message=row.error_message,
        duration=row.duration,
        language=row.language,
        heartbeat_at=row.heartbeat_at,
    )


def _video_fields(video: Video) -> dict[str, object]:
    return {
        "owner_id": video.owner_id,
        "storage_key": video.storage_key,
        "title": video.title,
        "description": video.description,
        "uploaded_at": video.uploaded_at,
        "size_bytes": video.size_bytes,
        "content_type": video.content_type,
        "status": video.status.value,
        "stage": video.stage.value,
        "progress": video.progress,
        "error_message": video.error_message,
        "duration": video.duration,
        "language": video.language,
        "heartbeat_at": video.heartbeat_at,
    }


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlAlchemyVideoRepository:
    """The `video` table; claiming a job is one conditional UPDATE, so two workers never both win."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, video: Video) -> None:
        """Insert the video."""
        await self._session.execute(insert(VideoRow).values(id=video.id, **_video_fields(video)))

    async def get(self, video_id: UUID) -> Video | None:
        """The video or None."""
        row = await self._session.get(VideoRow, video_id, populate_existing=True)
        return _video(row) if row else None

    async def list_for_owner(
        self,
        owner_id: UUID,
        *,
        status: VideoStatus | None,
        search: str | None,
        limit: int,
        offset: int,
        tag_ids: Sequence[UUID] = (),
    ) -> VideoPage:
        """Newest first; the title search is a case-insensitive substring match; every tag must be on the video."""
        conditions = [VideoRow.owner_id == owner_id]
        for tag_id in dict.fromkeys(tag_ids):
            conditions.append(exists().where(VideoTagRow.video_id == VideoRow.id, VideoTagRow.tag_id == tag_id))
        if status is not None:
            conditions.append(VideoRow.status == status.value)
        if search and search.strip():
            conditions.append(VideoRow.title.ilike(f"%{_escape_like(search.strip())}%", escape="\\"))
        total = await self._session.scalar(select(func.count()).select_from(VideoRow).where(*conditions))
        rows = await self._session.scalars(
            select(VideoRow)
            .where(*conditions)
            .order_by(VideoRow.uploaded_at.desc(), VideoRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return VideoPage(items=tuple(_video(row) for row in rows), total=total or 0)

    async def count_for_owner(self, owner_id: UUID) -> int:
        """The owner's video count."""
        return await self._session.scalar(select(func.count()).where(VideoRow.owner_id == owner_id)) or 0

    async def update(self, video: Video) -> None:
        """Write the video's fields (a deleted video stays deleted: the UPDATE matches nothing)."""
        await self._session.execute(update(VideoRow).where(VideoRow.id == video.id).values(**_video_fields(video)))

    async def delete(self, video_id: UUID) -> None:
        """Delete the video; transcript and scenes go with it (ON DELETE CASCADE)."""
        await self._session.execute(delete(VideoRow).where(VideoRow.id == video_id))

    async def claim(self, video_id: UUID, *, now: datetime, lease: timedelta) -> Video | None:
        """Take the job if it is free, in one statement."""
        claimable = or_(
            VideoRow.status == VideoStatus.PENDING.value,
            (VideoRow.status == VideoStatus.PROCESSING.value)
            & (or_(VideoRow.heartbeat_at.is_(None), VideoRow.heartbeat_at < now - lease)),
        )
        row = await self._session.scalar(
            update(VideoRow)
            .where(VideoRow.id == video_id, claimable)
            .values(
                status=VideoStatus.PROCESSING.value,
                stage=Stage.EXTRACTING_AUDIO.value,
                progress=0.0,
                error_message=None,
                heartbeat_at=now,
            )
            .returning(VideoRow)
            .execution_options(synchronize_session=False)
        )
        return _video(row) if row else None

    async def completed_ids(self) -> list[UUID]:
        """Every completed video, oldest first."""
        rows = await self._session.scalars(
            select(VideoRow.id)
            .where(VideoRow.status == VideoStatus.COMPLETED.value)
            .order_by(VideoRow.uploaded_at, VideoRow.id)
        )
        return list(rows)

    async def stalled(self, *, now: datetime, lease: timedelta, limit: int) -> list[UUID]:
        """Pending too long, or processing with a stale heartbeat."""
        stale = now - lease
        rows = await self._session.scalars(
            select(VideoRow.id)
            .where(
                or_(
                    (VideoRow.status == VideoStatus.PENDING.value) & (VideoRow.uploaded_at < stale),
                    (VideoRow.status == VideoStatus.PROCESSING.value)
                    & or_(VideoRow.heartbeat_at.is_(None), VideoRow.heartbeat_at < stale),
                )
            )
            .limit(limit)
        )
        return list(rows)


def _segments_json(transcript: Transcript) -> list[dict[str, object]]:
    return [
        {
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "words": [[w.text, w.start, w.end] for w in s.words],
        }
        for s in transcript.segments
    ]


def _segments(data: list[dict]) -> tuple[Segment, ...]:
    return tuple(
        Segment(
            start=item["start"],
            end=item["end"],
            text=item["text"],
            words=tuple(Word(text=t, start=a, end=b) for t, a, b in item.get("words", [])),
        )
        for item in data
    )


class SqlAlchemyTranscriptRepository:
    """The `video_transcript` table (segments and words as JSONB)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, video_id: UUID, transcript: Transcript) -> None:
        """Insert or replace."""
        await self._session.execute(delete(TranscriptRow).where(TranscriptRow.video_id == video_id))
        await self._session.execute(
            insert(TranscriptRow).values(
                video_id=video_id,
                language=transcript.language,
                duration=transcript.duration,
                segments=_segments_json(transcript),
            )
        )

    async def get(self, video_id: UUID) -> Transcript | None:
        """The transcript or None."""
        row = await self._session.get(TranscriptRow, video_id, populate_existing=True)
        if row is None:
            return None
        return Transcript(language=row.language, duration=row.duration, segments=_segments(row.segments))


class SqlAlchemySceneRepository:
    """The `scene` table: delete-then-insert inside the caller's transaction, so a retried job never duplicates."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def replace_for_video(
        self, video_id: UUID, owner_id: UUID, scenes: Sequence[EmbeddedScene], *, embedder: str
    ) -> None:
        """Replace all of the video's scenes."""
        await self._session.execute(delete(SceneRow).where(SceneRow.video_id == video_id))  # sentences cascade
        if not scenes:
            return
        ids = [uuid.uuid4() for _ in scenes]
        await self._session.execute(
            insert(SceneRow),
            [
                {
                    "id": scene_id,
                    "video_id": video_id,
                    "owner_id": owner_id,
                    "index": item.scene.index,
                    "start_sec": item.scene.start,
                    "end_sec": item.scene.end,
                    "text": item.scene.text,
                    "sentences": [[s.start, s.end, s.text] for s in item.scene.sentences],
                    "embedder": embedder,
                }
                for scene_id, item in zip(ids, scenes, strict=True)
            ],
        )
        await self._session.execute(
            insert(SceneSentenceRow),
            [
                {
                    "scene_id": scene_id,
                    "video_id": video_id,
                    "owner_id": owner_id,
                    "position": position,
                    "terms": " ".join(terms(sentence.text)),
                    "embedding": list(vector),
                }
                for scene_id, item in zip(ids, scenes, strict=True)
                for position, (sentence, vector) in enumerate(
                    zip(item.scene.sentences, item.sentence_vectors, strict=True)
                )
            ],
        )

    async def unindexed_videos(self, *, limit: int) -> list[UUID]:
        """Videos having a scene without sentence rows."""
        unindexed = ~exists().where(SceneSentenceRow.scene_id == SceneRow.id)
        rows = await self._session.scalars(select(SceneRow.video_id).where(unindexed).distinct().limit(limit))
        return list(rows)

    async def for_video(self, video_id: UUID) -> list[Scene]:
        """The video's scenes in order."""
        rows = await self._session.scalars(
            select(SceneRow).where(SceneRow.video_id == video_id).order_by(SceneRow.index)
        )
        return [
            Scene(
                index=row.index,
                start=row.start_sec,
                end=row.end_sec,
                text=row.text,
                sentences=tuple(Sentence(start=a, end=b, text=t) for a, b, t in row.sentences),
            )
            for row in rows
        ]
