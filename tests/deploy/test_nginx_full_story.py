"""The production picture on one machine: Debian's nginx (the deploy/nginx template, TLS with a self-signed
certificate) in front of two `askvideo serve --api-only` processes and two `askvideo worker` processes on the
embedded PostgreSQL and Redis, and the whole story through it over HTTPS."""

from __future__ import annotations

import email
import gzip
import json
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.deploy.nginx_harness import Nginx, require_nginx
from tests.fakes.openai_server import FakeOpenAi
from tests.integration.conftest import RunningApp, start_askvideo, stop_askvideo

pytestmark = pytest.mark.integration

MEDIA = Path(__file__).resolve().parents[1] / "fixtures" / "media"
TALK = (MEDIA / "talk.mp4").read_bytes()
PASSWORD = "correct horse battery staple"
OPERATOR_TOKEN = secrets.token_urlsafe(32)
MAX_UPLOAD_MB = 5
SIGNUPS_PER_IP = 3
REPLY = "Canberra is the capital of Australia [1]."


@dataclass
class Stack:
    nginx: Nginx
    apis: list[RunningApp]
    workers: list[RunningApp]
    data_dir: Path
    openai: FakeOpenAi


@pytest.fixture(scope="module")
def stack(database_url: str, redis_url: str) -> Iterator[Stack]:
    require_nginx()
    root = Path(tempfile.mkdtemp(prefix="avngx-"))
    data_dir, ui = root / "data", root / "ui"
    (data_dir / "media").mkdir(parents=True)
    (ui / "assets").mkdir(parents=True)
    (ui / "index.html").write_text("<!doctype html><title>Ask Video</title><script src='/assets/app-1a2b.js'></script>")
    (ui / "assets" / "app-1a2b.js").write_text("console.log('ask video');\n" * 100)
    openai = FakeOpenAi()
    openai_url = openai.__enter__()
    # Retrieval decides what the chat model sees: it only "knows" Canberra when the right excerpt reached it.
    openai.chat_reply = lambda request: REPLY if "Canberra" in json.dumps(request["messages"]) else "I do not know."
    nginx = Nginx(root / "nginx", api=[], media_root=data_dir / "media", ui_root=ui, max_body_mb=MAX_UPLOAD_MB)
    env = {
        "ASKVIDEO_DATABASE_URL": database_url,
        "ASKVIDEO_REDIS_URL": redis_url,
        "ASKVIDEO_DATA_DIR": str(data_dir),  # local storage shared by every process, served by nginx
        "ASKVIDEO_SECRET_KEY": secrets.token_urlsafe(48),
        "ASKVIDEO_PUBLIC_URL": nginx.https_url,
        "ASKVIDEO_MEDIA_ACCEL_PREFIX": "/_media/",
        "ASKVIDEO_TRUSTED_PROXIES": "127.0.0.1",
        "ASKVIDEO_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
        "ASKVIDEO_SIGNUPS_PER_IP": str(SIGNUPS_PER_IP),
        "ASKVIDEO_ANSWERER": "openai",
        "ASKVIDEO_OPENAI_API_KEY": "sk-test-server-key",
        "ASKVIDEO_OPENAI_BASE_URL": openai_url,
        "ASKVIDEO_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "ASKVIDEO_WORKER_THREADS": "1",
    }
    apis: list[RunningApp] = []
    workers: list[RunningApp] = []
    try:
        apis.extend(start_askvideo(["serve", "--api-only"], env, root) for _ in range(2))
        workers.extend(start_askvideo(["worker"], env, root, wait_ready=False) for _ in range(2))
        nginx.set_upstream([app.base_url.removeprefix("http://") for app in apis])
        nginx.start()
        yield Stack(nginx, apis, workers, data_dir, openai)
    finally:
        nginx.stop()
        for app in [*workers, *apis]:
            stop_askvideo(app)
        openai.__exit__()
        shutil.rmtree(root, ignore_errors=True)


def user_address(n: int) -> dict[str, str]:
    """What a load balancer in front of nginx would say about user number `n`'s address."""
    return {"X-Forwarded-For": f"203.0.113.{n}"}


def verification_token(data_dir: Path, address: str) -> str:
    """The token of the link emailed to `address` (the outbox folder, as without a mail server)."""
    for path in sorted((data_dir / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        if address in message["To"]:
            return message.get_payload(decode=True).decode().split("token=")[1].split()[0]
    raise AssertionError(f"no email to {address}")


def wait_until_processed(client: httpx.Client, video_id: str, workers: list[RunningApp], timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        video = client.get(f"/api/videos/{video_id}").json()
        if video["status"] in {"completed", "error"}:
            return video
        time.sleep(0.3)
    logs = "\n".join(worker.log[-3000:] for worker in workers)
    pytest.fail(f"video {video_id} not processed within {timeout} s: {video}\nworker logs:\n{logs}")


@pytest.fixture(scope="module")
def owner(stack: Stack) -> Iterator[httpx.Client]:
    """Sign up → verify by the emailed link → log in, all through nginx over HTTPS."""
    with stack.nginx.client(headers=user_address(10)) as client:
        signed_up = client.post(
            "/api/auth/signup", json={"username": "nginxowner", "email": "owner@example.org", "password": PASSWORD}
        )
        assert signed_up.status_code == 201, signed_up.text
        token = verification_token(stack.data_dir, "owner@example.org")
        assert client.post("/api/auth/verify-email", json={"token": token}).status_code == 200
        tokens = client.post(
            "/api/auth/login", json={"login": "nginxowner", "password": PASSWORD, "tokenDelivery": "body"}
        )
        assert tokens.status_code == 200, tokens.text
        client.headers["Authorization"] = f"Bearer {tokens.json()['accessToken']}"
        yield client


@pytest.fixture(scope="module")
def video(stack: Stack, owner: httpx.Client) -> dict:
    created = owner.post("/api/videos", data={"title": "Spoken facts"}, files={"file": ("talk.mp4", TALK, "video/mp4")})
    assert created.status_code == 201, created.text
    return wait_until_processed(owner, created.json()["id"], stack.workers)


def test_plain_http_is_redirected_to_https_keeping_the_address(stack: Stack) -> None:
    response = httpx.get(f"{stack.nginx.http_url}/videos?page=2")
    assert response.status_code == 301
    assert response.headers["location"] == f"{stack.nginx.https_url}/videos?page=2"


def test_the_web_ui_is_served_by_nginx_with_security_headers_and_page_fallback(stack: Stack) -> None:
    with stack.nginx.client() as client:
        page = client.get("/shared/some-link")  # a browser route: index.html
        client.get("/verify-email", params={"token": "emailed-secret-7"})
        outsider = client.get("/metrics", headers=user_address(30))
        integration = client.get("/v1/models")  # the API's, not a page of the UI
        asset = client.get("/assets/app-1a2b.js", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert "<title>Ask Video</title>" in page.text
    assert page.headers["cache-control"] == "no-cache"
    assert page.headers["strict-transport-security"].startswith("max-age=")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-encoding"] == "gzip"
    assert outsider.status_code == 403  # metrics only from the private networks
    assert integration.status_code == 401
    assert integration.headers["content-type"].startswith("application/json")
    time.sleep(0.2)
    assert '"GET /shared/[redacted]"' in stack.nginx.access_log
    assert "some-link" not in stack.nginx.access_log
    assert "emailed-secret-7" not in stack.nginx.access_log


def test_the_uploaded_video_is_processed_by_a_worker(video: dict) -> None:
    assert video["status"] == "completed", video
    assert video["sizeBytes"] == len(TALK)


def test_the_answer_streams_through_nginx_chunk_by_chunk(stack: Stack, owner: httpx.Client, video: dict) -> None:
    gate = threading.Event()
    stack.openai.chat_stream_gate = gate  # the model sends its first words, then waits for this test
    events: list[tuple[str, str]] = []
    try:
        with owner.stream(
            "POST",
            "/api/questions",
            json={"question": "What is the capital of Australia?", "scope": {"kind": "video", "videoId": video["id"]}},
            headers={"Accept": "text/event-stream"},
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert "content-encoding" not in response.headers
            kind = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    events.append((kind, line.split(":", 1)[1].strip()))
                    if kind == "delta" and not gate.is_set():
                        # The first words arrived while the model is still holding back the rest: nothing on the
                        # way (nginx included) buffered the stream.
                        gate.set()
    finally:
        stack.openai.chat_stream_gate = None
        gate.set()
    assert [kind for kind, _ in events].count("delta") >= 2
    final = json.loads(events[-1][1])
    assert events[-1][0] == "answer"
    assert final["answer"].startswith("Canberra")
    assert final["citations"][0]["videoId"] == video["id"]


def test_a_guest_asks_and_watches_a_range_served_by_nginx(stack: Stack, owner: httpx.Client, video: dict) -> None:
    group = owner.post("/api/groups", json={"name": "Through nginx"}).json()
    owner.post(f"/api/groups/{group['id']}/videos", json={"videoIds": [video["id"]]})
    token = owner.post(f"/api/groups/{group['id']}/share").json()["token"]
    with stack.nginx.client(headers=user_address(11)) as guest:
        answer = guest.post(f"/api/shared/{token}/questions", json={"question": "What is the capital of Australia?"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["shared"] is True
        assert answer.json()["answer"] == REPLY
        part = guest.get(f"/api/shared/{token}/videos/{video['id']}/media", headers={"Range": "bytes=100-1099"})
        whole = guest.get(f"/api/shared/{token}/videos/{video['id']}/media")
        tail = guest.get(f"/api/shared/{token}/videos/{video['id']}/media", headers={"Range": "bytes=-500"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{len(TALK)}"
    assert part.content == TALK[100:1100]
    assert "x-accel-redirect" not in part.headers  # nginx consumed it and sent the file itself:
    assert "etag" in part.headers  # a static file's validators, which the API's own stream never sends
    assert "last-modified" in part.headers
    assert part.headers["content-type"] == "video/mp4"
    assert whole.content == TALK
    assert (tail.status_code, tail.content) == (206, TALK[-500:])
    time.sleep(0.2)  # nginx writes a line once the response is sent
    assert token not in stack.nginx.access_log
    assert '"POST /api/shared/[redacted]/questions"' in stack.nginx.access_log


def test_the_media_location_is_internal(stack: Stack, video: dict) -> None:
    stored = next(p for p in (stack.data_dir / "media").rglob("*") if p.is_file())
    key = stored.relative_to(stack.data_dir / "media").as_posix()
    with stack.nginx.client() as client:
        assert client.get(f"/_media/{key}").status_code == 404


def test_json_is_gzipped_and_uploads_over_the_limit_stop_at_nginx(owner: httpx.Client, video: dict) -> None:
    schema = owner.get("/schema/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert schema.headers["content-encoding"] == "gzip"
    assert schema.json()["info"]["title"] == "Ask Video API"
    with owner.stream("GET", "/api/videos", headers={"Accept-Encoding": "gzip"}) as raw:
        assert raw.headers["content-type"] == "application/json"
        assert raw.headers["content-encoding"] == "gzip"
        compressed = b"".join(raw.iter_raw())
    assert json.loads(gzip.decompress(compressed))["total"] >= 1
    too_big = owner.post(
        "/api/videos",
        data={"title": "big"},
        files={"file": ("big.mp4", b"\0" * ((MAX_UPLOAD_MB + 1) * 1024 * 1024), "video/mp4")},
    )
    assert too_big.status_code == 413


def test_rate_limits_count_the_users_address_not_nginxs(stack: Stack) -> None:
    def sign_up(client: httpx.Client, n: int) -> int:
        body = {"username": f"rate{n}", "email": f"rate{n}@example.org", "password": PASSWORD}
        return client.post("/api/auth/signup", json=body).status_code

    with stack.nginx.client(headers=user_address(20)) as crowded, stack.nginx.client(headers=user_address(21)) as other:
        assert [sign_up(crowded, n) for n in range(SIGNUPS_PER_IP)] == [201] * SIGNUPS_PER_IP
        assert sign_up(crowded, 99) == 429
        assert sign_up(other, 100) == 201  # another user's address still may


def test_requests_reached_both_api_instances_and_jobs_both_workers(stack: Stack, owner: httpx.Client) -> None:
    with stack.nginx.client(headers={"X-Operator-Token": OPERATOR_TOKEN}) as operator:
        seen: set[str] = set()
        for _ in range(30):
            checks = [operator.post("/api/system/pipeline-checks").json()["id"] for _ in range(4)]
            for check_id in checks:
                deadline = time.monotonic() + 30
                while (done := operator.get(f"/api/system/pipeline-checks/{check_id}").json())["status"] != "done":
                    assert time.monotonic() < deadline, f"check {check_id} not done"
                    time.sleep(0.05)
                seen.add(done["worker"])
            if len(seen) >= 2:
                break
    worker_pids = {str(w.process.pid) for w in stack.workers}
    assert {name.rsplit(":", 1)[1] for name in seen} == worker_pids
    for api in stack.apis:
        assert "/api/" in api.log, f"no API request reached {api.base_url}"
    upstreams = {addr for line in stack.nginx.access_log.splitlines() for addr in _upstreams(line)}
    assert {api.base_url.removeprefix("http://") for api in stack.apis} <= upstreams


def _upstreams(access_line: str) -> list[str]:
    field = access_line.split(" upstream=", 1)[1].split(" upstream_time=", 1)[0] if " upstream=" in access_line else ""
    return [part.strip() for part in field.split(",") if part.strip() not in {"", "-"}]
