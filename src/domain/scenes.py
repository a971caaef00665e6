"""From timed speech to sentences, and from sentences to scenes: the units that are indexed and cited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.transcript import Segment, Word

_SENTENCE_END = re.compile(r"[.!?。！？]['\")\]]*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence with the seconds it is spoken."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Scene:
    """A few consecutive sentences on one topic, with their seconds; the unit of retrieval."""

    index: int
    start: float
    end: float
    text: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SceneRules:
    """How scenes are cut: never shorter than `min_seconds` (unless the talk is), never longer than `max_seconds`,
    and cut early where a sentence is less similar than `topic_shift` to the one before."""

    min_seconds: float = 15.0
    max_seconds: float = 60.0
    topic_shift: float = 0.35


def _join(words: Sequence[Word]) -> Sentence:
    return Sentence(start=words[0].start, end=words[-1].end, text=" ".join(w.text.strip() for w in words).strip())


def split_sentences(segments: Sequence[Segment]) -> list[Sentence]:
    """Sentences from word timings (Whisper segments cut across sentences); segments without words stay whole."""
    sentences: list[Sentence] = []
    pending: list[Word] = []
    for segment in segments:
        if not segment.words:
            if pending:
                sentences.append(_join(pending))
                pending = []
            if segment.text.strip():
                sentences.append(Sentence(start=segment.start, end=segment.end, text=segment.text.strip()))
            continue
        for word in segment.words:
            if not word.text.strip():
                continue
            pending.append(word)
            if _SENTENCE_END.search(word.text.strip()):
                sentences.append(_join(pending))
                pending = []
    if pending:
        sentences.append(_join(pending))
    return sentences


def cut_scenes(
    sentences: Sequence[Sentence], similarity: Sequence[float], rules: SceneRules | None = None
) -> list[Scene]:
    """Group sentences into scenes.

    Args:
        sentences: in spoken order.
        similarity: `similarity[i]` is how alike sentence i+1 is to sentence i (cosine, -1..1); one fewer than
            the sentences. Computed by an embedder outside the domain.
        rules: duration bounds and the topic-shift threshold.
    """
    rules = rules or SceneRules()
    if len(similarity) != max(len(sentences) - 1, 0):
        raise ValueError("similarity needs one value per neighbouring pair of sentences")
    groups: list[list[Sentence]] = []
    current: list[Sentence] = []
    for position, sentence in enumerate(sentences):
        if current:
            length = current[-1].end - current[0].start
            would_be = sentence.end - current[0].start
            shift = similarity[position - 1] < rules.topic_shift
            if would_be > rules.max_seconds or (shift and length >= rules.min_seconds):
                groups.append(current)
                current = []
        current.append(sentence)
    # A short tail joins the scene before it, as long as that keeps within the maximum.
    tail_is_short = bool(current) and current[-1].end - current[0].start < rules.min_seconds
    if groups and tail_is_short and current[-1].end - groups[-1][0].start <= rules.max_seconds:
        groups[-1].extend(current)
    elif current:
        groups.append(current)
    return [
        Scene(
            index=index,
            start=group[0].start,
            end=group[-1].end,
            text=" ".join(s.text for s in group),
            sentences=tuple(group),
        )
        for index, group in enumerate(groups)
    ]
