"""Receive a multipart upload straight to a temporary file, in constant memory, enforcing the size limit."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import multipart
import psutil

from domain.errors import InvalidInput, TooLarge

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar import Request

FIELD_MAX = 10_000
"""Bytes allowed for each plain form field (title, description)."""
PARTS_MAX = 8
FILE_NAME_MAX = 255
"""Bytes (UTF-8) allowed in the uploaded file's name, as on common file systems."""


@dataclass(slots=True, kw_only=True)
class ReceivedUpload:
    """The form fields and the file, written to `path`."""

    path: Path
    size: int = 0
    filename: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def check_file_name(name: str) -> None:
    """Refuse a file name a browser would never send: the name is only ever shown, never used as a path (storage
    keys are generated), but one carrying control characters, folders or hundreds of bytes is hostile or broken."""
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidInput("The file name contains control characters (line breaks, NUL…). Rename the file and retry.")
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise InvalidInput("The file name must be a plain name, without folders (`/`, `\\`) or `..`.")
    if len(name.encode()) > FILE_NAME_MAX:
        raise InvalidInput(f"The file name is longer than {FILE_NAME_MAX} bytes. Rename the file and retry.")


def _human(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def _owner_prefix() -> str:
    """`upload-<host>-<pid>-`: which process receives a temporary file, so a later start can tell it was abandoned."""
    host = "".join(c if c.isalnum() else "_" for c in socket.gethostname())[:40]
    return f"upload-{host}-{os.getpid()}-"


def _new_temporary_file(folder: Path) -> IO[bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=folder, prefix=_owner_prefix(), suffix=".part", delete=False)


def remove_abandoned_uploads(folder: Path) -> list[Path]:
    """Delete the temporary files of uploads whose receiving process died (kill -9, power loss) on this host.

    A file is abandoned when it names this host and a process that no longer runs, or this very process (which has
    only just started). Files of other hosts sharing the folder, and of live processes, are left alone.
    """
    host = _owner_prefix().split("-")[1]
    removed = []
    for path in folder.glob(f"upload-{host}-*.part") if folder.is_dir() else ():
        pid_text = path.name.removeprefix(f"upload-{host}-").split("-", 1)[0]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or not psutil.pid_exists(int(pid_text))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextlib.asynccontextmanager
async def receive_upload(request: Request, folder: Path, *, max_bytes: int) -> AsyncIterator[ReceivedUpload]:
    """Stream the request's `file` part to a temporary file in `folder`; the file is removed when the block ends."""
    content_type, options = multipart.parse_options_header(request.headers.get("content-type", ""))
    if content_type != "multipart/form-data" or not options.get("boundary"):
        raise InvalidInput("Send the video as multipart/form-data with a `file` field.")
    length = request.headers.get("content-length") or ""
    declared = int(length) if length.isdigit() else -1
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
        if event.name == "file":
            if event.filename is None:  # also what a file name broken by an injected line break looks like
                raise InvalidInput("The `file` field must be a file with a plain file name; its header names none.")
            check_file_name(event.filename)
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
