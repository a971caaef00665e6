"""Where uploaded files live: a local folder or an S3 bucket, behind one port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from contextlib import AbstractAsyncContextManager
    from pathlib import Path


class BlobStorage(Protocol):
    """Stores files under keys the application generates (never user-supplied names)."""

    async def put_file(self, key: str, source: Path, *, content_type: str) -> None:
        """Store the file at `source` under `key`, atomically: readers see the whole file or none of it."""
        ...

    async def size(self, key: str) -> int | None:
        """The stored file's size in bytes, or None when there is no such key."""
        ...

    def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Yield bytes `start`..`end` (inclusive) in chunks; raise FileNotFoundError for a missing key."""
        ...

    def local_copy(self, key: str) -> AbstractAsyncContextManager[Path]:
        """A local file with the stored content for the duration of the block (the file itself when local)."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the file; deleting a missing key is fine."""
        ...

    async def presigned_url(self, key: str, *, expires_in: int) -> str | None:
        """A short-lived direct download URL, or None when the storage cannot make one (local folder)."""
        ...
