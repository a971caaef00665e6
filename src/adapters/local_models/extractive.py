"""The offline answerer: no model, no key, no network — it quotes the transcript sentences that match best, and says
so when they do not mention what the question is about."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import structlog

from domain.followups import standalone_question
from domain.questions import Answer, Citation, cited_span
from domain.retrieval import terms, unsupported_terms
from domain.summaries import central_sentences

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from uuid import UUID

    from application.ports.questions import SentenceJudge
    from domain.questions import Passage

log = structlog.get_logger("askvideo.answers")

REFUSAL = "The videos do not cover this."
MAX_QUOTES = 2
PASSAGES_READ = 5
RUNNER_UP = 0.004
"""A second quote is added when its score is within this of the best (cosines of one question spread ~0.02)."""
CLOSE_CALL = 0.015
"""With a judge, a question whose two best sentences score closer than this is reread (42 % of eval/qa.json)."""
JUDGED = 5
"""How many of the best sentences the judge reads."""
JUDGE_WEIGHT = 0.02
"""A verdict (log-odds, about −3…3) counts this much against the sentence's score (docs/retrieval.md)."""

_Ranked = tuple[float, int, int, "Passage"]
"""(score, passage rank, sentence position, passage)."""


def _context_terms(passage: Passage, position: int) -> list[str]:
    """What a quote stands in, in spoken order: the video's title, the sentence and its neighbours in the scene."""
    around = passage.sentences[max(0, position - 1) : position + 2]
    return terms(passage.title) + [term for _, _, text in around for term in terms(text)]


class ExtractiveAnswerer:
    """Quotes the best-matching sentences of the best passages; refuses when the question's names or numbers are
    nowhere near them (the videos talk about something else). With a `judge`, close calls between the best sentences
    are settled by reading them."""

    name = "extractive"

    def __init__(self, judge: SentenceJudge | None = None) -> None:
        self._judge = judge

    async def answer(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[tuple[str, str]] = ()
    ) -> AsyncIterator[str | Answer]:
        """Yield the quoted sentences, then the answer with one citation per quote (the sentence's own seconds)."""
        ranked = sorted(
            (
                (score, rank, position, passage)
                for rank, passage in enumerate(passages[:PASSAGES_READ])
                for score, position in passage.best_sentences()
            ),
            key=lambda item: (-item[0], item[1], item[2]),
        )
        if history:
            # A follow-up asks for something new: what the last answer already quoted is not quoted again.
            quoted = history[-1][1]
            ranked = [item for item in ranked if item[3].sentences[item[2]][2].strip() not in quoted]
        if self._judge is not None and len(ranked) > 1 and ranked[0][0] - ranked[1][0] < CLOSE_CALL:
            ranked = await self._reread(self._judge, question, ranked)
        if not ranked or unsupported_terms(question, _context_terms(ranked[0][3], ranked[0][2])):
            yield REFUSAL
            yield Answer(text=REFUSAL, citations=(), grounded=False)
            return
        quotes = [ranked[0]]
        for candidate in ranked[1:MAX_QUOTES]:
            if candidate[0] >= ranked[0][0] - RUNNER_UP:
                quotes.append(candidate)
        parts, citations = [], []
        for number, (score, _, position, passage) in enumerate(quotes, start=1):
            start, end, text = passage.sentences[position]
            part = f"{text.strip()} [{number}]"
            parts.append(part)
            yield part if number == 1 else " " + part
            start, end = cited_span(start, end)
            citations.append(
                Citation(video_id=passage.video_id, title=passage.title, start=start, end=end, text=text, score=score)
            )
        yield Answer(text=" ".join(parts), citations=tuple(citations), grounded=True)

    @staticmethod
    async def _reread(judge: SentenceJudge, question: str, ranked: list[_Ranked]) -> list[_Ranked]:
        """The best `JUDGED` sentences re-scored with the judge's verdicts; the ranking as it was if the judge fails
        (an answer from the cosine beats no answer)."""
        best = ranked[:JUDGED]
        candidates = [(passage.title, passage.sentences[position][2]) for _, _, position, passage in best]
        try:
            verdicts = await asyncio.to_thread(judge.verdicts, question, candidates)
        except Exception:
            log.exception("answer judge failed; answering from the search scores", judge=judge.name)
            return ranked
        reread = [
            (score + JUDGE_WEIGHT * verdict, rank, position, passage)
            for (score, rank, position, passage), verdict in zip(best, verdicts, strict=True)
        ]
        return sorted(reread, key=lambda item: (-item[0], item[1], item[2])) + ranked[JUDGED:]

    async def standalone(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """A follow-up is searched together with the question before it."""
        return standalone_question(question, history)

    async def summarise(self, request: str, scenes: Sequence[Passage]) -> AsyncIterator[str | Answer]:
        """Per video, its most central sentences in spoken order, each cited."""
        videos: dict[UUID, list[Passage]] = {}
        for scene in scenes:
            videos.setdefault(scene.video_id, []).append(scene)
        parts: list[str] = []
        citations: list[Citation] = []
        for video_scenes in videos.values():
            lines = [f"{video_scenes[0].title}:"] if len(videos) > 1 else []
            for scene, position in central_sentences(video_scenes):
                start, end, text = scene.sentences[position]
                start, end = cited_span(start, end)
                citations.append(
                    Citation(video_id=scene.video_id, title=scene.title, start=start, end=end, text=text, score=0.0)
                )
                lines.append(f"{text.strip()} [{len(citations)}]")
            part = " ".join(lines)
            yield part if not parts else "\n\n" + part
            parts.append(part)
        if not citations:
            yield REFUSAL
            yield Answer(text=REFUSAL, citations=(), grounded=False)
            return
        yield Answer(text="\n\n".join(parts), citations=tuple(citations), grounded=True)
