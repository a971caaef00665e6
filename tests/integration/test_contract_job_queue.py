"""Contract: the Dramatiq job queue on real Redis and the in-memory one accept and refuse alike."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import redis

from adapters.dramatiq import QUEUE_NAME, DramatiqJobQueue, create_broker
from adapters.memory import InMemoryJobQueue
from application.ports.system import JobQueue
from domain.commands import RunPipelineCheck
from domain.errors import Unavailable


@pytest.fixture(params=["memory", "dramatiq"])
async def queue_pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[JobQueue, Callable[[], int], JobQueue]]:
    """(a working queue, how many messages it holds, a queue whose backend is down)."""
    if request.param == "memory":
        working, broken = InMemoryJobQueue(), InMemoryJobQueue()
        broken.down = True
        yield working, lambda: len(working.sent), broken
        return
    url = request.getfixturevalue("redis_url")
    client = redis.Redis.from_url(url)
    client.flushdb()
    broker = create_broker(url)
    dead = create_broker("unix:///nonexistent/redis.sock")
    yield (
        DramatiqJobQueue(broker),
        lambda: client.llen(f"dramatiq:{QUEUE_NAME}"),
        DramatiqJobQueue(dead),
    )
    broker.close()
    client.flushdb()
    client.close()


class TestJobQueueContract:
    async def test_an_enqueued_command_waits_in_the_queue(self, queue_pair) -> None:
        queue, depth, _ = queue_pair
        await queue.enqueue(RunPipelineCheck(check_id=uuid.uuid4()))
        await queue.enqueue(RunPipelineCheck(check_id=uuid.uuid4()))
        assert depth() == 2

    async def test_a_down_backend_is_reported_as_unavailable(self, queue_pair) -> None:
        _, _, broken = queue_pair
        with pytest.raises(Unavailable, match="job queue cannot be reached"):
            await broken.enqueue(RunPipelineCheck(check_id=uuid.uuid4()))
