"""Follow-up questions and summary requests are recognised without a model."""

from __future__ import annotations

import pytest

from domain.followups import asks_for_summary, leans_on_earlier_turns, standalone_question
from domain.questions import Passage
from domain.summaries import central_sentences

EARLIER = [("What dose of amoxicillin is given for a chest infection?", "500 milligrams three times a day.")]


@pytest.mark.parametrize(
    "question", ["And for children?", "What about the elderly?", "Why keep watching them afterwards?", "How much?"]
)
def test_follow_ups_are_searched_with_the_question_before(question: str) -> None:
    assert leans_on_earlier_turns(question)
    assert standalone_question(question, EARLIER) == f"{question} (dose amoxicillin given chest infection)"


@pytest.mark.parametrize(
    "question",
    [
        "How can you check that the bread is baked through?",
        "Which port does the Lantern gateway expose its metrics on?",  # "its", but it names its subject
        "What is the half-life of digoxin in adults?",
        "How many eggs?",
    ],
)
def test_questions_that_stand_alone_are_kept(question: str) -> None:
    assert not leans_on_earlier_turns(question)
    assert standalone_question(question, EARLIER) == question


def test_without_history_nothing_is_added() -> None:
    assert standalone_question("And for children?", []) == "And for children?"


@pytest.mark.parametrize(
    ("question", "summary"),
    [
        ("Summarise this video", True),
        ("Please summarize the talk", True),
        ("Give me a short summary", True),
        ("What is this lecture about?", True),
        ("What were the main points?", True),
        ("この動画を要約して", True),
        ("What is the summary statistic?", False),
        ("How is the meeting summarised?", False),
    ],
)
def test_summary_requests(question: str, summary: bool) -> None:
    assert asks_for_summary(question) is summary


def test_central_sentences_take_the_best_of_each_scene_in_spoken_order() -> None:
    import uuid  # noqa: PLC0415

    video = uuid.uuid4()

    def scene(index: int, *texts: str) -> Passage:
        sentences = tuple((index * 10.0 + i, index * 10.0 + i + 1, t) for i, t in enumerate(texts))
        return Passage(
            video_id=video,
            title="T",
            scene_index=index,
            start=index * 10.0,
            end=index * 10.0 + 5,
            text=" ".join(texts),
            sentences=sentences,
            score=0.0,
        )

    scenes = [
        scene(0, "Hello everyone.", "Volcanoes form where plates meet."),
        scene(1, "Volcanoes erupt lava.", "Thanks."),
        scene(2, "Lunch is at noon."),
    ]
    chosen = central_sentences(scenes, limit=2)
    assert [(s.scene_index, position) for s, position in chosen] == [(0, 1), (1, 0)]
