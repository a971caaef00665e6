"""Scoring answers against a labelled set: did the citation land on the right talk at the right second?"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


def overlaps(start: float, end: float, truth_start: float, truth_end: float, *, slack: float = 0.5) -> bool:
    """Whether [start, end] and the true sentence's [truth_start, truth_end] overlap (with a little slack)."""
    return start <= truth_end + slack and end >= truth_start - slack


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One question's result."""

    answerable: bool
    hit_at_1: bool
    hit_at_3: bool
    answered: bool
    citation_seconds: float | None
    latency: float


@dataclass(slots=True)
class Scorecard:
    """The summary over a set of questions."""

    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        """Count one question."""
        self.outcomes.append(outcome)

    def _share(self, items: list[bool]) -> float:
        return sum(items) / len(items) if items else 0.0

    @property
    def answerable(self) -> list[Outcome]:
        """The questions some talk answers."""
        return [o for o in self.outcomes if o.answerable]

    def summary(self) -> dict[str, float]:
        """hit@1, hit@3, refusal and answer rates, mean citation length, latency percentiles."""
        answerable = self.answerable
        unanswerable = [o for o in self.outcomes if not o.answerable]
        lengths = [o.citation_seconds for o in self.outcomes if o.citation_seconds is not None]
        latencies = sorted(o.latency for o in self.outcomes) or [0.0]
        return {
            "questions": float(len(self.outcomes)),
            "hit@1": self._share([o.hit_at_1 for o in answerable]),
            "hit@3": self._share([o.hit_at_3 for o in answerable]),
            "answered (answerable)": self._share([o.answered for o in answerable]),
            "refused (unanswerable)": self._share([not o.answered for o in unanswerable]),
            "mean citation seconds": statistics.fmean(lengths) if lengths else 0.0,
            "latency p50 ms": 1000 * latencies[len(latencies) // 2],
            "latency p95 ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
        }
