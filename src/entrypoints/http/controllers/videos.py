"""Videos over HTTP: streaming upload, listing, detail, edit, delete, retry, transcripts and Range media."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.openapi.spec import OpenAPIMediaType as OpenApiMediaType
from litestar.openapi.spec import Operation, RequestBody
from litestar.openapi.spec import Schema as OpenApiSchema
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream

from application.accounts.authenticate import Caller
from application.tags.tag_videos import TagsOfVideos
from application.videos.manage_videos import (
    DeleteVideo,
    EditVideo,
    GetVideo,
    ListVideos,
    RetryVideo,
    VideoQuery,
)
from application.videos.transcripts import GetTranscript, MediaFile, OpenMedia
from application.videos.upload_video import CheckUploadAllowed, UploadCommand, UploadVideo
from domain.subtitles import to_srt, to_webvtt
from domain.tags import Tag
from domain.transcript import Transcript
from domain.videos import Video, VideoStatus
from entrypoints.http.controllers.tags import TagBody
from entrypoints.http.ranges import Unsatisfiable, parse_range
from entrypoints.http.schemas import Schema
from entrypoints.http.uploads import receive_upload


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaDelivery:
    """How files reach the player: streamed by the API, or handed to nginx (`X-Accel-Redirect`) after the API has
    checked who may watch. The player always fetches from this origin: the pages' Content-Security-Policy allows
    media from 'self' only, so a redirect to a bucket's own address would not play."""

    accel_prefix: str | None = None
    """nginx's `internal` media location, e.g. `/_media/`: a stored key `k` is handed over as `/_media/k` (a local
    file under it), an object in S3 as `/_media/s3/<path>?<presigned query>` (nginx fetches it from the bucket);
    None: the API streams."""

    def accel_target(self, media: MediaFile) -> str | None:
        """Where nginx should fetch `media` from, or None when the API streams it."""
        if not self.accel_prefix:
            return None
        prefix = self.accel_prefix.rstrip("/")
        if media.direct_url:
            signed = urlsplit(media.direct_url)
            return f"{prefix}/s3{signed.path}?{signed.query}"
        return f"{prefix}/{media.storage_key}"


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadPolicy:
    """Where uploads are received and how large they may be."""

    folder: Path
    max_bytes: int


class VideoBody(Schema):
    """A video and its processing state (`stage` and `progress` 0–1 while processing)."""

    id: UUID
    title: str
    description: str
    status: VideoStatus
    stage: str
    progress: float
    error_message: str | None
    duration: float | None
    language: str | None
    size_bytes: int
    content_type: str
    uploaded_at: datetime
    tags: list[TagBody] = msgspec.field(default_factory=list)
    """The video's tags (filled in listings)."""

    @classmethod
    def of(cls, video: Video, tags: Sequence[Tag] = ()) -> VideoBody:
        """Build from the domain video."""
        return cls(
            id=video.id,
            title=video.title,
            description=video.description,
            status=video.status,
            stage=video.stage.value,
            progress=round(video.progress, 3),
            error_message=video.error_message,
            duration=video.duration,
            language=video.language,
            size_bytes=video.size_bytes,
            content_type=video.content_type,
            uploaded_at=video.uploaded_at,
            tags=[TagBody.of(tag) for tag in tags],
        )


class VideoList(Schema):
    """One page of videos, newest first."""

    items: list[VideoBody]
    total: int
    limit: int
    offset: int


class VideoEdit(Schema):
    """Fields to change; missing ones stay."""

    title: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=10000)] | None = None


class WordBody(Schema):
    """A word with its seconds."""

    text: str
    start: float
    end: float


class SegmentBody(Schema):
    """A timed stretch of speech."""

    start: float
    end: float
    text: str
    words: list[WordBody]


class TranscriptBody(Schema):
    """The whole transcript."""

    video_id: UUID
    language: str
    duration: float
    segments: list[SegmentBody]

    @classmethod
    def of(cls, video: Video, transcript: Transcript) -> TranscriptBody:
        """Build from the domain transcript."""
        return cls(
            video_id=video.id,
            language=transcript.language,
            duration=transcript.duration,
            segments=[
                SegmentBody(
                    start=s.start,
                    end=s.end,
                    text=s.text,
                    words=[WordBody(text=w.text, start=w.start, end=w.end) for w in s.words],
                )
                for s in transcript.segments
            ],
        )


@dataclass
class _UploadOperation(Operation):
    """Documents the multipart body that the handler streams itself (Litestar would otherwise buffer it)."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            content={
                "multipart/form-data": OpenApiMediaType(
                    schema=OpenApiSchema(
                        type="object",  # type: ignore[arg-type]
                        required=["title", "file"],
                        properties={
                            "title": OpenApiSchema(type="string", max_length=200),  # type: ignore[arg-type]
                            "description": OpenApiSchema(type="string", max_length=5000),  # type: ignore[arg-type]
                            "file": OpenApiSchema(type="string", format="binary"),  # type: ignore[arg-type]
                        },
                    )
                )
            },
        )


def _subtitles(text: str, video: Video, extension: str, media_type: str, disposition: str) -> Response[str]:
    """A subtitle file named after the video."""
    return Response(
        text,
        media_type=f"{media_type}; charset=utf-8",
        headers={"Content-Disposition": f'{disposition}; filename="{_download_name(video.title, extension)}"'},
    )


def _download_name(title: str, extension: str) -> str:
    """An ASCII file name: quotes, separators, control characters and non-Latin letters never reach the header."""
    safe = "".join(c if (c.isascii() and c.isalnum()) or c in " -_" else "_" for c in title).strip() or "transcript"
    return f"{safe[:80]}.{extension}"


class VideoController(Controller):
    """The caller's videos (login required; another user's video is always 404)."""

    path = "/api/videos"
    tags = ["videos"]  # noqa: RUF012 - Litestar reads a list

    @post(
        "/",
        operation_id="uploadVideo",
        status_code=201,
        summary="Upload a video",
        request_max_body_size=None,
        operation_class=_UploadOperation,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        check_upload_allowed: NamedDependency[CheckUploadAllowed],
        upload_video: NamedDependency[UploadVideo],
        upload_policy: NamedDependency[UploadPolicy],
    ) -> VideoBody:
        """Multipart `title`, optional `description`, `file`. Checked by content: 415 if it is not media with
        audio, 413 over the size limit, 403 over the video limit; nothing is stored then."""
        await check_upload_allowed(caller)
        async with receive_upload(request, upload_policy.folder, max_bytes=upload_policy.max_bytes) as received:
            video = await upload_video(
                caller,
                UploadCommand(
                    title=received.fields.get("title", ""),
                    description=received.fields.get("description"),
                    file=received.path,
                    size_bytes=received.size,
                ),
            )
        return VideoBody.of(video)

    @get("/", operation_id="listVideos", summary="My videos")
    async def list_videos(
        self,
        caller: NamedDependency[Caller],
        list_videos: NamedDependency[ListVideos],
        tags_of_videos: NamedDependency[TagsOfVideos],
        status: Annotated[VideoStatus | None, QueryParameter()] = None,
        search: Annotated[str | None, QueryParameter(max_length=200)] = None,
        tag: Annotated[list[UUID] | None, QueryParameter(description="A tag id; repeat to need several")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> VideoList:
        """Newest first; filter by status, search in titles, and `?tag=<id>` (repeated: videos with every tag;
        404 for a tag that is not yours). Each video comes with its tags."""
        query = VideoQuery(status=status, search=search, limit=limit, offset=offset, tag_ids=tuple(tag or ()))
        page = await list_videos(caller, query)
        tags = await tags_of_videos(caller, [v.id for v in page.items])
        return VideoList(
            items=[VideoBody.of(v, tags.get(v.id, ())) for v in page.items],
            total=page.total,
            limit=limit,
            offset=offset,
        )

    @get("/{video_id:uuid}", operation_id="getVideo", summary="A video")
    async def get_video(
        self, video_id: FromPath[UUID], caller: NamedDependency[Caller], get_video: NamedDependency[GetVideo]
    ) -> VideoBody:
        """Status, progress, error, duration, language."""
        return VideoBody.of(await get_video(caller, video_id))

    @patch("/{video_id:uuid}", operation_id="editVideo", summary="Edit a video")
    async def edit_video(
        self,
        video_id: FromPath[UUID],
        data: JSONBody[VideoEdit],
        caller: NamedDependency[Caller],
        edit_video: NamedDependency[EditVideo],
    ) -> VideoBody:
        """Change title and/or description."""
        return VideoBody.of(await edit_video(caller, video_id, title=data.title, description=data.description))

    @delete("/{video_id:uuid}", operation_id="deleteVideo", status_code=204, summary="Delete a video")
    async def delete_video(
        self, video_id: FromPath[UUID], caller: NamedDependency[Caller], delete_video: NamedDependency[DeleteVideo]
    ) -> None:
        """The video, its file, transcript and scenes."""
        await delete_video(caller, video_id)

    @post("/{video_id:uuid}/retry", operation_id="retryVideo", status_code=202, summary="Retry processing")
    async def retry_video(
        self, video_id: FromPath[UUID], caller: NamedDependency[Caller], retry_video: NamedDependency[RetryVideo]
    ) -> VideoBody:
        """Queue a failed video again (409 unless it failed)."""
        return VideoBody.of(await retry_video(caller, video_id))

    @get("/{video_id:uuid}/transcript", operation_id="getTranscript", summary="The transcript")
    async def transcript(
        self, video_id: FromPath[UUID], caller: NamedDependency[Caller], get_transcript: NamedDependency[GetTranscript]
    ) -> TranscriptBody:
        """Segments with word timings (409 while not transcribed yet)."""
        return TranscriptBody.of(*await get_transcript(caller, video_id))

    @get(
        "/{video_id:uuid}/transcript.srt",
        operation_id="downloadTranscriptSrt",
        summary="The transcript as SubRip",
        media_type="application/x-subrip",
    )
    async def transcript_srt(
        self, video_id: FromPath[UUID], caller: NamedDependency[Caller], get_transcript: NamedDependency[GetTranscript]
    ) -> Response[str]:
        """An .srt download."""
        video, transcript = await get_transcript(caller, video_id)
        return _subtitles(to_srt(transcript.segments), video, "srt", "application/x-subrip", "attachment")

    @get(
        "/{video_id:uuid}/transcript.vtt",
        operation_id="downloadTranscriptVtt",
        summary="The transcript as WebVTT",
        media_type="text/vtt",
    )
    async def transcript_vtt(
        self, video_id: FromPath[UUID], caller: NamedDependency[Caller], get_transcript: NamedDependency[GetTranscript]
    ) -> Response[str]:
        """A .vtt download (also usable as a <track> in the player)."""
        video, transcript = await get_transcript(caller, video_id)
        return _subtitles(to_webvtt(transcript.segments), video, "vtt", "text/vtt", "inline")

    @get(
        "/{video_id:uuid}/media",
        operation_id="streamVideo",
        summary="Watch the video (HTTP Range)",
        media_type="application/octet-stream",
    )
    async def media(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        caller: NamedDependency[Caller],
        open_media: NamedDependency[OpenMedia],
        media_delivery: NamedDependency[MediaDelivery],
    ) -> Response[Any]:
        """The file; `Range: bytes=a-b` → 206 with `Content-Range`, an unsatisfiable range → 416 (or
        `X-Accel-Redirect` behind nginx)."""
        media = await open_media(caller, video_id)
        return media_response(request, media, open_media.read, media_delivery)


def media_response(
    request: Request[Any, Any, Any],
    media: MediaFile,
    read: Callable[[MediaFile, int, int], AsyncIterator[bytes]],
    delivery: MediaDelivery,
) -> Response[Any]:
    """Deliver `media`: an `X-Accel-Redirect` for nginx (which then serves Range itself, from the folder or the
    bucket), or a stream honouring a single byte range (206) and refusing one outside the file (416)."""
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=0"}
    accel_target = delivery.accel_target(media)
    if accel_target:
        return Response(b"", media_type=media.content_type, headers={**headers, "X-Accel-Redirect": accel_target})
    try:
        wanted = parse_range(request.headers.get("range"), media.size)
    except Unsatisfiable:
        return Response(
            {"detail": "The requested range is outside the file.", "code": "range_not_satisfiable"},
            status_code=416,
            media_type=MediaType.JSON,
            headers={**headers, "Content-Range": f"bytes */{media.size}"},
        )
    if wanted is None:
        start, end, status = 0, max(media.size - 1, 0), 200
    else:
        start, end, status = wanted.start, wanted.end, 206
        headers["Content-Range"] = f"bytes {start}-{end}/{media.size}"
    headers["Content-Length"] = str(end - start + 1 if media.size else 0)
    body = read(media, start, end) if media.size else _empty()
    return Stream(body, status_code=status, media_type=media.content_type, headers=headers)


async def _empty() -> Any:
    if False:  # pragma: no cover - an async generator that yields nothing
        yield b""
