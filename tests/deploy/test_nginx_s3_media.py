"""S3 storage behind nginx: the API checks who may watch, then hands the object over with `X-Accel-Redirect`; nginx
fetches it from the bucket through the presigned URL (a real moto S3 server) and the player stays on the site's
origin — the pages' Content-Security-Policy allows media from 'self' only, so a redirect to the bucket would not play.
"""

from __future__ import annotations

import email
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from tests.deploy.nginx_harness import Nginx, require_nginx
from tests.integration.conftest import RunningApp, free_port, start_askvideo, stop_askvideo

pytestmark = pytest.mark.integration

TALK = (Path(__file__).resolve().parents[1] / "fixtures" / "media" / "talk.mp4").read_bytes()
PASSWORD = "correct horse battery staple"
BUCKET = "askvideo-media"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@dataclass
class RecordingS3:
    """moto's S3 over real HTTP, noting the headers of every object read (what nginx sent the bucket)."""

    url: str
    reads: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Stack:
    nginx: Nginx
    api: RunningApp
    s3: RecordingS3
    data_dir: Path


@pytest.fixture(scope="module")
def s3() -> Iterator[RecordingS3]:
    port = free_port()
    recording = RecordingS3(f"http://127.0.0.1:{port}")
    moto = DomainDispatcherApplication(create_backend_app)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "GET" and "X-Amz-Signature=" in environ.get("QUERY_STRING", ""):
            headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
            recording.reads.append(headers)
        return moto(environ, start_response)

    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    boto3.client("s3", endpoint_url=recording.url, **CREDENTIALS).create_bucket(Bucket=BUCKET)
    yield recording
    server.shutdown()


@pytest.fixture(scope="module")
def stack(database_url: str, redis_url: str, s3: RecordingS3) -> Iterator[Stack]:
    require_nginx()
    root = Path(tempfile.mkdtemp(prefix="avs3-"))
    data_dir, ui, no_files = root / "data", root / "ui", root / "no-local-media"
    for folder in (data_dir, ui, no_files):
        folder.mkdir(parents=True)
    (ui / "index.html").write_text("<!doctype html><title>Ask Video</title>")
    nginx = Nginx(root / "nginx", api=[], media_root=no_files, ui_root=ui, max_body_mb=5, s3_origin=s3.url)
    env = {
        "ASKVIDEO_DATABASE_URL": database_url,
        "ASKVIDEO_REDIS_URL": redis_url,
        "ASKVIDEO_DATA_DIR": str(data_dir),
        "ASKVIDEO_SECRET_KEY": secrets.token_urlsafe(48),
        "ASKVIDEO_PUBLIC_URL": nginx.https_url,
        "ASKVIDEO_MEDIA_ACCEL_PREFIX": "/_media/",
        "ASKVIDEO_TRUSTED_PROXIES": "127.0.0.1",
        "ASKVIDEO_STORAGE": "s3",
        "ASKVIDEO_S3_BUCKET": BUCKET,
        "ASKVIDEO_S3_ENDPOINT_URL": s3.url,
        "ASKVIDEO_S3_REGION": CREDENTIALS["region_name"],
        "ASKVIDEO_S3_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "ASKVIDEO_S3_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }
    api = start_askvideo(["serve", "--api-only"], env, root)
    try:
        nginx.set_upstream([api.base_url.removeprefix("http://")])
        nginx.start()
        yield Stack(nginx, api, s3, data_dir)
    finally:
        nginx.stop()
        stop_askvideo(api)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def owner(stack: Stack) -> Iterator[httpx.Client]:
    """Signed up, verified through the emailed link and logged in with the session cookie, through nginx."""
    with stack.nginx.client() as client:
        signed_up = client.post(
            "/api/auth/signup", json={"username": "s3owner", "email": "s3@example.org", "password": PASSWORD}
        )
        assert signed_up.status_code == 201, signed_up.text
        mail = email.message_from_bytes(next((stack.data_dir / "outbox").glob("*.eml")).read_bytes())
        token = mail.get_payload(decode=True).decode().split("token=")[1].split()[0]
        assert client.post("/api/auth/verify-email", json={"token": token}).status_code == 200
        logged_in = client.post("/api/auth/login", json={"login": "s3owner", "password": PASSWORD})
        assert logged_in.status_code == 200, logged_in.text
        client.headers["X-CSRF-Token"] = client.cookies["askvideo_csrf"]  # what the web UI sends with the cookie
        yield client


@pytest.fixture(scope="module")
def video(owner: httpx.Client) -> dict:
    upload = {"file": ("talk.mp4", TALK, "video/mp4")}
    created = owner.post("/api/videos", data={"title": "In the bucket"}, files=upload)
    assert created.status_code == 201, created.text
    return created.json()


def test_the_player_gets_the_bucket_object_from_nginx_ranges_included(
    stack: Stack, owner: httpx.Client, video: dict
) -> None:
    part = owner.get(f"/api/videos/{video['id']}/media", headers={"Range": "bytes=100-1099"})
    whole = owner.get(f"/api/videos/{video['id']}/media")
    assert part.status_code == 206, part.text
    assert part.content == TALK[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(TALK)}"
    assert "x-accel-redirect" not in part.headers
    assert part.headers["content-type"] == "video/mp4"
    assert part.headers["content-security-policy"].startswith("default-src 'self'")
    assert "x-amz-request-id" not in part.headers
    assert (whole.status_code, whole.content) == (200, TALK)
    assert not whole.history  # no redirect: the browser never leaves the site's origin


def test_nginx_asks_the_bucket_as_signed_and_keeps_the_session_to_itself(stack: Stack, video: dict) -> None:
    read = stack.s3.reads[-1]
    assert read["host"] == stack.s3.url.removeprefix("http://")  # the host the URL was signed for
    assert "cookie" not in read
    assert "authorization" not in read


def test_a_stranger_is_refused_before_anything_is_read_from_the_bucket(stack: Stack, video: dict) -> None:
    reads = len(stack.s3.reads)
    with stack.nginx.client() as stranger:
        assert stranger.get(f"/api/videos/{video['id']}/media").status_code == 401
    assert len(stack.s3.reads) == reads


def test_the_bucket_location_is_internal(stack: Stack, video: dict) -> None:
    with stack.nginx.client() as client:
        assert client.get(f"/_media/s3/{BUCKET}/videos/{video['id']}").status_code == 404
