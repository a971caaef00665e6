"""Blob storage that keeps files as bytes in a dict, for tests and the demo wiring."""

from __future__ import annotations

import asyncio
import os
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from domain.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

READ_CHUNK = 256 * 1024


class InMemoryBlobStorage:
    """Keeps each stored file's bytes (and content type) by key.

    `down = True` makes it behave like an unreachable storage.
    """

    name = "storage"

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.content_types: dict[str, str] = {}
        self.down = False

    def _check_up(self) -> None:
        if self.down:
            raise Unavailable("The file storage cannot be reached right now; try again shortly.")

    async def put_file(self, key: str, source: Path, *, content_type: str) -> None:
        """Read `source` whole and store it; replacing one dict entry is atomic for readers."""
        self._check_up()
        data = await asyncio.to_thread(source.read_bytes)
        self.blobs[key] = data
        self.content_types[key] = content_type

    async def size(self, key: str) -> int | None:
        """The stored file's length, or None when there is no such key."""
        self._check_up()
        data = self.blobs.get(key)
        return None if data is None else len(data)

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Yield bytes `start`..`end` (inclusive; clamped to the end) in 256 KiB chunks."""
        self._check_up()
        if start < 0 or end < start:
            raise ValueError(f"Invalid byte range {start}-{end}.")
        # Bound once: a reader that started before an overwrite keeps seeing the old content, as with a file.
        data = self.blobs.get(key)
        if data is None:
            raise FileNotFoundError(f"No stored file for key {key!r}.")
        stop = min(end + 1, len(data))
        for offset in range(start, stop, READ_CHUNK):
            yield data[offset : min(offset + READ_CHUNK, stop)]

    @asynccontextmanager
    async def local_copy(self, key: str) -> AsyncIterator[Path]:
        """Write the bytes to a temporary file, removed when the block ends."""
        self._check_up()
        data = self.blobs.get(key)
        if data is None:
            raise FileNotFoundError(f"No stored file for key {key!r}.")
        path = await asyncio.to_thread(_write_temp_file, data, PurePosixPath(key).suffix)
        try:
            yield path
        finally:
            await asyncio.to_thread(path.unlink, missing_ok=True)

    async def delete(self, key: str) -> None:
        """Forget the key; a missing key is fine."""
        self._check_up()
        self.blobs.pop(key, None)
        self.content_types.pop(key, None)

    async def presigned_url(self, key: str, *, expires_in: int) -> str | None:
        """None: there is nothing to download from directly."""
        self._check_up()
        return None

    async def check(self) -> None:
        """Health probe: fail while down."""
        if self.down:
            raise ConnectionError("storage is down")


def _write_temp_file(data: bytes, suffix: str) -> Path:
    descriptor, name = tempfile.mkstemp(prefix="askvideo-", suffix=suffix)
    with os.fdopen(descriptor, "wb") as writer:
        writer.write(data)
    return Path(name)
