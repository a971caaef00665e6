"""Ports for answering questions: searching scenes, and answerers (offline extractive, or a chat model)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from uuid import UUID

    from domain.questions import Answer, Passage


class SceneSearch(Protocol):
    """Finds the scenes that best match a question: vector similarity and full text, fused."""

    async def search(
        self,
        *,
        owner_id: UUID | None,
        video_ids: Sequence[UUID] | None,
        text: str,
        vector: Sequence[float],
        limit: int,
    ) -> list[Passage]:
        """The best `limit` passages among completed videos of `owner_id` (or any owner when None) restricted to
        `video_ids` when given (an empty list means nothing), best first."""
        ...


class Answerer(Protocol):
    """Writes an answer grounded in numbered passages, citing them."""

    name: str

    def answer(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[tuple[str, str]] = ()
    ) -> AsyncIterator[str | Answer]:
        """Yield pieces of the answer text as they come, then the final `Answer` (whose citations are only
        passages the answer really used — never invented seconds). `history` is earlier (question, answer) pairs.
        Raise `domain.errors.Unavailable` when the model service is down."""
        ...

    async def standalone(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """The question rewritten to stand on its own after the earlier (question, answer) turns, for searching;
        unchanged when it already does."""
        ...

    def summarise(self, request: str, scenes: Sequence[Passage]) -> AsyncIterator[str | Answer]:
        """Yield a summary of whole videos (`scenes`: every scene of each, in order, video after video) as it is
        written, then the `Answer`, citing the scenes it draws on."""
        ...


class AnswererChooser(Protocol):
    """Picks the answerer for a question: the asker's own OpenAI key when set, else the server's choice."""

    def for_asker(self, openai_api_key: str | None) -> Answerer:
        """The answerer to use."""
        ...


class SentenceJudge(Protocol):
    """Reads candidate sentences against the question and says how surely each answers it (a language model)."""

    name: str

    def verdicts(self, question: str, candidates: Sequence[tuple[str, str]]) -> list[float]:
        """For each (video title, sentence), in order: the log-odds that the sentence answers the question (above 0:
        more likely yes than no). Slow (seconds on a CPU): call it off the event loop, and only for close calls."""
        ...
