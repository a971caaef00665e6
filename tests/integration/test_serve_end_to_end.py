"""The one-command product: `askvideo serve` on the embedded default, over real HTTP, with a real worker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.integration.conftest import RunningApp, start_askvideo, stop_askvideo

OPERATOR_TOKEN = "operator-token-for-the-tests-0123456789"
OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="avsrv-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def served(data_dir: Path) -> Iterator[RunningApp]:
    app = start_askvideo(
        ["serve"], {"ASKVIDEO_DATA_DIR": str(data_dir), "ASKVIDEO_OPERATOR_TOKEN": OPERATOR_TOKEN}, data_dir
    )
    yield app
    stop_askvideo(app)


def wait_for_done(client: httpx.Client, check_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check = client.get(f"/api/system/pipeline-checks/{check_id}", headers=OPERATOR).json()
        if check["status"] == "done":
            return check
        time.sleep(0.1)
    pytest.fail(f"pipeline check {check_id} was not completed within {timeout} s")


class TestServeOnTheEmbeddedDefault:
    def test_it_is_ready_with_the_embedded_database_and_queue(self, served: RunningApp) -> None:
        with served.client() as client:
            response = client.get("/health/ready")
        assert response.status_code == 200
        assert [(p["name"], p["ok"]) for p in response.json()["parts"]] == [("database", True), ("queue", True)]

    def test_a_job_goes_from_the_api_through_the_queue_to_a_worker_process_and_back(self, served: RunningApp) -> None:
        with served.client() as client:
            started = client.post("/api/system/pipeline-checks", headers=OPERATOR)
            assert started.status_code == 202
            check = wait_for_done(client, started.json()["id"])
        worker_pid = int(check["worker"].rsplit(":", 1)[1])
        assert worker_pid != served.process.pid  # a separate worker process did it
        assert worker_pid != os.getpid()

    def test_the_openapi_schema_is_served(self, served: RunningApp) -> None:
        with served.client() as client:
            schema = client.get("/schema/openapi.json")
        assert schema.status_code == 200
        assert schema.json()["info"]["title"] == "Ask Video API"

    def test_log_lines_carry_the_request_id(self, served: RunningApp) -> None:
        with served.client() as client:
            client.get("/health/live", headers={"X-Request-ID": "e2e-trace-7"})
        time.sleep(0.2)
        assert any("e2e-trace-7" in line and "/health/live" in line for line in served.log.splitlines())

    def test_a_second_serve_on_the_same_data_directory_is_refused_clearly(
        self, served: RunningApp, data_dir: Path
    ) -> None:
        second = start_askvideo(["serve"], {"ASKVIDEO_DATA_DIR": str(data_dir)}, data_dir, wait_ready=False)
        assert second.process.wait(timeout=60) == 2
        assert "already running" in second.log
        assert "Traceback" not in second.log
        with served.client() as client:  # the first one is untouched
            assert client.get("/health/ready").status_code == 200


def test_stopping_serve_stops_the_workers_and_the_embedded_servers(tmp_path_factory: pytest.TempPathFactory) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="avstop-"))
    try:
        app = start_askvideo(["serve"], {"ASKVIDEO_DATA_DIR": str(data_dir)}, data_dir)
        assert stop_askvideo(app) == 0
        assert not (data_dir / "postgres" / "postmaster.pid").exists()
        assert not (data_dir / "redis" / "redis.sock").exists()
        assert "Traceback" not in app.log
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


class TestAccountsOnTheEmbeddedDefault:
    def test_sign_up_prints_the_verification_link_and_keeps_the_email_in_the_outbox(
        self, served: RunningApp, data_dir: Path
    ) -> None:
        with served.client() as client:
            created = client.post(
                "/api/auth/signup",
                json={"username": "newcomer", "email": "newcomer@example.org", "password": "correct horse battery"},
            )
        assert created.status_code == 201
        emails = list((data_dir / "outbox").glob("*.eml"))
        assert len(emails) == 1
        assert "verify-email?token=" in emails[0].read_text()
        time.sleep(0.2)
        assert any("verify-email?token=" in line for line in served.log.splitlines())

    def test_an_administrator_sets_a_video_limit_from_the_command_line(
        self, served: RunningApp, data_dir: Path
    ) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")},
            "ASKVIDEO_DATA_DIR": str(data_dir),
        }
        result = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "set-video-limit", "newcomer@example.org", "25"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "newcomer (newcomer@example.org) may now keep 25 videos." in result.stdout


def test_an_admin_command_beside_serve_leaves_the_queue_running(served: RunningApp) -> None:
    # Runs after the CLI test above: the running serve's queue must still answer.
    with served.client() as client:
        ready = client.get("/health/ready").json()
    assert all(part["ok"] for part in ready["parts"]), ready


def test_workers_do_not_outlive_a_serve_killed_with_sigkill() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="avkill-"))
    try:
        app = start_askvideo(["serve"], {"ASKVIDEO_DATA_DIR": str(data_dir)}, data_dir)
        serve = psutil.Process(app.process.pid)
        deadline = time.monotonic() + 30
        while not (workers := [p for p in serve.children() if "worker" in " ".join(p.cmdline())]):
            assert time.monotonic() < deadline, "serve started no worker"
            time.sleep(0.1)
        app.process.kill()
        app.process.wait()
        gone, alive = psutil.wait_procs(workers, timeout=30)
        assert alive == []
        assert gone
    finally:
        for process in psutil.process_iter(["cmdline"]):
            if str(data_dir) in " ".join(process.info["cmdline"] or []):
                process.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
