"""Fixed-window rate limits counted in Redis, shared by every API instance."""

from __future__ import annotations

import math

import redis.asyncio
from redis.exceptions import RedisError

from domain.errors import Unavailable

UNREACHABLE = "The rate limit store cannot be reached right now; try again shortly."

# One round trip, atomic: count the attempt, start the window on the first one, and report what is left of it.
# EXPIRE NX would need Redis 7; the embedded Redis is 6.2. The `pttl < 0` branch also repairs a key that lost
# its expiry (e.g. written by hand), which would otherwise lock the key out forever.
HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local pttl = redis.call('PTTL', KEYS[1])
if pttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    pttl = tonumber(ARGV[1])
end
return {count, pttl}
"""


class RedisRateLimiter:
    """Counts attempts per key in a window that opens with the key's first attempt and lasts `window_seconds`.

    Fails closed: when Redis is down, `hit` raises `Unavailable` rather than letting unlimited attempts through.
    """

    def __init__(self, redis_url: str, *, prefix: str = "askvideo:rl:") -> None:
        self._client = redis.asyncio.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        self._script = self._client.register_script(HIT_SCRIPT)
        self._prefix = prefix

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        """Count one attempt; None while within `limit`, else the whole seconds until the window ends (at least 1)."""
        if limit < 1 or window_seconds < 1:
            raise ValueError("A rate limit needs limit >= 1 and window_seconds >= 1.")
        try:
            count, pttl = await self._script(keys=[self._prefix + key], args=[window_seconds * 1000])
        except RedisError as error:
            raise Unavailable(UNREACHABLE) from error
        if int(count) <= limit:
            return None
        return max(1, math.ceil(int(pttl) / 1000))

    async def close(self) -> None:
        """Close the client's connections."""
        await self._client.aclose()
