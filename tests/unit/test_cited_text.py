"""Answers as text for OpenAI and MCP clients: HH:MM:SS, the Sources list, numbers that match the markers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.cited_text import hms, source_numbers, sources_block, without_sources
from domain.errors import InvalidInput, NotFound
from domain.questions import Answer, ChatEntry, Citation, Scope
from entrypoints.http.controllers.openai_compat import (
    ChatMessage,
    ContentPart,
    numbered,
    question_and_history,
    scope_of,
)


def cite(title: str, start: float, text: str = "words") -> Citation:
    return Citation(video_id=uuid.uuid4(), title=title, start=start, end=start + 5, text=text, score=1.0)


def entry(text: str, *citations: Citation) -> ChatEntry:
    answer = Answer(text=text, citations=citations, grounded=bool(citations))
    return ChatEntry.record(
        user_id=None, scope=Scope.library(), question="q", answer=answer, shared=False, now=datetime.now(UTC)
    )


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "00:00:00"), (65.9, "00:01:05"), (3723, "01:02:03"), (-1, "00:00:00")]
)
def test_hms(seconds: float, shown: str) -> None:
    assert hms(seconds) == shown


def test_the_sources_list_names_time_title_and_words() -> None:
    block = sources_block([cite("Talk  one", 65, "The  capital is Canberra."), cite("Two", 3723)])
    assert block == (
        "\n\nSources:\n[1] 00:01:05–00:01:10 · Talk one: \u201cThe capital is Canberra.\u201d"
        "\n[2] 01:02:03–01:02:08 · Two: \u201cwords\u201d"
    )
    assert sources_block([]) == ""
    assert without_sources("Canberra [1]." + block) == "Canberra [1]."


def test_long_quotes_are_shortened() -> None:
    assert "\u2026\u201d" in sources_block([cite("T", 0, "word " * 100)])


def test_a_chat_models_markers_keep_their_numbers() -> None:
    first, second = cite("A", 10), cite("B", 20)
    answered = entry("Blue [3], and red [1]. Blue again [3].", first, second)
    assert numbered(answered) == [3, 1]
    assert "[3] 00:00:10" in sources_block(answered.citations, numbered(answered))


def test_markers_that_do_not_pair_up_are_numbered_in_order() -> None:
    assert numbered(entry("No markers at all.", cite("A", 1), cite("B", 2))) == [1, 2]
    assert source_numbers([1], [cite("A", 1), cite("B", 2)]) == [1, 2]


def test_the_question_is_the_last_user_message_and_pairs_before_are_history() -> None:
    messages = [
        ChatMessage(role="system", content="be brief"),
        ChatMessage(role="user", content=[ContentPart(type="text", text="first?")]),
        ChatMessage(role="assistant", content="one [1].\n\nSources:\n[1] 00:00:01–00:00:02 · T: \u201cw\u201d"),
        ChatMessage(role="assistant", content="an extra reply"),
        ChatMessage(role="user", content="second?"),
    ]
    assert question_and_history(messages) == ("second?", [("first?", "one [1].")])
    with pytest.raises(InvalidInput):
        question_and_history([ChatMessage(role="tool", content="x")])


@pytest.mark.parametrize("model", ["gpt-4o", "group-", "group-123", "all_videos", ""])
def test_unknown_models_are_not_found(model: str) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        scope_of(model)


def test_known_models() -> None:
    group = uuid.uuid4()
    assert scope_of("all-videos") == Scope.library()
    assert scope_of(f"group-{group}") == Scope.group(group)
