"""The video's life cycle rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.errors import Conflict, InvalidInput, LimitReached
from domain.videos import Stage, Video, VideoStatus, check_quota

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def a_video() -> Video:
    return Video.upload(
        owner_id=uuid.uuid4(), title="  Lecture   one ", description=None, size_bytes=10, duration=12.5, now=NOW
    )


class TestVideo:
    def test_an_upload_is_pending_with_a_generated_storage_key(self) -> None:
        video = a_video()
        assert (video.status, video.stage, video.title, video.description) == (
            VideoStatus.PENDING,
            Stage.QUEUED,
            "Lecture one",
            "",
        )
        assert video.storage_key == f"videos/{video.owner_id}/{video.id}"

    def test_processing_then_completion(self) -> None:
        video = a_video().start_processing(now=NOW).report(Stage.TRANSCRIBING, 1.7, now=NOW)
        assert (video.status, video.stage, video.progress) == (VideoStatus.PROCESSING, Stage.TRANSCRIBING, 1.0)
        done = video.complete(language="en", duration=12.4)
        assert (done.status, done.stage, done.language) == (VideoStatus.COMPLETED, Stage.DONE, "en")
        with pytest.raises(Conflict):
            done.start_processing(now=NOW)

    def test_a_failed_video_can_be_retried_and_others_cannot(self) -> None:
        failed = a_video().start_processing(now=NOW).fail("The audio track could not be decoded.")
        assert (failed.status, failed.error_message) == (VideoStatus.ERROR, "The audio track could not be decoded.")
        retried = failed.retry()
        assert (retried.status, retried.error_message) == (VideoStatus.PENDING, None)
        with pytest.raises(Conflict, match="Only a video whose processing failed"):
            retried.retry()

    @pytest.mark.parametrize(("title", "message"), [("   ", "needs a title"), ("x" * 201, "at most 200")])
    def test_titles_are_checked(self, title: str, message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            a_video().edit(title=title)

    def test_quota(self) -> None:
        check_quota(owned=9, limit=10)
        with pytest.raises(LimitReached, match="limit of 10 videos"):
            check_quota(owned=10, limit=10)
