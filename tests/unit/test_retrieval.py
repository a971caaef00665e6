"""Retrieval rules: word handling, reciprocal rank fusion, BM25, overlap."""

from __future__ import annotations

import uuid

import pytest

from domain.retrieval import (
    SentenceHit,
    bm25,
    content_words,
    contextual,
    lexical_share,
    overlap,
    rank_passages,
    reciprocal_rank_fusion,
    specific_terms,
    terms,
    trigram_similarity,
    unsupported_terms,
    words,
)
from domain.scenes import Scene, Sentence


def test_words_and_content_words() -> None:
    assert words("What's the CAPITAL of Australia?") == ["what's", "the", "capital", "of", "australia"]
    assert content_words("What is the capital of Australia?") == ["capital", "australia"]
    assert content_words("東京の天気") == ["東京の天気"]


def test_fusion_rewards_agreement_between_rankings() -> None:
    scores = reciprocal_rank_fusion(["a", "b", "c"], ["c", "a"])
    assert max(scores, key=scores.get) == "a"
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert scores["b"] == pytest.approx(1 / 62)


def test_fusion_weights() -> None:
    scores = reciprocal_rank_fusion(["a"], ["b"], weights=[1.0, 2.0])
    assert scores["b"] == pytest.approx(2 * scores["a"])


def test_bm25_prefers_the_document_with_the_rare_term() -> None:
    documents = [["the", "cat", "sat"], ["the", "dog", "ran", "canberra"], ["the", "end"]]
    scores = bm25(["canberra", "the"], documents)
    assert scores.index(max(scores)) == 1
    assert bm25(["x"], []) == []


def test_overlap() -> None:
    assert overlap(["capital", "australia"], "The capital of Australia is Canberra.") == 1.0
    assert overlap(["capital", "france"], "The capital of Australia is Canberra.") == 0.5
    assert overlap([], "anything") == 0.0


def test_terms_are_stemmed_content_words_with_numbers_in_digits() -> None:
    assert terms("When does room two oh four open for meetings?") == ["room", "204", "open", "meet"]


def test_trigram_similarity_follows_pg_trgm() -> None:
    # Values PostgreSQL's pg_trgm gives for the same pairs: select similarity('okafor', 'okafora') → 0.6666667.
    assert trigram_similarity("okafor", "okafora") == pytest.approx(0.6666667)
    assert trigram_similarity("word", "word") == 1.0
    assert trigram_similarity("abc", "xyz") == 0.0


def test_lexical_share_counts_fuzzy_matches_by_similarity_but_never_for_numbers_or_short_words() -> None:
    assert lexical_share(terms("Tom Okafor retires"), terms("Tom Okafor retired in June")) == 1.0
    fuzzy = lexical_share(terms("Okafor"), terms("Okafora"))
    assert 0.6 < fuzzy < 0.7
    assert lexical_share(terms("port 2004"), terms("part 204")) == 0.0
    assert lexical_share([], terms("anything")) == 0.0


def _hit(video: uuid.UUID, scene: Scene, position: int, cosine: float) -> SentenceHit:
    text = scene.sentences[position].text
    return SentenceHit(
        video_id=video, title="Talk", scene=scene, position=position, terms=tuple(terms(text)), cosine=cosine
    )


def test_rank_passages_orders_scenes_by_their_best_sentence_and_keeps_every_sentence_score() -> None:
    video = uuid.uuid4()
    first = Scene(
        index=0,
        start=0,
        end=10,
        text="a b",
        sentences=(Sentence(start=0, end=5, text="Alpha."), Sentence(start=5, end=10, text="Beta.")),
    )
    second = Scene(index=1, start=10, end=15, text="c", sentences=(Sentence(start=10, end=15, text="Gamma."),))
    passages = rank_passages(
        "gamma", [_hit(video, first, 0, 0.80), _hit(video, first, 1, 0.82), _hit(video, second, 0, 0.81)], limit=5
    )
    assert [p.scene_index for p in passages] == [1, 0]  # "gamma" is said in scene 1: 0.81 + 0.01 beats 0.82
    assert passages[1].matches == (0.80, 0.82)
    assert passages[1].best_sentences() == [(0.82, 1), (0.80, 0)]
    assert rank_passages("gamma", [], limit=5) == []


def test_contextual_puts_the_title_before_the_sentence() -> None:
    assert contextual(" Cooking class ", "Rest the dough.") == "Cooking class. Rest the dough."
    assert contextual("", "Rest the dough.") == "Rest the dough."


def test_specific_terms_are_digits_and_names() -> None:
    assert specific_terms("When does Tom Okafor retire in 2019?") == ({"2019"}, {"tom", "okafor"})
    assert specific_terms("What happened over the last three months?") == (set(), set())
    assert specific_terms("Is TLS 1.1 still accepted?") == ({"1.1"}, {"tls"})


def test_unsupported_terms_need_every_number_and_one_of_the_names() -> None:
    context = terms("Sadly, Tom Akafer, our head of support, retires in 2019. The web socket handler leaked.")
    assert unsupported_terms("When does Tom Okafor retire?", context) == set()  # a misheard surname is fine
    assert unsupported_terms("Which room will the MRI scanner move to?", context) == {"mri"}
    assert unsupported_terms("What happened in 2020?", context) == {"2020"}
    assert unsupported_terms("Why did the WebSocket handler leak?", context) == set()  # "web socket" joined
