"""A judge that reads by shared words: the in-memory stand-in for the language-model judge, for tests."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from domain.retrieval import terms

if TYPE_CHECKING:
    from collections.abc import Sequence

SMOOTHING = 0.5
"""Added to both counts, so a sentence with none (or all) of the question's terms gets a finite verdict."""


class WordOverlapJudge:
    """Log-odds of "answers" from the share of the question's terms (numbers in digits, stems) each sentence holds;
    counts its calls so tests can see when it was (not) asked."""

    name = "word-overlap"

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def verdicts(self, question: str, candidates: Sequence[tuple[str, str]]) -> list[float]:
        """For each (title, sentence): log((held + ½) / (missing + ½)) over the question's distinct terms."""
        self.calls.append((question, len(candidates)))
        wanted = set(terms(question))
        out = []
        for _title, sentence in candidates:
            held = len(wanted.intersection(terms(sentence)))
            out.append(math.log((held + SMOOTHING) / (len(wanted) - held + SMOOTHING)))
        return out
