"""In-memory adapters for every port: fast test doubles, also usable for a demo without servers."""

from adapters.memory.clock import FakeClock
from adapters.memory.queue import InMemoryJobQueue
from adapters.memory.unit_of_work import InMemoryStore, InMemoryUnitOfWork

__all__ = ("FakeClock", "InMemoryJobQueue", "InMemoryStore", "InMemoryUnitOfWork")
