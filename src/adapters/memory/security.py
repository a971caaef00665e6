"""Security test doubles: a fast password hasher, a mailer that keeps what it sends, a rate limiter on a fake clock."""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from domain.errors import Unavailable

if TYPE_CHECKING:
    from datetime import datetime

    from application.ports.system import Clock
    from domain.accounts import EmailMessage


class FakePasswordHasher:
    """Hashes as `<scheme>$<sha256 hex>`: instant and deterministic, for tests only — never for real passwords.

    A hasher built with another `scheme` still verifies old hashes but says they need rehashing, so the
    rehash-on-login path can be tested.
    """

    def __init__(self, scheme: str = "fake") -> None:
        self._scheme = scheme

    async def hash(self, password: str) -> str:
        """Return `<scheme>$<sha256 hex of password>`."""
        return f"{self._scheme}${_digest(password)}"

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when the digest part matches, whatever the scheme; False for anything else."""
        scheme, separator, digest = password_hash.partition("$")
        if not separator or not scheme.startswith("fake"):
            return False
        return hmac.compare_digest(digest, _digest(password))

    def needs_rehash(self, password_hash: str) -> bool:
        """True unless the hash was made with this hasher's scheme."""
        return not password_hash.startswith(f"{self._scheme}$")


def _digest(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


class InMemoryMailer:
    """Keeps sent messages in `sent`, oldest first; `down = True` makes it behave like an unreachable server."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.down = False

    async def send(self, message: EmailMessage) -> None:
        """Record the message, or raise `Unavailable` while down."""
        if self.down:
            raise Unavailable("The mail server cannot be reached right now; try again shortly.")
        self.sent.append(message)


@dataclass(slots=True)
class _Window:
    ends_at: datetime
    count: int


class InMemoryRateLimiter:
    """Fixed windows on an injected clock, with the Redis limiter's rules: a window opens at a key's first attempt.

    `down = True` makes it behave like an unreachable store.
    """

    # Expired windows are dropped once this many keys are tracked, so a long-running demo does not grow forever.
    PRUNE_ABOVE = 10_000

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._windows: dict[str, _Window] = {}
        self.down = False

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        """Count one attempt; None while within `limit`, else the whole seconds until the window ends (at least 1)."""
        if limit < 1 or window_seconds < 1:
            raise ValueError("A rate limit needs limit >= 1 and window_seconds >= 1.")
        if self.down:
            raise Unavailable("The rate limit store cannot be reached right now; try again shortly.")
        now = self._clock.now()
        if len(self._windows) > self.PRUNE_ABOVE:
            self._windows = {k: w for k, w in self._windows.items() if w.ends_at > now}
        window = self._windows.get(key)
        if window is None or window.ends_at <= now:
            window = self._windows[key] = _Window(ends_at=now + timedelta(seconds=window_seconds), count=0)
        window.count += 1
        if window.count <= limit:
            return None
        return max(1, math.ceil((window.ends_at - now).total_seconds()))
