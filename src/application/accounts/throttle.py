"""Brute-force control shared by the account use cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import RateLimited

if TYPE_CHECKING:
    from application.accounts.policy import RateRule
    from application.ports.security import RateLimiter


async def throttle(limiter: RateLimiter, *checks: tuple[str, RateRule]) -> None:
    """Count one attempt against every (key, rule); refuse with the longest wait if any is over its limit."""
    waits = [
        wait
        for key, rule in checks
        if (wait := await limiter.hit(key, limit=rule.limit, window_seconds=rule.window_seconds)) is not None
    ]
    if waits:
        retry_after = max(waits)
        raise RateLimited(f"Too many attempts. Try again in {retry_after} seconds.", retry_after=retry_after)
