"""Sentences from word timings and scenes from sentences: pure rules."""

from __future__ import annotations

import pytest

from domain.scenes import SceneRules, Sentence, cut_scenes, split_sentences
from domain.transcript import Segment, Word


def words(*items: tuple[str, float, float]) -> tuple[Word, ...]:
    return tuple(Word(text=text, start=start, end=end) for text, start, end in items)


class TestSplitSentences:
    def test_sentences_follow_punctuation_not_segment_boundaries(self) -> None:
        segments = [
            Segment(
                start=0,
                end=3,
                text="Hello there. How",
                words=words(("Hello", 0, 0.5), (" there.", 0.5, 1.0), (" How", 2.0, 2.4)),
            ),
            Segment(start=3, end=5, text="are you?", words=words((" are", 3.0, 3.3), (" you?", 3.3, 4.1))),
        ]
        assert split_sentences(segments) == [
            Sentence(start=0, end=1.0, text="Hello there."),
            Sentence(start=2.0, end=4.1, text="How are you?"),
        ]

    def test_a_trailing_sentence_without_punctuation_is_kept(self) -> None:
        segments = [Segment(start=0, end=2, text="and then", words=words(("and", 0, 0.4), ("then", 0.5, 1.0)))]
        assert split_sentences(segments) == [Sentence(start=0, end=1.0, text="and then")]

    def test_segments_without_word_timings_stay_whole(self) -> None:
        segments = [Segment(start=1, end=4, text=" One whole segment "), Segment(start=4, end=5, text="  ")]
        assert split_sentences(segments) == [Sentence(start=1, end=4, text="One whole segment")]

    def test_japanese_full_stops_end_sentences(self) -> None:
        segments = [
            Segment(start=0, end=3, text="", words=words(("こんにちは。", 0, 1), ("元気", 1.2, 2), ("です。", 2, 3)))
        ]
        assert [s.text for s in split_sentences(segments)] == ["こんにちは。", "元気 です。"]


def sentences(*bounds: tuple[float, float]) -> list[Sentence]:
    return [Sentence(start=start, end=end, text=f"s{n}") for n, (start, end) in enumerate(bounds)]


class TestCutScenes:
    def test_a_topic_shift_cuts_once_the_scene_is_long_enough(self) -> None:
        spoken = sentences((0, 10), (10, 20), (20, 30), (30, 40))
        scenes = cut_scenes(spoken, [0.9, 0.1, 0.9], SceneRules(min_seconds=15, max_seconds=60, topic_shift=0.35))
        assert [(s.start, s.end) for s in scenes] == [(0, 20), (20, 40)]
        assert scenes[1].text == "s2 s3"
        assert [s.index for s in scenes] == [0, 1]

    def test_a_shift_inside_a_too_short_scene_does_not_cut(self) -> None:
        spoken = sentences((0, 5), (5, 10), (10, 30))
        scenes = cut_scenes(spoken, [0.0, 0.9], SceneRules(min_seconds=15, max_seconds=60))
        assert [(s.start, s.end) for s in scenes] == [(0, 30)]

    def test_scenes_never_exceed_the_maximum(self) -> None:
        spoken = sentences(*[(n * 10, n * 10 + 10) for n in range(13)])
        scenes = cut_scenes(spoken, [0.99] * 12, SceneRules(min_seconds=15, max_seconds=60))
        assert all(s.end - s.start <= 60 for s in scenes)
        assert [s.sentences[0].start for s in scenes] == [0, 60, 120]

    def test_a_short_tail_joins_the_scene_before_it(self) -> None:
        spoken = sentences((0, 20), (20, 40), (40, 45))
        scenes = cut_scenes(spoken, [0.1, 0.1], SceneRules(min_seconds=15, max_seconds=60))
        assert [(s.start, s.end) for s in scenes] == [(0, 20), (20, 45)]

    def test_no_sentences_no_scenes(self) -> None:
        assert cut_scenes([], []) == []

    def test_the_similarity_list_must_match(self) -> None:
        with pytest.raises(ValueError, match="one value per neighbouring pair"):
            cut_scenes(sentences((0, 1), (1, 2)), [])
