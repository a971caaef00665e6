"""Readiness: can this instance serve requests right now?"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from application.ports.system import DependencyProbe


@dataclass(frozen=True, slots=True, kw_only=True)
class PartHealth:
    """The state of one dependency."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Readiness:
    """All dependencies' states; ready only when every one answers."""

    parts: tuple[PartHealth, ...]

    @property
    def ready(self) -> bool:
        """True when every part is ok."""
        return all(part.ok for part in self.parts)


class CheckReadiness:
    """Ask every dependency probe, at once, with a time limit each."""

    def __init__(self, probes: Sequence[DependencyProbe], *, timeout: float = 2.0) -> None:
        self._probes = tuple(probes)
        self._timeout = timeout

    async def __call__(self) -> Readiness:
        """Return each part's state; a probe that hangs past the timeout counts as down."""
        parts = await asyncio.gather(*(self._ask(probe) for probe in self._probes))
        return Readiness(parts=tuple(parts))

    async def _ask(self, probe: DependencyProbe) -> PartHealth:
        try:
            async with asyncio.timeout(self._timeout):
                await probe.check()
        except TimeoutError:
            return PartHealth(name=probe.name, ok=False, detail=f"no answer within {self._timeout:g} s")
        except Exception as error:
            return PartHealth(name=probe.name, ok=False, detail=str(error) or type(error).__name__)
        return PartHealth(name=probe.name, ok=True, detail="ok")
