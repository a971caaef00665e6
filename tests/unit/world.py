"""A small world of in-memory adapters for the video and question use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from adapters.memory import (
    FakeAudioExtractor,
    FakeClock,
    FakeEmbedder,
    FakeMediaProbe,
    FakeTranscriberChooser,
    InMemoryBlobStorage,
    InMemoryJobQueue,
    InMemoryStore,
    InMemoryUnitOfWork,
    fake_media,
)
from adapters.security import FernetSecretBox
from application.accounts.authenticate import Caller
from application.videos.process_video import ProcessingRules, ProcessVideoJob
from application.videos.upload_video import UploadCommand, UploadVideo
from domain.accounts import User

TALK = fake_media(
    30.0,
    (0.0, 4.0, "Welcome to the course."),
    (4.0, 9.0, "The capital of Australia is Canberra."),
    (20.0, 26.0, "Our meeting moved to Thursday at nine."),
)


@dataclass
class World:
    store: InMemoryStore
    storage: InMemoryBlobStorage
    queue: InMemoryJobQueue
    clock: FakeClock
    transcribers: FakeTranscriberChooser
    box: FernetSecretBox
    folder: Path

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def add_user(self, *, limit: int = 10, key: str | None = None) -> Caller:
        user = User.register(
            username=f"u{uuid.uuid4().hex[:6]}",
            email=f"{uuid.uuid4().hex[:6]}@x.org",
            password_hash="h",
            video_limit=limit,
            now=self.clock.now(),
        ).activate()
        if key:
            user = user.with_openai_key(self.box.encrypt(key), key[-4:])
        self.store.users[user.id] = user
        return Caller(user=user, session_id=uuid.uuid4())

    def file(self, content: bytes = TALK) -> UploadCommand:
        path = self.folder / f"{uuid.uuid4().hex}.part"
        path.write_bytes(content)
        return UploadCommand(title="Lecture 1", description="Intro", file=path, size_bytes=len(content))

    def upload(self) -> UploadVideo:
        return UploadVideo(self.uow(), FakeMediaProbe(), self.storage, self.queue, self.clock)

    def process(self) -> ProcessVideoJob:
        return ProcessVideoJob(
            self.uow(),
            self.storage,
            FakeAudioExtractor(),
            self.transcribers,
            FakeEmbedder(),
            self.box,
            self.clock,
            ProcessingRules(lease=timedelta(minutes=5), heartbeat_every=0.01),
        )
