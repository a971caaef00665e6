"""The chat answerer's pure parts: the messages sent to the model and the citation markers read back."""

from __future__ import annotations

import uuid

import pytest

from adapters.openai.answerer import (
    HISTORY_PAIRS,
    REFUSAL,
    SYSTEM_PROMPT,
    build_messages,
    parse_citations,
    strip_unknown_markers,
)
from domain.questions import Passage


def passage(title: str, start: float, end: float, text: str) -> Passage:
    return Passage(
        video_id=uuid.uuid4(),
        title=title,
        scene_index=0,
        start=start,
        end=end,
        text=text,
        sentences=((start, end, text),),
        score=0.5,
    )


class TestBuildMessages:
    def test_excerpts_are_numbered_from_one_with_title_and_times_then_the_question(self) -> None:
        passages = [
            passage("Cooking rice", 4.6, 19.2, "Rinse the rice\n  twice."),
            passage("Cooking rice", 65.0, 130.9, "Simmer for 12 minutes."),
            passage("Long talk", 3725.0, 3790.0, "Late in the talk."),
        ]

        messages = build_messages("How long does rice simmer?", passages)

        assert messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
        assert messages[1:] == [
            {
                "role": "user",
                "content": "Excerpts:\n"
                "[1] Cooking rice (00:04–00:19): Rinse the rice twice.\n"
                "[2] Cooking rice (01:05–02:10): Simmer for 12 minutes.\n"
                "[3] Long talk (1:02:05–1:03:10): Late in the talk.\n"
                "\n"
                "Question: How long does rice simmer?",
            }
        ]

    def test_the_instructions_ground_cite_refuse_and_follow_the_question_language(self) -> None:
        assert "only" in SYSTEM_PROMPT
        assert "[2]" in SYSTEM_PROMPT
        assert f'"{REFUSAL}"' in SYSTEM_PROMPT
        assert "language of the question" in SYSTEM_PROMPT
        assert "concise" in SYSTEM_PROMPT

    def test_history_comes_first_as_alternating_turns_without_old_markers(self) -> None:
        history = [("What is rice?", "A grain [1]."), ("Is it healthy?", "It can be [2][3].")]

        messages = build_messages("How long?", [passage("Rice", 0, 10, "Simmer.")], history)

        assert [message["role"] for message in messages] == ["system", "user", "assistant", "user", "assistant", "user"]
        assert [message.get("content") for message in messages[1:5]] == [
            "What is rice?",
            "A grain.",
            "Is it healthy?",
            "It can be.",
        ]
        assert str(messages[-1].get("content")).endswith("Question: How long?")

    def test_only_the_most_recent_history_pairs_are_sent(self) -> None:
        history = [(f"question {n}", f"answer {n}") for n in range(HISTORY_PAIRS + 3)]

        messages = build_messages("Now?", [passage("Rice", 0, 10, "Simmer.")], history)

        sent = [message.get("content") for message in messages[1:-1]]
        assert HISTORY_PAIRS == 6
        assert len(sent) == 2 * HISTORY_PAIRS
        assert sent[0] == "question 3"
        assert sent[-1] == f"answer {HISTORY_PAIRS + 2}"


class TestParseCitations:
    @pytest.mark.parametrize(
        ("text", "cited"),
        [
            ("Rice simmers [2].", [2]),
            ("Both say so [1, 3].", [1, 3]),
            ("Both say so [1,3] and [3 ; 2].", [1, 3, 2]),
            ("Adjacent [3][1].", [3, 1]),
            ("A range [2-4].", [2, 3, 4]),
            ("An en dash range [4–2].", [2, 3, 4]),
            ("Mixed [5, 1-2].", [5, 1, 2]),
            ("No markers at all.", []),
            ("Not markers: [a], [1a], [], [00:04–00:19], x[y].", []),
        ],
    )
    def test_every_marker_form_is_read(self, text: str, cited: list[int]) -> None:
        assert parse_citations(text, 5) == cited

    def test_numbers_come_in_first_cited_order_each_once(self) -> None:
        assert parse_citations("First [3]. Then [1][3]. Again [1, 2] [3].", 3) == [3, 1, 2]

    def test_numbers_that_do_not_exist_are_dropped(self) -> None:
        assert parse_citations("Wrong [7]. Zero [0]. Right [2]. Partly [1, 9]. Clipped [2-9].", 3) == [2, 1, 3]

    def test_no_excerpts_means_no_citations(self) -> None:
        assert parse_citations("Cited [1].", 0) == []


class TestStripUnknownMarkers:
    def test_a_marker_citing_only_missing_excerpts_is_removed_with_the_space_before_it(self) -> None:
        assert (
            strip_unknown_markers("The sky is blue [7]. Grass is green [2].", 2)
            == "The sky is blue. Grass is green [2]."
        )
        assert strip_unknown_markers("Blue [0] and [9][2] green.", 2) == "Blue and [2] green."

    @pytest.mark.parametrize(
        ("text", "cleaned"),
        [
            ("Blue [7] and green.", "Blue and green."),
            ("Blue [7][8] and green.", "Blue and green."),
            ("Blue [7] [8], green.", "Blue, green."),
            ("Blue [7][1] and [1] [8] green.", "Blue [1] and [1] green."),
            ("Blue [8] [1, 9][2].", "Blue [1][2]."),
            ("(as said [9])", "(as said)"),
            ("[9] Blue.\n[8][9] Green.", "Blue.\nGreen."),
            ("Blue[9]green.", "Bluegreen."),
        ],
    )
    def test_removing_markers_leaves_one_space_between_words_and_none_before_punctuation(
        self, text: str, cleaned: str
    ) -> None:
        assert strip_unknown_markers(text, 2) == cleaned

    def test_missing_numbers_are_dropped_from_a_marker_that_keeps_others(self) -> None:
        assert strip_unknown_markers("Blue [1, 7].", 2) == "Blue [1]."
        assert strip_unknown_markers("Blue [7; 2, 1].", 2) == "Blue [2, 1]."
        assert strip_unknown_markers("Blue [2-9].", 3) == "Blue [2-3]."
        assert strip_unknown_markers("Blue [0-1].", 3) == "Blue [1]."

    def test_markers_that_all_exist_stay_as_written(self) -> None:
        text = "Blue [1,2], green [2–3][1] and red [ 3 ]."
        assert strip_unknown_markers(text, 3) == text

    def test_text_that_is_not_a_marker_is_untouched(self) -> None:
        text = "At [00:04] and [Music] and [x7] and [\n  a list\n]."
        assert strip_unknown_markers(text, 0) == text

    def test_with_no_excerpts_every_marker_goes(self) -> None:
        assert strip_unknown_markers("A grain [1].\n[2] Second [3] line.", 0) == "A grain.\nSecond line."
