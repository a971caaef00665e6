"""Sends domain commands as Dramatiq messages; the worker's actors are declared under the same names."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import typing
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

import dramatiq
import redis.asyncio
from dramatiq.brokers.redis import RedisBroker
from redis.exceptions import RedisError

from domain.errors import Unavailable

if TYPE_CHECKING:
    from domain.commands import Command

QUEUE_NAME = "default"

CommandT = TypeVar("CommandT", bound="Command")


def actor_name(command_type: type[Command]) -> str:
    """The actor that runs `command_type`: its class name in snake case (`RunPipelineCheck` → `run_pipeline_check`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", command_type.__name__).lower()


def command_to_kwargs(command: Command) -> dict[str, Any]:
    """Plain JSON-able keyword arguments for the actor (UUIDs as strings)."""
    return {
        key: str(value) if isinstance(value, uuid.UUID) else value for key, value in dataclasses.asdict(command).items()
    }


def create_broker(redis_url: str) -> RedisBroker:
    """A Redis broker; its default middleware (retries, time limit, …) is configured per actor by the worker."""
    return RedisBroker(url=redis_url)


class DramatiqJobQueue:
    """Enqueues commands on the Redis broker without importing the worker's actors."""

    def __init__(self, broker: dramatiq.Broker) -> None:
        self._broker = broker

    async def enqueue(self, command: Command) -> None:
        """Send the command; the broker's client is blocking, so it runs in a thread."""
        message = dramatiq.Message(
            queue_name=QUEUE_NAME,
            actor_name=actor_name(type(command)),
            args=(),
            kwargs=command_to_kwargs(command),
            options={},
        )
        try:
            await asyncio.to_thread(self._broker.enqueue, message)
        except RedisError as error:
            raise Unavailable("The job queue cannot be reached right now; try again shortly.") from error


class RedisProbe:
    """Readiness probe: PING the queue's Redis."""

    name = "queue"

    def __init__(self, redis_url: str) -> None:
        self._client = redis.asyncio.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)

    async def check(self) -> None:
        """Raise when Redis does not answer."""
        await self._client.ping()

    async def close(self) -> None:
        """Close the probe's connections."""
        await self._client.aclose()


def kwargs_to_command(command_type: type[CommandT], kwargs: dict[str, Any]) -> CommandT:
    """Rebuild a command from its message's keyword arguments (the inverse of `command_to_kwargs`)."""
    hints = typing.get_type_hints(command_type)
    return command_type(
        **{key: uuid.UUID(value) if hints.get(key) is uuid.UUID else value for key, value in kwargs.items()}
    )
