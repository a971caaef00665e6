"""Which use case runs each background command: shared by the Dramatiq actors and the in-memory demo queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.system.pipeline_checks import CompletePipelineCheckCommand
from domain.commands import Command, DeleteStoredFile, ProcessVideo, ReindexVideo, RunPipelineCheck

if TYPE_CHECKING:
    from entrypoints.container import Container


async def run_command(container: Container, command: Command, *, worker: str) -> object:
    """Run the use case that handles `command`; return what it returned (a processed `Video`, …)."""
    use_cases = container.use_cases
    match command:
        case RunPipelineCheck(check_id=check_id):
            await use_cases.complete_pipeline_check()(CompletePipelineCheckCommand(check_id=check_id, worker=worker))
        case ProcessVideo(video_id=video_id):
            return await use_cases.process_video()(video_id)
        case ReindexVideo(video_id=video_id):
            return await use_cases.reindex_video()(video_id)
        case DeleteStoredFile(storage_key=key):
            await use_cases.delete_stored_file()(key)
        case _:
            msg = f"No use case handles {type(command).__name__}"
            raise TypeError(msg)
    return None


COMMANDS: tuple[type[Command], ...] = (RunPipelineCheck, ProcessVideo, ReindexVideo, DeleteStoredFile)
"""Every command a worker must have an actor for."""
