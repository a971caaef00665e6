"""With the URLs set, the same code talks to separately started servers: API and workers as their own processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.integration.conftest import start_askvideo, stop_askvideo

OPERATOR_TOKEN = "operator-token-for-the-tests-0123456789"
OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


def test_api_only_and_a_separate_worker_process_complete_a_job(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    env = {"ASKVIDEO_DATABASE_URL": database_url, "ASKVIDEO_REDIS_URL": redis_url, "ASKVIDEO_DATA_DIR": str(tmp_path)}
    api = start_askvideo(["serve", "--api-only"], {**env, "ASKVIDEO_OPERATOR_TOKEN": OPERATOR_TOKEN}, tmp_path)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")}
    worker = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "worker"],
        env={**clean, **env},
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        with api.client() as client:
            check_id = client.post("/api/system/pipeline-checks", headers=OPERATOR).json()["id"]
            deadline = time.monotonic() + 30
            while (check := client.get(f"/api/system/pipeline-checks/{check_id}", headers=OPERATOR).json())[
                "status"
            ] != "done":
                assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
                time.sleep(0.1)
        assert check["worker"].endswith(f":{worker.pid}")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        stop_askvideo(api)


def test_readiness_is_503_and_names_the_queue_when_redis_is_down(database_url: str, tmp_path: Path) -> None:
    env = {
        "ASKVIDEO_DATABASE_URL": database_url,
        "ASKVIDEO_REDIS_URL": f"unix://{tmp_path}/no-redis.sock",
        "ASKVIDEO_DATA_DIR": str(tmp_path),
        "ASKVIDEO_OPERATOR_TOKEN": OPERATOR_TOKEN,
    }
    api = start_askvideo(["serve", "--api-only"], env, tmp_path)
    try:
        with api.client() as client:
            ready = client.get("/health/ready")
            queued = client.post("/api/system/pipeline-checks", headers=OPERATOR)
        assert ready.status_code == 503
        parts = {p["name"]: p["ok"] for p in ready.json()["parts"]}
        assert parts == {"database": True, "queue": False}
        assert queued.status_code == 503
        assert queued.json()["code"] == "unavailable"
    finally:
        stop_askvideo(api)
