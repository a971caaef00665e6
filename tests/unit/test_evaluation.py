"""Scoring rules of `askvideo eval`."""

from __future__ import annotations

import pytest

from domain.evaluation import Outcome, Scorecard, overlaps


@pytest.mark.parametrize(
    ("cited", "truth", "hit"),
    [((5, 10), (6, 8), True), ((5, 10), (10.3, 12), True), ((5, 10), (11, 12), False), ((0, 1), (1.4, 3), True)],
)
def test_overlap_with_slack(cited: tuple[float, float], truth: tuple[float, float], hit: bool) -> None:
    assert overlaps(*cited, *truth) is hit


def test_scorecard_summary() -> None:
    card = Scorecard()
    card.add(Outcome(answerable=True, hit_at_1=True, hit_at_3=True, answered=True, citation_seconds=4, latency=0.1))
    card.add(Outcome(answerable=True, hit_at_1=False, hit_at_3=True, answered=True, citation_seconds=6, latency=0.3))
    card.add(
        Outcome(answerable=False, hit_at_1=False, hit_at_3=False, answered=False, citation_seconds=None, latency=0.2)
    )
    summary = card.summary()
    assert (summary["hit@1"], summary["hit@3"], summary["refused (unanswerable)"]) == (0.5, 1.0, 1.0)
    assert summary["mean citation seconds"] == 5
    assert summary["latency p50 ms"] == pytest.approx(200)
