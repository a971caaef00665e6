"""Contract: the in-memory, local-folder and S3 (a real moto server) blob storages store and refuse alike."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from adapters.memory.storage import InMemoryBlobStorage
from adapters.storage import LocalBlobStorage, S3BlobStorage
from application.ports.storage import BlobStorage
from domain.errors import Unavailable
from tests.integration.conftest import free_port

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
CREDENTIALS = {"region": "us-east-1", "access_key_id": "testing", "secret_access_key": "testing"}


@dataclass
class Case:
    """One storage under test, with the size of a file big enough to matter for it."""

    kind: str
    storage: BlobStorage
    big_size: int


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server in this process, on its own port, for the whole module."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def make_bucket(endpoint: str) -> str:
    """A fresh bucket, so that tests never see each other's objects."""
    bucket = f"test-{uuid.uuid4().hex[:12]}"
    client = s3_client(endpoint)
    client.create_bucket(Bucket=bucket)
    client.close()
    return bucket


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where `local_copy` makes its temporary files during the test, so leftovers can be counted."""
    path = tmp_path / "tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    return path


@pytest.fixture(params=["memory", "local", "s3"])
def case(request: pytest.FixtureRequest, tmp_path: Path, temp_dir: Path) -> Iterator[Case]:
    if request.param == "memory":
        yield Case("memory", InMemoryBlobStorage(), 3 * MIB)
        return
    if request.param == "local":
        yield Case("local", LocalBlobStorage(tmp_path / "blobs"), 3 * MIB)
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = make_bucket(endpoint)
    # S3's smallest part is 5 MiB: a 12 MB file at this threshold goes up in three parts.
    storage = S3BlobStorage(
        bucket,
        prefix="media/",
        endpoint_url=endpoint,
        multipart_threshold=5 * MIB,
        multipart_chunksize=5 * MIB,
        **CREDENTIALS,
    )
    yield Case("s3", storage, 12 * 1000 * 1000)


def write_random(folder: Path, size: int, name: str | None = None) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = folder / (name or f"source-{uuid.uuid4().hex}")
    path.write_bytes(data)
    return path, data


def files_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def exists(path: Path) -> bool:
    return path.exists()


def new_key() -> str:
    return f"videos/{uuid.uuid4()}/{uuid.uuid4()}"


async def read_all(storage: BlobStorage, key: str, start: int, end: int) -> bytes:
    return b"".join([chunk async for chunk in storage.read_range(key, start, end)])


class TestBlobStorageContract:
    async def test_a_stored_file_reads_back_whole(self, case: Case, tmp_path: Path) -> None:
        source, data = write_random(tmp_path, case.big_size)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        assert await case.storage.size(key) == len(data)
        chunks = [chunk async for chunk in case.storage.read_range(key, 0, len(data) - 1)]
        assert b"".join(chunks) == data
        assert max(len(chunk) for chunk in chunks) <= 256 * 1024
        assert source.read_bytes() == data, "the source is copied, not moved"

    async def test_ranges_return_exactly_the_bytes_asked_for(self, case: Case, tmp_path: Path) -> None:
        source, data = write_random(tmp_path, 3 * MIB)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        last = len(data) - 1
        assert await read_all(case.storage, key, 0, 0) == data[:1]
        assert await read_all(case.storage, key, 1_000_000, 1_600_000) == data[1_000_000:1_600_001]
        assert await read_all(case.storage, key, last - 9, last) == data[-10:]
        assert await read_all(case.storage, key, last, last) == data[-1:]

    async def test_a_range_past_the_end_is_clamped_or_empty(self, case: Case, tmp_path: Path) -> None:
        source, data = write_random(tmp_path, 1000)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        assert await read_all(case.storage, key, 990, 5000) == data[990:]
        assert await read_all(case.storage, key, 1000, 2000) == b""

    async def test_an_invalid_range_is_refused(self, case: Case, tmp_path: Path) -> None:
        source, _ = write_random(tmp_path, 100)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        with pytest.raises(ValueError, match="range"):
            await read_all(case.storage, key, 10, 9)
        with pytest.raises(ValueError, match="range"):
            await read_all(case.storage, key, -1, 9)

    async def test_an_empty_file_is_stored(self, case: Case, tmp_path: Path) -> None:
        source, _ = write_random(tmp_path, 0)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        assert await case.storage.size(key) == 0
        assert await read_all(case.storage, key, 0, 0) == b""

    async def test_a_missing_key_has_no_size_and_cannot_be_read(self, case: Case) -> None:
        key = new_key()
        assert await case.storage.size(key) is None
        with pytest.raises(FileNotFoundError):
            await read_all(case.storage, key, 0, 10)
        with pytest.raises(FileNotFoundError):
            async with case.storage.local_copy(key):
                pytest.fail("a missing key gave a local copy")

    async def test_a_deleted_file_is_gone_and_deleting_again_is_fine(self, case: Case, tmp_path: Path) -> None:
        source, _ = write_random(tmp_path, 1000)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        await case.storage.delete(key)
        assert await case.storage.size(key) is None
        await case.storage.delete(key)
        await case.storage.delete(new_key())

    async def test_a_local_copy_has_the_same_bytes(self, case: Case, tmp_path: Path, temp_dir: Path) -> None:
        source, data = write_random(tmp_path, case.big_size)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        async with case.storage.local_copy(key) as path:
            assert path.read_bytes() == data
            copied = path
        if isinstance(case.storage, LocalBlobStorage):
            assert copied == case.storage.path_of(key)
            assert copied.exists(), "the local storage hands out the stored file itself"
        else:
            assert not copied.exists()
        assert files_under(temp_dir) == []

    async def test_the_temporary_copy_is_removed_when_the_block_fails(
        self, case: Case, tmp_path: Path, temp_dir: Path
    ) -> None:
        source, _ = write_random(tmp_path, 1000)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        with pytest.raises(RuntimeError, match="boom"):
            async with case.storage.local_copy(key):
                raise RuntimeError("boom")
        assert files_under(temp_dir) == []
        assert await case.storage.size(key) == 1000

    async def test_put_replaces_the_old_content(self, case: Case, tmp_path: Path) -> None:
        first, _ = write_random(tmp_path, 3 * MIB)
        second, new = write_random(tmp_path, 1 * MIB)
        key = new_key()
        await case.storage.put_file(key, first, content_type="video/mp4")
        await case.storage.put_file(key, second, content_type="video/mp4")
        assert await case.storage.size(key) == len(new)
        assert await read_all(case.storage, key, 0, len(new) - 1) == new

    async def test_a_reader_started_before_an_overwrite_sees_the_old_file_whole(
        self, case: Case, tmp_path: Path
    ) -> None:
        first, old = write_random(tmp_path, 3 * MIB)
        second, _ = write_random(tmp_path, 3 * MIB)
        key = new_key()
        await case.storage.put_file(key, first, content_type="video/mp4")
        reader = case.storage.read_range(key, 0, len(old) - 1)
        chunks = [await anext(reader)]
        await case.storage.put_file(key, second, content_type="video/mp4")
        chunks.extend([chunk async for chunk in reader])
        assert b"".join(chunks) == old

    async def test_a_put_from_a_missing_source_keeps_the_old_content(self, case: Case, tmp_path: Path) -> None:
        source, data = write_random(tmp_path, 1000)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        with pytest.raises(FileNotFoundError):
            await case.storage.put_file(key, tmp_path / "missing", content_type="video/mp4")
        assert await read_all(case.storage, key, 0, 999) == data

    async def test_presigned_url_downloads_the_file_where_supported(self, case: Case, tmp_path: Path) -> None:
        source, data = write_random(tmp_path, 3 * MIB)
        key = new_key()
        await case.storage.put_file(key, source, content_type="video/mp4")
        url = await case.storage.presigned_url(key, expires_in=300)
        if case.kind in {"memory", "local"}:
            assert url is None
            return
        assert url is not None
        assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url  # SigV4: AWS refuses SigV2 for newer buckets and regions
        assert "X-Amz-Expires=300" in url
        response = await asyncio.to_thread(httpx.get, url, timeout=30)
        assert response.status_code == 200
        assert response.content == data
        assert response.headers["content-type"] == "video/mp4"


class TestLocalBlobStorage:
    BAD_KEYS = (
        "../escape",
        "videos/../../escape",
        "videos/..",
        "/tmp/absolute",
        "videos\\evil",
        "videos/nul\x00byte",
        "",
        "videos//double",
        "videos/./dot",
        "videos/trailing/",
    )

    @pytest.mark.parametrize("key", BAD_KEYS)
    async def test_a_key_that_could_escape_the_root_is_refused(self, key: str, tmp_path: Path) -> None:
        root = tmp_path / "root" / "blobs"
        root.mkdir(parents=True)
        storage = LocalBlobStorage(root)
        source, _ = write_random(tmp_path, 10, name="source")
        before = files_under(tmp_path)
        with pytest.raises(ValueError, match="Refusing storage key"):
            await storage.put_file(key, source, content_type="video/mp4")
        with pytest.raises(ValueError, match="Refusing storage key"):
            await storage.size(key)
        with pytest.raises(ValueError, match="Refusing storage key"):
            await read_all(storage, key, 0, 1)
        with pytest.raises(ValueError, match="Refusing storage key"):
            async with storage.local_copy(key):
                pytest.fail("a bad key gave a local copy")
        with pytest.raises(ValueError, match="Refusing storage key"):
            await storage.delete(key)
        with pytest.raises(ValueError, match="Refusing storage key"):
            storage.path_of(key)
        assert files_under(tmp_path) == before
        assert not exists(Path("/tmp/absolute"))

    async def test_no_temporary_file_is_left_after_a_put(self, tmp_path: Path) -> None:
        storage = LocalBlobStorage(tmp_path / "blobs")
        source, _ = write_random(tmp_path, 3 * MIB)
        key = new_key()
        await storage.put_file(key, source, content_type="video/mp4")
        await storage.put_file(key, source, content_type="video/mp4")
        with pytest.raises(FileNotFoundError):
            await storage.put_file(key, tmp_path / "missing", content_type="video/mp4")
        assert [path.name for path in storage.path_of(key).parent.iterdir()] == [key.rsplit("/", 1)[1]]

    async def test_a_stored_file_is_readable_by_other_users(self, tmp_path: Path) -> None:
        storage = LocalBlobStorage(tmp_path / "blobs")
        source, _ = write_random(tmp_path, 10)
        key = new_key()
        await storage.put_file(key, source, content_type="video/mp4")
        assert storage.path_of(key).stat().st_mode & 0o777 == 0o644

    async def test_delete_prunes_the_folders_it_empties_but_keeps_the_root(self, tmp_path: Path) -> None:
        root = tmp_path / "blobs"
        storage = LocalBlobStorage(root)
        source, _ = write_random(tmp_path, 10)
        first, second = new_key(), new_key()
        await storage.put_file(first, source, content_type="video/mp4")
        await storage.put_file(second, source, content_type="video/mp4")
        await storage.delete(first)
        assert not storage.path_of(first).parent.exists()
        assert storage.path_of(second).exists()
        await storage.delete(second)
        assert root.is_dir()
        assert list(root.iterdir()) == []

    async def test_a_folder_is_not_a_stored_file(self, tmp_path: Path) -> None:
        storage = LocalBlobStorage(tmp_path / "blobs")
        source, _ = write_random(tmp_path, 10)
        await storage.put_file("videos/a/b", source, content_type="video/mp4")
        assert await storage.size("videos/a") is None
        with pytest.raises(FileNotFoundError):
            await read_all(storage, "videos/a", 0, 1)
        with pytest.raises(FileNotFoundError):
            async with storage.local_copy("videos/a"):
                pytest.fail("a folder gave a local copy")


class TestS3BlobStorage:
    async def test_a_big_file_goes_up_in_parts_under_the_prefix(self, s3_endpoint: str, tmp_path: Path) -> None:
        bucket = make_bucket(s3_endpoint)
        storage = S3BlobStorage(
            bucket,
            prefix="media/",
            endpoint_url=s3_endpoint,
            multipart_threshold=5 * MIB,
            multipart_chunksize=5 * MIB,
            **CREDENTIALS,
        )
        source, _ = write_random(tmp_path, 12 * 1000 * 1000)
        key = new_key()
        await storage.put_file(key, source, content_type="video/mp4")
        client = s3_client(s3_endpoint)
        head = client.head_object(Bucket=bucket, Key=f"media/{key}")
        client.close()
        # A multipart upload's ETag ends in "-<number of parts>".
        assert head["ETag"].strip('"').endswith("-3")
        assert head["ContentType"] == "video/mp4"

    async def test_the_probe_passes_for_an_existing_bucket_only(self, s3_endpoint: str) -> None:
        await S3BlobStorage(make_bucket(s3_endpoint), endpoint_url=s3_endpoint, **CREDENTIALS).check()
        missing = S3BlobStorage("no-such-bucket-here", endpoint_url=s3_endpoint, **CREDENTIALS)
        with pytest.raises(Unavailable):
            await missing.check()

    async def test_an_unreachable_endpoint_is_reported_as_unavailable(self, tmp_path: Path) -> None:
        storage = S3BlobStorage("bucket-x", endpoint_url=f"http://127.0.0.1:{free_port()}", **CREDENTIALS)
        source, _ = write_random(tmp_path, 10)
        key = new_key()
        message = "file storage cannot be reached"
        with pytest.raises(Unavailable, match=message):
            await storage.put_file(key, source, content_type="video/mp4")
        with pytest.raises(Unavailable, match=message):
            await storage.size(key)
        with pytest.raises(Unavailable, match=message):
            await storage.delete(key)
        with pytest.raises(Unavailable, match=message):
            await read_all(storage, key, 0, 1)
        with pytest.raises(Unavailable, match=message):
            async with storage.local_copy(key):
                pytest.fail("an unreachable storage gave a local copy")
        with pytest.raises(Unavailable, match=message):
            await storage.check()

    async def test_a_refusal_other_than_a_missing_key_is_reported_as_unavailable(self, s3_endpoint: str) -> None:
        # moto accepts any credentials; a missing bucket (NoSuchBucket) stands in for the service refusing.
        storage = S3BlobStorage("no-such-bucket-here", endpoint_url=s3_endpoint, **CREDENTIALS)
        with pytest.raises(Unavailable):
            await read_all(storage, new_key(), 0, 1)


class TestInMemoryBlobStorage:
    async def test_down_makes_every_call_unavailable(self, tmp_path: Path) -> None:
        storage = InMemoryBlobStorage()
        source, _ = write_random(tmp_path, 10)
        key = new_key()
        await storage.put_file(key, source, content_type="video/mp4")
        storage.down = True
        with pytest.raises(Unavailable):
            await storage.put_file(key, source, content_type="video/mp4")
        with pytest.raises(Unavailable):
            await storage.size(key)
        with pytest.raises(Unavailable):
            await read_all(storage, key, 0, 1)
        with pytest.raises(Unavailable):
            async with storage.local_copy(key):
                pytest.fail("a down storage gave a local copy")
        with pytest.raises(Unavailable):
            await storage.delete(key)
        with pytest.raises(Unavailable):
            await storage.presigned_url(key, expires_in=60)
        with pytest.raises(ConnectionError):
            await storage.check()
