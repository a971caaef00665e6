"""A worker killed with SIGKILL mid-transcription: another worker takes the video over (its lease ran out) and
the video completes with exactly one set of scenes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

from tests.integration.conftest import start_askvideo, stop_askvideo

MEDIA = Path(__file__).resolve().parent.parent / "fixtures" / "media"
PASSWORD = "correct horse battery"


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")}
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "worker"],
        env={**clean, **env},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def test_kill_9_mid_transcription_then_a_new_worker_completes_it(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    env = {
        "ASKVIDEO_DATABASE_URL": database_url,
        "ASKVIDEO_REDIS_URL": redis_url,
        "ASKVIDEO_DATA_DIR": str(tmp_path),
        "ASKVIDEO_SECRET_KEY": "crash-test-secret-" + "z" * 32,
        "ASKVIDEO_PROCESSING_LEASE_SECONDS": "4",
        "ASKVIDEO_SWEEP_INTERVAL_SECONDS": "1",
        "ASKVIDEO_SIGNUPS_PER_IP": "1000",
        "ASKVIDEO_LOGINS_PER_IP": "1000",
    }
    api = start_askvideo(["serve", "--api-only"], env, tmp_path)
    first = start_worker(env, tmp_path / "worker-1.log")
    second = None
    try:
        with httpx.Client(base_url=api.base_url, timeout=30) as client:
            client.post(
                "/api/auth/signup", json={"username": "crash", "email": "crash@example.org", "password": PASSWORD}
            )
            body = next((tmp_path / "outbox").glob("*.eml")).read_text()
            import email  # noqa: PLC0415

            message = email.message_from_string(body)
            token = message.get_payload(decode=True).decode().split("token=")[1].split()[0]
            client.post("/api/auth/verify-email", json={"token": token})
            login = client.post(
                "/api/auth/login", json={"login": "crash", "password": PASSWORD, "tokenDelivery": "body"}
            )
            client.headers["Authorization"] = f"Bearer {login.json()['accessToken']}"
            with (MEDIA / "talk.mp4").open("rb") as handle:
                video_id = client.post(
                    "/api/videos", data={"title": "crash"}, files={"file": ("talk.mp4", handle, "video/mp4")}
                ).json()["id"]

            deadline = time.monotonic() + 120
            while client.get(f"/api/videos/{video_id}").json()["stage"] != "transcribing":
                assert time.monotonic() < deadline, (tmp_path / "worker-1.log").read_text()
                time.sleep(0.05)
            first.send_signal(signal.SIGKILL)
            first.wait()
            assert client.get(f"/api/videos/{video_id}").json()["status"] == "processing"

            second = start_worker(env, tmp_path / "worker-2.log")
            deadline = time.monotonic() + 180
            while (video := client.get(f"/api/videos/{video_id}").json())["status"] != "completed":
                assert video["status"] != "error", video
                assert time.monotonic() < deadline, (tmp_path / "worker-2.log").read_text()
                time.sleep(0.2)
        with psycopg.connect(database_url) as db:
            indexes = [
                r[0] for r in db.execute("select index from scene where video_id = %s order by index", (video_id,))
            ]
        assert indexes == list(range(len(indexes)))
        assert indexes  # one set of scenes, no duplicates
        assert "requeued stalled videos" in (tmp_path / "worker-2.log").read_text()
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
        stop_askvideo(api)
