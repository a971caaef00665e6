"""Extractive summaries: the sentences that carry most of what a video talks about, in the order they are said."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from domain.retrieval import terms

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.questions import Passage

SENTENCES_PER_VIDEO = 6


def central_sentences(scenes: Sequence[Passage], limit: int = SENTENCES_PER_VIDEO) -> list[tuple[Passage, int]]:
    """(scene, sentence position) of one video's most central sentences, at most one per scene, in spoken order.

    A sentence is central when its words are the ones the whole video repeats (Luhn's measure: the summed
    frequency of its distinct terms over the square root of its length); the best sentence of each scene competes,
    so the summary walks through the talk rather than repeating its main topic."""
    frequency = Counter(term for scene in scenes for _, _, text in scene.sentences for term in terms(text))

    def centrality(text: str) -> float:
        distinct = set(terms(text))
        return sum(frequency[t] for t in distinct) / math.sqrt(len(distinct)) if distinct else 0.0

    best = []
    for scene in scenes:
        if scene.sentences:
            score, position = max((centrality(text), -i) for i, (_, _, text) in enumerate(scene.sentences))
            best.append((score, scene, -position))
    chosen = sorted(best, key=lambda item: -item[0])[:limit]
    return [(scene, position) for _, scene, position in sorted(chosen, key=lambda item: item[1].start)]
