"""Dramatiq on Redis: the job queue adapter, the queue probe, and the command ↔ message mapping."""

from adapters.dramatiq.queue import (
    QUEUE_NAME,
    DramatiqJobQueue,
    RedisProbe,
    actor_name,
    command_to_kwargs,
    create_broker,
    kwargs_to_command,
)
from adapters.dramatiq.stats import DramatiqQueueStats, QueueDepth

__all__ = (
    "QUEUE_NAME",
    "DramatiqJobQueue",
    "DramatiqQueueStats",
    "QueueDepth",
    "RedisProbe",
    "actor_name",
    "command_to_kwargs",
    "create_broker",
    "kwargs_to_command",
)
