"""How many messages wait in the Dramatiq queues on Redis: ready, delayed (retries waiting out their backoff), dead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from adapters.dramatiq.queue import QUEUE_NAME
from domain.errors import Unavailable

if TYPE_CHECKING:
    from dramatiq.brokers.redis import RedisBroker


@dataclass(frozen=True, slots=True)
class QueueDepth:
    """The messages of one queue in one state."""

    queue: str
    state: str  # "ready", "delayed" or "dead"
    messages: int


class DramatiqQueueStats:
    """Reads the Redis keys the Dramatiq Redis broker keeps per queue (`<ns>:<q>`, `<ns>:<q>.DQ`, `<ns>:<q>.XQ`)."""

    def __init__(self, broker: RedisBroker, queues: tuple[str, ...] = (QUEUE_NAME,)) -> None:
        self._broker = broker
        self._queues = queues

    def depths(self) -> list[QueueDepth]:
        """One reading per queue and state; raises `Unavailable` when Redis does not answer."""
        namespace = self._broker.namespace
        pipe = self._broker.client.pipeline(transaction=False)
        for queue in self._queues:
            pipe.llen(f"{namespace}:{queue}")  # ready: a list of message ids
            pipe.llen(f"{namespace}:{queue}.DQ")  # delayed: the broker's delay queue
            pipe.zcard(f"{namespace}:{queue}.XQ")  # dead letters: a sorted set by time of death
        try:
            counts = pipe.execute()
        except RedisError as error:
            raise Unavailable("The job queue cannot be reached right now.") from error
        states = ("ready", "delayed", "dead")
        return [
            QueueDepth(queue, state, int(counts[i * len(states) + j]))
            for i, queue in enumerate(self._queues)
            for j, state in enumerate(states)
        ]
