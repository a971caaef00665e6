"""Temporary upload files of a process that died are removed at the next start; others' files are left alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from entrypoints.http.uploads import _owner_prefix, remove_abandoned_uploads


def test_files_of_dead_processes_and_of_this_start_go_live_and_foreign_ones_stay(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        prefix = _owner_prefix()
        host = prefix.split("-")[1]
        mine = tmp_path / f"{prefix}abc.part"
        of_dead = tmp_path / f"upload-{host}-{dead.pid}-abc.part"
        of_live = tmp_path / f"upload-{host}-{live.pid}-abc.part"
        other_host = tmp_path / f"upload-otherhost-{dead.pid}-abc.part"
        unrelated = tmp_path / "notes.txt"
        for path in (mine, of_dead, of_live, other_host, unrelated):
            path.write_bytes(b"x")
        removed = remove_abandoned_uploads(tmp_path)
        assert sorted(removed) == sorted([mine, of_dead])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (of_live, other_host, unrelated))
    finally:
        live.kill()
        live.wait()


def test_a_missing_folder_is_nothing_to_clean(tmp_path: Path) -> None:
    assert remove_abandoned_uploads(tmp_path / "never-made") == []
