"""Faults at start give one clear line (exit status 2), never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import free_port


def run_askvideo(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("askvideo: ")
    for text in expected:
        assert text in line


def test_an_unwritable_data_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_askvideo(["serve"], {"ASKVIDEO_DATA_DIR": str(blocker / "data"), "ASKVIDEO_PORT": str(free_port())})
    assert_one_clear_line(result, "Cannot write to the data directory", "ASKVIDEO_DATA_DIR")


def test_a_port_already_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_askvideo(["serve"], {"ASKVIDEO_DATA_DIR": str(tmp_path), "ASKVIDEO_PORT": str(port)})
    assert_one_clear_line(result, f"Cannot listen on 127.0.0.1:{port}", "ASKVIDEO_PORT")


@pytest.mark.parametrize("command", [["serve"], ["migrate"], ["worker"]])
def test_a_database_that_is_down(command: list[str], tmp_path: Path) -> None:
    dead = free_port()  # nothing listens there
    result = run_askvideo(
        command,
        {
            "ASKVIDEO_DATABASE_URL": f"postgresql://askvideo:secret-pw@127.0.0.1:{dead}/askvideo",
            "ASKVIDEO_REDIS_URL": "redis://127.0.0.1:1/0",
            "ASKVIDEO_DATA_DIR": str(tmp_path),
            "ASKVIDEO_PORT": str(free_port()),
        },
    )
    assert_one_clear_line(result, "Cannot connect to the database", f"127.0.0.1:{dead}", "ASKVIDEO_DATABASE_URL")
    assert "secret-pw" not in result.stderr


def test_a_wrong_setting_names_its_variable() -> None:
    result = run_askvideo(["serve"], {"ASKVIDEO_PORT": "http"})
    assert_one_clear_line(result, "ASKVIDEO_PORT is invalid")


def test_api_only_without_servers_explains_what_to_set(tmp_path: Path) -> None:
    result = run_askvideo(
        ["serve", "--api-only"], {"ASKVIDEO_DATA_DIR": str(tmp_path), "ASKVIDEO_PORT": str(free_port())}
    )
    assert_one_clear_line(result, "--api-only` needs ASKVIDEO_DATABASE_URL and ASKVIDEO_REDIS_URL")


def test_set_video_limit_for_an_unknown_user_says_so(database_url: str, tmp_path: Path) -> None:
    result = run_askvideo(
        ["set-video-limit", "nobody-here", "5"],
        {
            "ASKVIDEO_DATABASE_URL": database_url,
            "ASKVIDEO_REDIS_URL": "redis://127.0.0.1:1/0",
            "ASKVIDEO_DATA_DIR": str(tmp_path),
        },
    )
    assert_one_clear_line(result, "There is no user 'nobody-here'")
