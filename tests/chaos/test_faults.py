"""Chaos with real processes: an API, two workers, embedded PostgreSQL and a Redis without persistence.

In one run: kill -9 the API while uploads stream in, kill -9 a worker mid-transcription, restart Redis empty while
jobs wait in it, restart PostgreSQL while requests keep coming. Then, after recovery: every uploaded video ends
`completed` (or `error` with a reason), with exactly one set of scenes; no orphan file in storage, no half-written
row, no temporary upload file; and while PostgreSQL was down the API answered 503, never 500.

Quick by default (3 videos, well under the 5-minute CI budget); `ASKVIDEO_LONG_TESTS=1` uploads 10.
"""

from __future__ import annotations

import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest
import redis

from entrypoints.embedded import EmbeddedPostgres, redis_server_binary
from entrypoints.migrate import run_migrations
from tests.integration.conftest import RunningApp, start_askvideo, stop_askvideo
from tests.security.real_app import api_env, sign_in

pytestmark = pytest.mark.integration

LONG = os.environ.get("ASKVIDEO_LONG_TESTS") == "1"
VIDEOS = 10 if LONG else 3
TALK = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "talk.mp4"
RECOVERY_SECONDS = 900 if LONG else 240


class VolatileRedis:
    """redis-server on a Unix socket with no persistence at all: a restart loses every queued message."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.socket = folder / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [
                str(redis_server_binary()),
                *("--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"),
                *("--dir", str(self.folder), "--appendonly", "no", "--save", "", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(unix_socket_path=str(self.socket))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except (redis.ConnectionError, FileNotFoundError):
                time.sleep(0.05)
        pytest.fail("the test Redis did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@dataclass
class Cluster:
    """The processes under test and what the test saw."""

    root: Path
    postgres: EmbeddedPostgres
    database_url: str
    queue: VolatileRedis
    env: dict[str, str]
    api: RunningApp | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    statuses_while_db_down: collections.Counter[int] = field(default_factory=collections.Counter)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def start_api(self) -> None:
        self.api = start_askvideo(["serve", "--api-only"], self.env, self.root)

    def kill_api(self) -> None:
        assert self.api is not None
        self.api.process.send_signal(signal.SIGKILL)
        self.api.process.wait()

    def start_worker(self) -> subprocess.Popen[bytes]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")}
        log = (self.root / f"worker-{len(self.workers) + 1}.log").open("ab")
        worker = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "worker"], env={**clean, **self.env}, stdout=log, stderr=log
        )
        self.workers.append(worker)
        return worker

    def client(self) -> httpx.Client:
        assert self.api is not None
        return httpx.Client(base_url=self.api.base_url, timeout=30)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="avchaos-"))
    postgres = EmbeddedPostgres(root)
    database_url = postgres.start()
    run_migrations(database_url)
    queue = VolatileRedis(root / "redis")
    queue.start()
    env = api_env(
        database_url,
        queue.url,
        root / "data",
        secret_key="chaos-test-secret-key-" + "k" * 32,
        processing_lease_seconds="4",
        sweep_interval_seconds="1",
        worker_threads="1",
    )
    cluster = Cluster(root=root, postgres=postgres, database_url=database_url, queue=queue, env=env)
    try:
        yield cluster
    finally:
        for worker in cluster.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        if cluster.api is not None:
            stop_askvideo(cluster.api)
        queue.kill()
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


def slow_body(data: bytes, boundary: str) -> Iterator[bytes]:
    """A multipart upload that takes seconds to arrive, so the API can be killed while receiving it."""
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nInterrupted\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="talk.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    for start in range(0, len(data), 8192):
        yield data[start : start + 8192]
        time.sleep(0.2)
    yield f"\r\n--{boundary}--\r\n".encode()


def upload_slowly(base_url: str, headers: dict[str, str], outcomes: list[str]) -> None:
    boundary = "chaosboundary"
    try:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            response = client.post(
                "/api/videos",
                content=slow_body(TALK.read_bytes(), boundary),
                headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
        outcomes.append(str(response.status_code))
    except httpx.TransportError as error:
        outcomes.append(type(error).__name__)


def upload(client: httpx.Client, headers: dict[str, str], title: str) -> str:
    response = client.post(
        "/api/videos",
        data={"title": title},
        files={"file": ("talk.mp4", TALK.read_bytes(), "video/mp4")},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def wait_for(condition, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s" + (f"\n{log.read_text()[-3000:]}" if log else ""))
        time.sleep(0.1)


def videos(client: httpx.Client, headers: dict[str, str]) -> list[dict]:
    return client.get("/api/videos", params={"limit": 100}, headers=headers).json()["items"]


def hammer_while_down(cluster: Cluster, headers: dict[str, str], video_id: str, seconds: float) -> None:
    """Requests of every kind while PostgreSQL is down; each status is counted."""
    deadline = time.monotonic() + seconds
    with cluster.client() as client:
        while time.monotonic() < deadline:
            for method, path, body in (
                ("GET", "/api/videos", None),
                ("GET", f"/api/videos/{video_id}", None),
                ("GET", "/api/me", None),
                ("POST", "/api/groups", {"name": "during the outage"}),
                ("POST", "/api/auth/login", {"login": "nobody", "password": "whatever-password"}),
            ):
                response = client.request(method, path, json=body, headers=headers)
                cluster.statuses_while_db_down[response.status_code] += 1


def test_the_service_recovers_from_every_fault_and_loses_nothing(cluster: Cluster) -> None:
    cluster.start_api()
    with cluster.client() as client:
        headers = sign_in(client, cluster.data_dir / "outbox", "chaos")

    # 1. kill -9 the API while two uploads are streaming in.
    outcomes: list[str] = []
    senders = [threading.Thread(target=upload_slowly, args=(cluster.api.base_url, headers, outcomes)) for _ in range(2)]
    for sender in senders:
        sender.start()
    uploads_dir = cluster.data_dir / "uploads"
    wait_for(lambda: len(list(uploads_dir.glob("*.part"))) == 2, 20, "both uploads being received")
    cluster.kill_api()
    for sender in senders:
        sender.join()
    assert len(list(uploads_dir.glob("*.part"))) == 2  # the dead API left its temporary files
    cluster.start_api()
    assert list(uploads_dir.glob("*.part")) == [], "the new API did not clear the dead one's temporary files"
    with cluster.client() as client:
        assert videos(client, headers) == [], f"an interrupted upload left a row ({outcomes})"

        # 2. Redis restarted empty while jobs wait in it: upload with no worker running, then lose the queue.
        ids = [upload(client, headers, f"Talk {n}") for n in range(VIDEOS)]
        cluster.queue.kill()
        cluster.queue.start()
        first, second = cluster.start_worker(), cluster.start_worker()

        # 3. kill -9 a worker in the middle of a transcription; a replacement comes up.
        wait_for(
            lambda: any(v["stage"] == "transcribing" for v in videos(client, headers)),
            120,
            "a transcription starting after the queue was lost",
            cluster.root / "worker-1.log",
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
        cluster.start_worker()

        # 4. PostgreSQL restarted while requests keep coming (and the workers are busy).
        cluster.postgres.stop()
        hammer_while_down(cluster, headers, ids[0], seconds=3)
        cluster.postgres.start()
        wait_for(lambda: client.get("/api/videos", headers=headers).status_code == 200, 30, "the API recovering")

        # Recovery: every video reaches a final state.
        def all_final() -> bool:
            return all(v["status"] in {"completed", "error"} for v in videos(client, headers))

        wait_for(all_final, RECOVERY_SECONDS, "every video finishing", cluster.root / "worker-3.log")
        final = {v["id"]: v for v in videos(client, headers)}
    assert second.poll() is None, (
        f"a surviving worker exited with {second.returncode}: {(cluster.root / 'worker-2.log').read_text()[-4000:]}"
    )

    assert set(final) == set(ids), "a video was lost or duplicated"
    assert all(v["status"] == "completed" or v["error"] for v in final.values()), "an error without a reason"
    assert cluster.statuses_while_db_down, "no request was made during the outage"
    assert 500 not in cluster.statuses_while_db_down, (
        f"500s while PostgreSQL was down: {cluster.statuses_while_db_down}"
    )
    # 503 for everything that needs the database; the login guesses hit the per-account limit (kept in Redis) first.
    assert set(cluster.statuses_while_db_down) <= {503, 429}, cluster.statuses_while_db_down
    assert cluster.statuses_while_db_down[503] > 0
    check_storage_and_rows(cluster, final)
    completed = sum(v["status"] == "completed" for v in final.values())
    print(
        f"\nchaos: {len(final)} videos, {completed} completed, {len(final) - completed} error; "
        f"interrupted uploads {outcomes}; statuses while PostgreSQL was down {dict(cluster.statuses_while_db_down)}"
    )


def check_storage_and_rows(cluster: Cluster, final: dict[str, dict]) -> None:
    with psycopg.connect(cluster.database_url) as db:
        rows = db.execute("select id::text, storage_key, status from video").fetchall()
        scenes = collections.defaultdict(list)
        for video_id, index in db.execute("select video_id::text, index from scene order by video_id, index"):
            scenes[video_id].append(index)
        transcripts = {r[0] for r in db.execute("select video_id::text from video_transcript")}
    assert {r[0] for r in rows} == set(final), "rows differ from the videos the API lists"
    for video_id, _, status in rows:
        if status == "completed":
            assert scenes[video_id], f"{video_id} completed without scenes"
            assert scenes[video_id] == list(range(len(scenes[video_id]))), f"{video_id}: scenes {scenes[video_id]}"
            assert video_id in transcripts, f"{video_id} completed without a transcript"
        else:
            assert status == "error"
            assert not scenes[video_id], f"{video_id} failed but kept scenes"
    media = cluster.data_dir / "media"
    stored = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()} if media.exists() else set()
    assert stored == {r[1] for r in rows}, f"orphan or missing files: {stored ^ {r[1] for r in rows}}"
    assert list((cluster.data_dir / "uploads").glob("*")) == [], "temporary upload files left behind"
