"""The offline answerer: no model, no key, no network — it quotes the transcript sentences that answer best."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.questions import Answer, Citation
from domain.retrieval import stems

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from domain.questions import Passage

REFUSAL = "The videos do not cover this."
MAX_QUOTES = 2
PASSAGES_READ = 5
RUNNER_UP = 0.8
"""A second quote is added when it scores at least this share of the best one."""


def _score(question: set[str], sentence: str, rank: int) -> float:
    """How well a sentence answers: the share of the question's content stems it holds, nudged by passage rank."""
    if not question:
        return 0.0
    shared = len(question & stems(sentence)) / len(question)
    return shared + 0.05 / (rank + 1) if shared else 0.0


class ExtractiveAnswerer:
    """Picks the sentences that share most of the question's content words, from the best-ranked passages."""

    name = "extractive"

    async def answer(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[tuple[str, str]] = ()
    ) -> AsyncIterator[str | Answer]:
        """Yield the quoted sentences, then the answer with one citation per quote (the sentence's own seconds)."""
        terms = stems(question)
        scored = sorted(
            (
                (_score(terms, text, rank), rank, start, end, text, passage)
                for rank, passage in enumerate(passages[:PASSAGES_READ])
                for start, end, text in passage.sentences
            ),
            key=lambda item: (-item[0], item[1], item[2]),
        )
        if not scored or scored[0][0] == 0.0:
            yield REFUSAL
            yield Answer(text=REFUSAL, citations=(), grounded=False)
            return
        best = scored[0][0]
        quotes = [scored[0]]
        for candidate in scored[1:]:
            if len(quotes) == MAX_QUOTES or candidate[0] < best * RUNNER_UP:
                break
            if all(candidate[4] != quote[4] for quote in quotes):
                quotes.append(candidate)
        parts = []
        citations = []
        for number, (score, _, start, end, text, passage) in enumerate(quotes, start=1):
            part = f"{text.strip()} [{number}]"
            parts.append(part)
            yield part if number == 1 else " " + part
            citations.append(
                Citation(video_id=passage.video_id, title=passage.title, start=start, end=end, text=text, score=score)
            )
        yield Answer(text=" ".join(parts), citations=tuple(citations), grounded=True)
