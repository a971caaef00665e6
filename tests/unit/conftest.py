"""Fixtures shared by the unit tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from adapters.memory import FakeClock, FakeTranscriberChooser, InMemoryBlobStorage, InMemoryJobQueue, InMemoryStore
from adapters.security import FernetSecretBox, fernet_key
from tests.unit.world import World

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def world(tmp_path: Path) -> World:
    """Fresh in-memory adapters for one test."""
    return World(
        store=InMemoryStore(),
        storage=InMemoryBlobStorage(),
        queue=InMemoryJobQueue(),
        clock=FakeClock(),
        transcribers=FakeTranscriberChooser(),
        box=FernetSecretBox([fernet_key("k" * 40, "test")]),
        folder=tmp_path,
    )
