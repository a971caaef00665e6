"""`askvideo ingest` and `askvideo reindex`: the same use cases as the service, run in this process with progress."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from dependency_injector import providers

from adapters.memory import InMemoryJobQueue
from application.accounts.authenticate import Caller
from application.videos.upload_video import UploadCommand
from domain.accounts import User
from domain.errors import DomainError
from domain.videos import Video, VideoStatus
from entrypoints.container import build_container, close_gateways
from entrypoints.embedded import StartupError

if TYPE_CHECKING:
    from entrypoints.container import Container
    from entrypoints.settings import Settings

CLI_USER = "cli"
LOCAL_ACCOUNTS = frozenset({CLI_USER, "eval"})
"""Accounts the command line creates for itself on first use; nobody can log in to them."""
STAGE_NAMES = {
    "queued": "queued",
    "extracting_audio": "extracting audio",
    "transcribing": "transcribing",
    "indexing": "indexing",
    "done": "done",
}


class ProgressBar:
    """One line per stage; redrawn in place on a terminal, printed once per 25 % otherwise."""

    def __init__(self, *, width: int = 30) -> None:
        self._width = width
        self._tty = sys.stderr.isatty()
        self._last: tuple[str, int] | None = None

    def show(self, stage: str, fraction: float) -> None:
        """Draw the bar for `stage` at `fraction` (0–1)."""
        percent = int(fraction * 100)
        key = (stage, percent if self._tty else percent // 25 * 25)
        if key == self._last:
            return
        if self._last and self._last[0] != stage and self._tty:
            sys.stderr.write("\n")
        self._last = key
        filled = int(self._width * fraction)
        line = f"{STAGE_NAMES.get(stage, stage):<17} [{'#' * filled}{'.' * (self._width - filled)}] {percent:3d}%"
        sys.stderr.write(("\r" + line) if self._tty else line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        """End the last line."""
        if self._tty and self._last:
            sys.stderr.write("\n")


async def _owner(container: Container, login: str | None) -> Caller:
    """The named user, or a local command-line account (created on first use, unable to log in)."""
    login = login or CLI_USER
    async with container.gateways.uow() as uow:
        user = await uow.users.get_by_login(login)
        if user is None:
            if login not in LOCAL_ACCOUNTS:
                raise StartupError(f"There is no user {login!r}.")
            hasher = container.gateways.hasher()
            user = User.register(
                username=login,
                email=f"{login}@localhost.invalid",
                password_hash=await hasher.hash(secrets.token_urlsafe(32)),
                video_limit=1_000_000,
                now=container.gateways.clock().now(),
            )
            await uow.users.add(user)
            await uow.commit()
    # Not a login session: the id only names who acts.
    return Caller(user=user, session_id=user.id)


async def _watch(container: Container, video_id: object, bar: ProgressBar, done: asyncio.Event) -> None:
    while not done.is_set():
        async with container.gateways.uow() as uow:
            video = await uow.videos.get(video_id)
        if video is not None:
            bar.show(video.stage.value, video.progress)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=0.5)


async def ingest_file(container: Container, path: Path, size: int, *, title: str | None, login: str | None) -> Video:
    """Upload `path` and process it here, showing each stage's progress."""
    caller = await _owner(container, login)
    # Process here rather than on a worker: the queue only records the job.
    container.gateways.job_queue.override(providers.Object(InMemoryJobQueue()))
    upload = container.use_cases.upload_video()
    video = await upload(caller, UploadCommand(title=title or path.stem, description=None, file=path, size_bytes=size))
    bar = ProgressBar()
    done = asyncio.Event()
    watcher = asyncio.create_task(_watch(container, video.id, bar, done))
    try:
        result = await container.use_cases.process_video()(video.id)
    finally:
        done.set()
        await watcher
    if result is not None:
        bar.show(result.stage.value, 1.0 if result.status is VideoStatus.COMPLETED else result.progress)
    bar.close()
    return result or video


def file_digest(path: Path) -> str:
    """sha256 of a file's content, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class IngestedFiles:
    """Which local files were already ingested (by content), so asking again reuses their index."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / "cli-ingested.json"

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self._path.read_text())
        except (OSError, ValueError):
            return {}

    def get(self, digest: str) -> uuid.UUID | None:
        """The video made from this content, if any."""
        value = self._load().get(digest)
        return uuid.UUID(value) if value else None

    def remember(self, digest: str, video_id: uuid.UUID) -> None:
        """Record a new ingest."""
        known = self._load()
        known[digest] = str(video_id)
        self._path.write_text(json.dumps(known, indent=1))


async def ensure_ingested(
    container: Container, path: Path, *, title: str | None, login: str | None, known: IngestedFiles
) -> Video:
    """The completed video for this file: reused when the same content was ingested before, else ingested now."""
    digest = await asyncio.to_thread(file_digest, path)
    caller = await _owner(container, login)
    previous = known.get(digest)
    if previous is not None:
        async with container.gateways.uow() as uow:
            video = await uow.videos.get(previous)
        if video is not None and video.owner_id == caller.user.id and video.status is VideoStatus.COMPLETED:
            return video
    video = await ingest_file(container, path, (await asyncio.to_thread(path.stat)).st_size, title=title, login=login)
    if video.status is VideoStatus.COMPLETED:
        known.remember(digest, video.id)
    return video


def run_ingest(settings: Settings, file: str, *, title: str | None, login: str | None) -> Video:
    """CLI entry: ingest one local file."""
    path = Path(file).expanduser()
    if not path.is_file():
        raise StartupError(f"There is no file {path}.")
    container = build_container(settings)

    async def go() -> Video:
        try:
            return await ingest_file(container, path, path.stat().st_size, title=title, login=login)
        finally:
            await close_gateways(container)

    try:
        return asyncio.run(go())
    except DomainError as error:
        raise StartupError(error.detail) from None


def run_reindex(settings: Settings) -> int:
    """CLI entry: rebuild every completed video's scenes with the configured embedder."""
    container = build_container(settings)
    bar = ProgressBar()

    async def go() -> int:
        try:
            return await container.use_cases.reindex_videos()(lambda done, total: bar.show("indexing", done / total))
        finally:
            await close_gateways(container)

    count = asyncio.run(go())
    bar.close()
    return count
