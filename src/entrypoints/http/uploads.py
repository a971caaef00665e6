"""Receive a multipart upload straight to a temporary file, in constant memory, enforcing the size limit."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import multipart

from domain.errors import InvalidInput, TooLarge

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar import Request

FIELD_MAX = 10_000
"""Bytes allowed for each plain form field (title, description)."""
PARTS_MAX = 8


@dataclass(slots=True, kw_only=True)
class ReceivedUpload:
    """The form fields and the file, written to `path`."""

    path: Path
    size: int = 0
    filename: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _human(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def _new_temporary_file(folder: Path) -> IO[bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=folder, prefix="upload-", suffix=".part", delete=False)


@contextlib.asynccontextmanager
async def receive_upload(request: Request, folder: Path, *, max_bytes: int) -> AsyncIterator[ReceivedUpload]:
    """Stream the request's `file` part to a temporary file in `folder`; the file is removed when the block ends."""
    content_type, options = multipart.parse_options_header(request.headers.get("content-type", ""))
    if content_type != "multipart/form-data" or not options.get("boundary"):
        raise InvalidInput("Send the video as multipart/form-data with a `file` field.")
    declared = int(request.headers.get("content-length") or -1)
    if declared > max_bytes + 64 * 1024:
        raise TooLarge(f"The file is larger than the {_human(max_bytes)} limit.")
    handle = await asyncio.to_thread(_new_temporary_file, folder)
    upload = ReceivedUpload(path=Path(handle.name))
    try:
        await _stream_parts(request, options["boundary"], handle, upload, max_bytes)
        handle.close()
        if upload.filename is None:
            raise InvalidInput("The form has no `file` field with the video.")
        yield upload
    finally:
        handle.close()
        upload.path.unlink(missing_ok=True)


async def _stream_parts(
    request: Request, boundary: str, handle: object, upload: ReceivedUpload, max_bytes: int
) -> None:
    parser = multipart.PushMultipartParser(boundary, max_segment_count=PARTS_MAX)
    part: multipart.MultipartSegment | None = None
    text = bytearray()
    try:
        async for chunk in request.stream():
            for event in parser.parse(chunk):
                part, text = await _on_event(event, part, text, handle, upload, max_bytes)
        for event in parser.parse(b""):
            part, text = await _on_event(event, part, text, handle, upload, max_bytes)
    except multipart.MultipartError as error:
        raise InvalidInput(f"The upload is not a valid multipart form ({error}).") from None
    if not parser.closed:
        raise InvalidInput("The upload ended before it was complete. Try again.")


async def _on_event(
    event: multipart.MultipartSegment | bytes | None,
    part: multipart.MultipartSegment | None,
    text: bytearray,
    handle: object,
    upload: ReceivedUpload,
    max_bytes: int,
) -> tuple[multipart.MultipartSegment | None, bytearray]:
    if isinstance(event, multipart.MultipartSegment):
        return event, bytearray()
    assert part is not None
    is_file = part.name == "file" and part.filename is not None
    if event is None:  # end of this part
        if is_file:
            upload.filename = part.filename
        elif part.name:
            upload.fields[part.name] = text.decode("utf-8", errors="replace")
        return None, bytearray()
    if is_file:
        upload.size += len(event)
        if upload.size > max_bytes:
            raise TooLarge(f"The file is larger than the {_human(max_bytes)} limit.")
        await asyncio.to_thread(handle.write, event)  # type: ignore[attr-defined]
    else:
        text.extend(event)
        if len(text) > FIELD_MAX:
            raise InvalidInput(f"The form field {part.name!r} is too long.")
    return part, text
