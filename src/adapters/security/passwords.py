"""Password hashing with argon2id (argon2-cffi)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher, Type
from argon2.exceptions import Argon2Error

# RFC 9106's second recommended option (t=3, m=64 MiB) with one lane. It is well above OWASP's argon2id minimum
# (m=19 MiB, t=2, p=1). One lane because the server hashes for many users at once: extra lanes would not make a
# hash harder to crack (memory x time stays the same) but would take cores from concurrent requests.
TIME_COST = 3
MEMORY_COST_KIB = 65_536
PARALLELISM = 1


class Argon2PasswordHasher:
    """argon2id hashes in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).

    Defaults: time_cost=3, memory_cost=65536 KiB (64 MiB), parallelism=1, 16-byte salt, 32-byte hash — RFC 9106's
    low-memory recommendation with a single lane, stronger than OWASP's minimum. Each hash holds 64 MiB while it
    runs and takes about a quarter of a second of one core, so it runs in a thread (argon2-cffi releases the GIL)
    and the event loop keeps serving other requests meanwhile.
    """

    def __init__(
        self,
        *,
        time_cost: int = TIME_COST,
        memory_cost: int = MEMORY_COST_KIB,
        parallelism: int = PARALLELISM,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )

    async def hash(self, password: str) -> str:
        """Return a salted argon2id hash of `password` (computed in a thread: it takes ~0.25 s of CPU)."""
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when `password` matches; False for a wrong password or a hash that is not argon2."""
        try:
            return await asyncio.to_thread(self._hasher.verify, password_hash, password)
        except (Argon2Error, ValueError):  # a mismatch, or a hash that is malformed (InvalidHashError is a ValueError)
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters (or is not an argon2 hash at all)."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except ValueError:  # not a parseable argon2 hash: replace it at the next successful login
            return True
