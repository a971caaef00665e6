"""Answers as plain text for programs that only show text: numbered sources with `HH:MM:SS` and the video title."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.questions import Citation

SOURCES_HEADING = "Sources:"


def hms(seconds: float) -> str:
    """`HH:MM:SS` (whole seconds, rounded down)."""
    minutes, second = divmod(max(int(seconds), 0), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours:02d}:{minute:02d}:{second:02d}"


def source_numbers(cited_in_text: Sequence[int], citations: Sequence[Citation]) -> list[int]:
    """The number of each citation as the answer's `[n]` markers name it.

    `cited_in_text` are the marker numbers in first-cited order, which is the citations' order: a chat model
    numbers the excerpts it was shown, so its answer may cite [3] then [1]. When they do not pair up one to one
    (an answerer whose markers already count 1, 2, …), the citations are numbered 1, 2, …"""
    if len(cited_in_text) == len(citations) and len(set(cited_in_text)) == len(cited_in_text):
        return list(cited_in_text)
    return list(range(1, len(citations) + 1))


def sources_block(citations: Sequence[Citation], numbers: Sequence[int] | None = None) -> str:
    """The numbered sources to put under an answer, e.g. `[1] 00:01:05–00:01:12 · Title: "words…"`; empty: ''."""
    if not citations:
        return ""
    numbers = list(numbers) if numbers is not None else list(range(1, len(citations) + 1))
    lines = [
        f"[{number}] {hms(c.start)}–{hms(c.end)} · {' '.join(c.title.split())}: \u201c{_quote(c.text)}\u201d"
        for number, c in zip(numbers, citations, strict=True)
    ]
    return "\n\n" + SOURCES_HEADING + "\n" + "\n".join(lines)


def without_sources(text: str) -> str:
    """An answer given earlier, without the sources block this module added (for history)."""
    return text.split("\n\n" + SOURCES_HEADING + "\n", 1)[0]


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
