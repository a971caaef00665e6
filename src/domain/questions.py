"""Questions and answers: what is searched, what is retrieved, what is answered and cited, and what is kept."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from domain.text_fields import required_line

QUESTION_MAX = 2000


class ScopeKind(enum.StrEnum):
    """What a question is about."""

    VIDEO = "video"
    LIBRARY = "library"
    GROUP = "group"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """One video, a group, or all of the asker's videos."""

    kind: ScopeKind
    video_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None

    @classmethod
    def video(cls, video_id: uuid.UUID) -> Scope:
        """One video."""
        return cls(kind=ScopeKind.VIDEO, video_id=video_id)

    @classmethod
    def library(cls) -> Scope:
        """All of the asker's videos."""
        return cls(kind=ScopeKind.LIBRARY)

    @classmethod
    def group(cls, group_id: uuid.UUID) -> Scope:
        """The videos of one group."""
        return cls(kind=ScopeKind.GROUP, group_id=group_id)


def clean_question(question: str) -> str:
    """A question is required and at most 2000 characters."""
    return required_line(
        question,
        most=QUESTION_MAX,
        missing="Ask a question.",
        too_long=f"A question can have at most {QUESTION_MAX} characters.",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """A retrieved stretch of a video: the scene's sentences with their seconds, and how well it matched."""

    video_id: uuid.UUID
    title: str
    scene_index: int
    start: float
    end: float
    text: str
    sentences: tuple[tuple[float, float, str], ...]
    score: float
    # How well each of `sentences` matched the question (same order; 0.0 for a sentence that was not a candidate).
    matches: tuple[float, ...] = ()

    def best_sentences(self) -> list[tuple[float, int]]:
        """(score, position) of the sentences that matched, best first."""
        return sorted(((score, i) for i, score in enumerate(self.matches) if score > 0), key=lambda m: (-m[0], m[1]))

    def cited(self) -> tuple[float, float, str]:
        """(start, end, text) to cite the passage by: its best-matching sentence (the first when none was scored, the
        whole passage when it has no sentences), played for at most `CITATION_MAX_SECONDS`."""
        best = self.best_sentences()
        if self.sentences:
            start, end, text = self.sentences[best[0][1] if best else 0]
        else:
            start, end, text = self.start, self.end, self.text
        return (*cited_span(start, end), text)


CITATION_MAX_SECONDS = 10.0
"""A citation plays at most this long: a long sentence is cited from its start."""


def cited_span(start: float, end: float) -> tuple[float, float]:
    """The seconds a citation of [start, end] plays: from the start, at most `CITATION_MAX_SECONDS`."""
    return start, min(end, start + CITATION_MAX_SECONDS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    """Where the answer comes from: a video and the seconds to play, with the words said there."""

    video_id: uuid.UUID
    title: str
    start: float
    end: float
    text: str
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """The answer text and its citations; `grounded` is False when the videos do not cover the question."""

    text: str
    citations: tuple[Citation, ...]
    grounded: bool


class Feedback(enum.StrEnum):
    """The asker's verdict on an answer."""

    GOOD = "good"
    BAD = "bad"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatEntry:
    """One question and its answer, kept in the history."""

    id: uuid.UUID
    user_id: uuid.UUID | None
    scope: Scope
    question: str
    answer: str
    citations: tuple[Citation, ...]
    grounded: bool
    is_shared_origin: bool
    created_at: datetime
    feedback: Feedback | None = None

    @classmethod
    def record(
        cls, *, user_id: uuid.UUID | None, scope: Scope, question: str, answer: Answer, shared: bool, now: datetime
    ) -> ChatEntry:
        """A new entry."""
        return cls(
            id=uuid.uuid4(),
            user_id=user_id,
            scope=scope,
            question=question,
            answer=answer.text,
            citations=answer.citations,
            grounded=answer.grounded,
            is_shared_origin=shared,
            created_at=now,
        )

    def with_feedback(self, feedback: Feedback | None) -> ChatEntry:
        """Set or clear the verdict."""
        return replace(self, feedback=feedback)
