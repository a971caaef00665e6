"""Redis adapters beyond the job queue: the shared rate limiter."""

from adapters.redis.rate_limiter import RedisRateLimiter

__all__ = ("RedisRateLimiter",)
