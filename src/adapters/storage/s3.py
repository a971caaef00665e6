"""Blob storage in an S3-compatible bucket (AWS S3, MinIO, …) through boto3, run in threads."""

from __future__ import annotations

import asyncio
import os
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NoReturn

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from domain.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

MIB = 1024 * 1024
READ_CHUNK = 256 * 1024
UNAVAILABLE = "The file storage cannot be reached right now; try again shortly."
# S3 answers a HEAD on a missing key with a bare "404", a GET with "NoSuchKey".
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _unavailable(error: Exception) -> NoReturn:
    raise Unavailable(UNAVAILABLE) from error


def _temp_file(suffix: str) -> Path:
    descriptor, name = tempfile.mkstemp(prefix="askvideo-", suffix=suffix)
    os.close(descriptor)
    return Path(name)


class S3BlobStorage:
    """Stores each key as an object `prefix + key` in one bucket; also the storage's readiness probe."""

    name = "storage"

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        multipart_threshold: int = 16 * MIB,
        multipart_chunksize: int = 16 * MIB,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        config = Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            # A custom endpoint (MinIO, Ceph, a test server) rarely has wildcard DNS for virtual-host buckets.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            # Presigned URLs signed with SigV4 (botocore would otherwise sign them with SigV2, which AWS refuses for
            # buckets made since 2020 and in newer regions).
            signature_version="s3v4",
        )
        # A client is thread-safe (a session is not), so one client serves every thread.
        self._client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=config,
        )
        self._transfer = TransferConfig(
            multipart_threshold=multipart_threshold, multipart_chunksize=multipart_chunksize
        )

    def _object_key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    async def _call(
        self, function: Callable[..., Any], /, *, passthrough: frozenset[str] = MISSING_CODES, **kwargs: Any
    ) -> Any:
        """Run a blocking boto3 call in a thread; errors other than the `passthrough` codes become Unavailable."""
        try:
            return await asyncio.to_thread(function, **kwargs)
        except ClientError as error:
            if _error_code(error) in passthrough:
                raise
            _unavailable(error)
        except (BotoCoreError, Boto3Error) as error:
            _unavailable(error)

    async def put_file(self, key: str, source: Path, *, content_type: str) -> None:
        """Upload `source`, in parts above the multipart threshold; S3 shows the object only once it is complete."""
        await self._call(
            self._client.upload_file,
            Filename=str(source),
            Bucket=self.bucket,
            Key=self._object_key(key),
            ExtraArgs={"ContentType": content_type},
            Config=self._transfer,
        )

    async def size(self, key: str) -> int | None:
        """The object's size from a HEAD request, or None when there is no such key."""
        try:
            head = await self._call(self._client.head_object, Bucket=self.bucket, Key=self._object_key(key))
        except ClientError:
            return None
        return int(head["ContentLength"])

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Yield bytes `start`..`end` (inclusive; clamped to the end) from one ranged GET, 256 KiB at a time."""
        if start < 0 or end < start:
            raise ValueError(f"Invalid byte range {start}-{end}.")
        try:
            response = await self._call(
                self._client.get_object,
                passthrough=MISSING_CODES | {"InvalidRange"},
                Bucket=self.bucket,
                Key=self._object_key(key),
                Range=f"bytes={start}-{end}",
            )
        except ClientError as error:
            if _error_code(error) == "InvalidRange":
                # A range starting past the end (or any range of an empty object) is empty, as in the other storages.
                return
            raise FileNotFoundError(f"No stored file for key {key!r}.") from error
        body = response["Body"]
        try:
            while True:
                try:
                    chunk = await asyncio.to_thread(body.read, READ_CHUNK)
                except (BotoCoreError, OSError) as error:
                    _unavailable(error)
                if not chunk:
                    return
                yield chunk
        finally:
            await asyncio.to_thread(body.close)

    @asynccontextmanager
    async def local_copy(self, key: str) -> AsyncIterator[Path]:
        """Download the object to a temporary file (under TMPDIR), removed when the block ends."""
        path = await asyncio.to_thread(_temp_file, PurePosixPath(key).suffix)
        try:
            try:
                await self._call(
                    self._client.download_file,
                    Bucket=self.bucket,
                    Key=self._object_key(key),
                    Filename=str(path),
                    Config=self._transfer,
                )
            except ClientError as error:
                raise FileNotFoundError(f"No stored file for key {key!r}.") from error
            yield path
        finally:
            await asyncio.to_thread(path.unlink, missing_ok=True)

    async def delete(self, key: str) -> None:
        """Remove the object; S3 already treats deleting a missing key as success."""
        try:
            await self._call(self._client.delete_object, Bucket=self.bucket, Key=self._object_key(key))
        except ClientError:
            return

    async def presigned_url(self, key: str, *, expires_in: int) -> str | None:
        """A signed GET URL valid for `expires_in` seconds (signed locally: no request to the service)."""
        return await self._call(
            self._client.generate_presigned_url,
            ClientMethod="get_object",
            Params={"Bucket": self.bucket, "Key": self._object_key(key)},
            ExpiresIn=expires_in,
        )

    async def check(self) -> None:
        """Readiness probe: raise Unavailable unless the bucket answers a HEAD request."""
        try:
            await self._call(self._client.head_bucket, Bucket=self.bucket)
        except ClientError as error:
            # A missing bucket is a configuration error, but for readiness it means the same: storage not usable.
            _unavailable(error)
