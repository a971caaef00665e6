"""Retrieval rules: word handling, reciprocal rank fusion, BM25, overlap."""

from __future__ import annotations

import pytest

from domain.retrieval import bm25, content_words, overlap, reciprocal_rank_fusion, words


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
