"""Video use cases against in-memory adapters: upload, process, list, edit, delete, retry, sweep, erase."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.memory import FakeEmbedder
from application.videos.manage_videos import (
    DeleteVideo,
    EditVideo,
    EraseUserVideos,
    GetVideo,
    ListVideos,
    RequeueStalledVideos,
    RetryVideo,
    VideoQuery,
)
from application.videos.process_video import ProcessingRules
from application.videos.reindex_videos import ReindexVideo as ReindexVideoJob
from application.videos.transcripts import GetTranscript, OpenMedia
from application.videos.upload_video import CheckUploadAllowed, UploadCommand
from domain.commands import DeleteStoredFile, ProcessVideo, ReindexVideo
from domain.errors import Conflict, InvalidInput, InvalidMedia, LimitReached, NotFound, Unavailable
from domain.videos import Stage, VideoStatus
from tests.unit.world import TALK, World


class TestUploadVideo:
    async def test_stores_the_file_and_a_pending_video_then_queues_it(self, world: World) -> None:
        caller = world.add_user()
        video = await world.upload()(caller, world.file())
        assert (video.status, video.title, video.duration) == (VideoStatus.PENDING, "Lecture 1", 30.0)
        assert world.storage.blobs[video.storage_key] == TALK
        assert world.store.videos[video.id] == video
        assert world.queue.sent == [ProcessVideo(video_id=video.id)]
        assert str(caller.user.id) in video.storage_key

    @pytest.mark.parametrize(
        ("content", "error", "message"),
        [(b"", InvalidMedia, "empty"), (b"MZ\x90\x00 an executable", InvalidMedia, "not a video")],
    )
    async def test_a_file_that_is_not_media_is_refused_and_nothing_is_stored(
        self, world: World, content: bytes, error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=message):
            await world.upload()(world.add_user(), world.file(content))
        assert world.storage.blobs == {}
        assert world.store.videos == {}
        assert world.queue.sent == []

    async def test_a_missing_title_is_refused_before_anything_is_stored(self, world: World) -> None:
        command = world.file()
        with pytest.raises(InvalidInput, match="needs a title"):
            await world.upload()(
                world.add_user(),
                UploadCommand(title=" ", description=None, file=command.file, size_bytes=command.size_bytes),
            )
        assert world.storage.blobs == {}

    async def test_the_quota_is_checked_early_and_again_at_storing(self, world: World) -> None:
        caller = world.add_user(limit=1)
        await CheckUploadAllowed(world.uow())(caller)
        await world.upload()(caller, world.file())
        with pytest.raises(LimitReached, match="limit of 1 videos"):
            await CheckUploadAllowed(world.uow())(caller)
        with pytest.raises(LimitReached):
            await world.upload()(caller, world.file())
        assert len(world.storage.blobs) == 1

    async def test_storage_down_is_reported_and_nothing_is_kept(self, world: World) -> None:
        world.storage.down = True
        with pytest.raises(Unavailable):
            await world.upload()(world.add_user(), world.file())
        assert world.store.videos == {}

    async def test_a_down_queue_keeps_the_upload_for_the_sweeper(self, world: World) -> None:
        world.queue.down = True
        video = await world.upload()(world.add_user(), world.file())
        assert world.store.videos[video.id].status is VideoStatus.PENDING


class TestProcessVideo:
    async def test_transcribes_cuts_scenes_and_completes(self, world: World) -> None:
        video = await world.upload()(world.add_user(), world.file())
        done = await world.process()(video.id)
        assert done is not None
        assert (done.status, done.stage, done.progress, done.language) == (VideoStatus.COMPLETED, Stage.DONE, 1.0, "en")
        transcript = world.store.transcripts[video.id]
        assert "Canberra" in transcript.text
        _, embedder, scenes = world.store.scenes[video.id]
        assert embedder == "fake-embedder"
        assert scenes[0].scene.start == 0.0
        assert "Canberra" in " ".join(s.scene.text for s in scenes)
        assert all(len(v) == 384 for s in scenes for v in s.sentence_vectors)
        assert all(len(s.sentence_vectors) == len(s.scene.sentences) for s in scenes)

    async def test_a_second_run_does_nothing_and_never_duplicates(self, world: World) -> None:
        video = await world.upload()(world.add_user(), world.file())
        await world.process()(video.id)
        scenes = world.store.scenes[video.id][2]
        assert await world.process()(video.id) is None
        assert world.store.scenes[video.id][2] == scenes

    async def test_a_job_held_by_a_live_worker_is_not_taken_until_its_lease_runs_out(self, world: World) -> None:
        video = await world.upload()(world.add_user(), world.file())
        async with world.uow() as uow:
            await uow.videos.claim(video.id, now=world.clock.now(), lease=timedelta(minutes=5))
            await uow.commit()
        assert await world.process()(video.id) is None
        world.clock.advance(minutes=6)  # the first worker died: no heartbeat since
        done = await world.process()(video.id)
        assert done is not None
        assert done.status is VideoStatus.COMPLETED

    async def test_a_video_deleted_meanwhile_ends_quietly(self, world: World) -> None:
        assert await world.process()(uuid.uuid4()) is None

    async def test_media_that_cannot_be_decoded_ends_in_error_with_a_reason(self, world: World) -> None:
        video = await world.upload()(world.add_user(), world.file())
        world.storage.blobs[video.storage_key] = b"garbage"
        failed = await world.process()(video.id)
        assert failed is not None
        assert (failed.status, failed.error_message) == (VideoStatus.ERROR, "The file is not a video or audio file.")

    async def test_a_file_missing_from_storage_ends_in_error(self, world: World) -> None:
        video = await world.upload()(world.add_user(), world.file())
        del world.storage.blobs[video.storage_key]
        failed = await world.process()(video.id)
        assert failed is not None
        assert "missing from storage" in (failed.error_message or "")

    async def test_storage_down_is_left_to_the_queue_to_retry(self, world: World) -> None:
        video = await world.upload()(world.add_user(), world.file())
        world.storage.down = True
        with pytest.raises(Unavailable):
            await world.process()(video.id)
        assert world.store.videos[video.id].status is VideoStatus.PROCESSING

    async def test_the_owners_own_openai_key_is_offered_to_the_transcriber(self, world: World) -> None:
        caller = world.add_user(key="sk-own-key-abcdefghijklmnopqrstuvwxyz")
        video = await world.upload()(caller, world.file())
        await world.process()(video.id)
        assert world.transcribers.keys_seen == ["sk-own-key-abcdefghijklmnopqrstuvwxyz"]


class TestManageVideos:
    async def test_list_get_edit_and_transcript(self, world: World) -> None:
        caller = world.add_user()
        first = await world.upload()(caller, world.file())
        world.clock.advance(minutes=1)
        second = await world.upload()(caller, world.file())
        page = await ListVideos(world.uow())(caller, VideoQuery())
        assert [v.id for v in page.items] == [second.id, first.id]
        edited = await EditVideo(world.uow(), world.queue)(caller, first.id, title="Renamed", description=None)
        assert (edited.title, edited.description) == ("Renamed", "Intro")
        with pytest.raises(Conflict, match="no transcript yet"):
            await GetTranscript(world.uow())(caller, first.id)
        await world.process()(first.id)
        _, transcript = await GetTranscript(world.uow())(caller, first.id)
        assert transcript.segments[1].text == "The capital of Australia is Canberra."
        media = await OpenMedia(world.uow(), world.storage)(caller, first.id)
        assert media.size == len(TALK)

    async def test_a_new_title_is_reindexed_in_the_background_and_searched(self, world: World) -> None:
        caller = world.add_user()
        video = await world.upload()(caller, world.file())
        await world.process()(video.id)
        world.queue.sent.clear()
        await EditVideo(world.uow(), world.queue)(caller, video.id, title=None, description="Only the description")
        assert world.queue.sent == []  # the description is not embedded
        await EditVideo(world.uow(), world.queue)(caller, video.id, title="Volcanoes of Iceland", description=None)
        assert world.queue.sent == [ReindexVideo(video_id=video.id)]
        before = [s.sentence_vectors for s in world.store.scenes[video.id][2]]
        assert await ReindexVideoJob(world.uow(), FakeEmbedder(), ProcessingRules())(video.id)
        after = [s.sentence_vectors for s in world.store.scenes[video.id][2]]
        assert after != before  # every sentence is embedded after the new title

    async def test_a_title_change_still_saves_when_the_queue_is_down(self, world: World) -> None:
        caller = world.add_user()
        video = await world.upload()(caller, world.file())
        await world.process()(video.id)
        world.queue.down = True
        edited = await EditVideo(world.uow(), world.queue)(caller, video.id, title="Renamed", description=None)
        async with world.uow() as uow:
            assert (await uow.videos.get(video.id)).title == edited.title == "Renamed"

    async def test_reindexing_a_video_that_is_gone_or_not_ready_does_nothing(self, world: World) -> None:
        caller = world.add_user()
        video = await world.upload()(caller, world.file())
        reindex = ReindexVideoJob(world.uow(), FakeEmbedder(), ProcessingRules())
        assert not await reindex(video.id)  # uploaded, not processed
        assert not await reindex(uuid.uuid4())

    async def test_another_users_video_is_not_found_for_every_action(self, world: World) -> None:
        video = await world.upload()(world.add_user(), world.file())
        stranger = world.add_user()
        for action in (
            GetVideo(world.uow())(stranger, video.id),
            EditVideo(world.uow(), world.queue)(stranger, video.id, title="x", description=None),
            DeleteVideo(world.uow(), world.storage, world.queue)(stranger, video.id),
            RetryVideo(world.uow(), world.queue)(stranger, video.id),
            GetTranscript(world.uow())(stranger, video.id),
            OpenMedia(world.uow(), world.storage)(stranger, video.id),
        ):
            with pytest.raises(NotFound, match="no video with that id"):
                await action
        assert world.store.videos[video.id] == video

    async def test_a_bad_page_is_refused(self, world: World) -> None:
        with pytest.raises(InvalidInput):
            await ListVideos(world.uow())(world.add_user(), VideoQuery(limit=0))

    async def test_delete_removes_the_row_scenes_and_file(self, world: World) -> None:
        caller = world.add_user()
        video = await world.upload()(caller, world.file())
        await world.process()(video.id)
        await DeleteVideo(world.uow(), world.storage, world.queue)(caller, video.id)
        assert video.id not in world.store.videos
        assert video.id not in world.store.scenes
        assert world.storage.blobs == {}

    async def test_a_file_that_cannot_be_deleted_now_is_queued_for_later(self, world: World) -> None:
        caller = world.add_user()
        video = await world.upload()(caller, world.file())
        world.storage.down = True
        await DeleteVideo(world.uow(), world.storage, world.queue)(caller, video.id)
        assert video.id not in world.store.videos
        assert world.queue.sent[-1] == DeleteStoredFile(storage_key=video.storage_key)

    async def test_retry_only_after_a_failure(self, world: World) -> None:
        caller = world.add_user()
        video = await world.upload()(caller, world.file())
        with pytest.raises(Conflict):
            await RetryVideo(world.uow(), world.queue)(caller, video.id)
        world.storage.blobs[video.storage_key] = b"garbage"
        await world.process()(video.id)
        world.storage.blobs[video.storage_key] = TALK
        retried = await RetryVideo(world.uow(), world.queue)(caller, video.id)
        assert retried.status is VideoStatus.PENDING
        assert world.queue.sent[-1] == ProcessVideo(video_id=video.id)
        assert (await world.process()(video.id)).status is VideoStatus.COMPLETED

    async def test_the_sweeper_requeues_lost_jobs_only(self, world: World) -> None:
        caller = world.add_user()
        lost = await world.upload()(caller, world.file())
        world.clock.advance(minutes=10)
        fresh = await world.upload()(caller, world.file())
        world.queue.sent.clear()
        requeued = await RequeueStalledVideos(world.uow(), world.queue, world.clock, timedelta(minutes=5))()
        assert requeued == [lost.id]
        assert world.queue.sent == [ProcessVideo(video_id=lost.id)]
        assert fresh.id not in requeued

    async def test_erasing_a_user_removes_all_their_videos_and_files(self, world: World) -> None:
        caller, other = world.add_user(), world.add_user()
        for _ in range(3):
            await world.upload()(caller, world.file())
        kept = await world.upload()(other, world.file())
        await EraseUserVideos(world.uow(), world.storage, world.queue).erase_user_data(caller.user.id)
        assert list(world.store.videos) == [kept.id]
        assert list(world.storage.blobs) == [kept.storage_key]
