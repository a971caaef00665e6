"""Readiness asks every dependency and names the ones that are down."""

from __future__ import annotations

import asyncio

from application.system.readiness import CheckReadiness


class Probe:
    def __init__(self, name: str, error: Exception | None = None, delay: float = 0.0) -> None:
        self.name = name
        self._error = error
        self._delay = delay

    async def check(self) -> None:
        await asyncio.sleep(self._delay)
        if self._error:
            raise self._error


class TestCheckReadiness:
    async def test_ready_when_every_part_answers(self) -> None:
        readiness = await CheckReadiness([Probe("database"), Probe("queue")])()
        assert readiness.ready
        assert [(p.name, p.ok) for p in readiness.parts] == [("database", True), ("queue", True)]

    async def test_a_failing_part_is_named_with_its_reason(self) -> None:
        readiness = await CheckReadiness([Probe("database"), Probe("queue", ConnectionError("refused"))])()
        assert not readiness.ready
        assert [(p.name, p.ok, p.detail) for p in readiness.parts][1] == ("queue", False, "refused")

    async def test_a_part_that_hangs_counts_as_down(self) -> None:
        readiness = await CheckReadiness([Probe("database", delay=5)], timeout=0.05)()
        assert not readiness.ready
        assert readiness.parts[0].detail == "no answer within 0.05 s"
