"""In-memory adapters for every port: fast test doubles, also usable for a demo without servers."""

from adapters.memory.clock import FakeClock
from adapters.memory.judge import WordOverlapJudge
from adapters.memory.media import (
    FakeAudioExtractor,
    FakeEmbedder,
    FakeMediaProbe,
    FakeTranscriber,
    FakeTranscriberChooser,
    fake_media,
)
from adapters.memory.queue import InMemoryJobQueue
from adapters.memory.security import FakePasswordHasher, InMemoryMailer, InMemoryRateLimiter
from adapters.memory.storage import InMemoryBlobStorage
from adapters.memory.unit_of_work import InMemoryStore, InMemoryUnitOfWork

__all__ = (
    "FakeAudioExtractor",
    "FakeClock",
    "FakeEmbedder",
    "FakeMediaProbe",
    "FakePasswordHasher",
    "FakeTranscriber",
    "FakeTranscriberChooser",
    "InMemoryBlobStorage",
    "InMemoryJobQueue",
    "InMemoryMailer",
    "InMemoryRateLimiter",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "WordOverlapJudge",
    "fake_media",
)
