"""Pure retrieval rules: words of a text, reciprocal rank fusion, and the sentences that answer a question."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

RRF_K = 60
"""The usual reciprocal-rank-fusion constant: rank r scores 1 / (60 + r)."""

# Words that carry no content in a question. English only: other languages keep every word, which only costs
# a little ranking precision.
STOPWORDS = frozenset(
    """a about above after again all am an and any are as at be been before being below between both but by can
    could did do does doing down during each few for from further had has have having he her here hers him his how
    i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your yours
    said say says tell told video videos talk please""".split()  # noqa: SIM905 - a word list reads best as text
)
_WORD = re.compile(r"[\w']+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased words, without punctuation."""
    return [w.strip("'") for w in _WORD.findall(text.lower()) if w.strip("'")]


def content_words(text: str) -> list[str]:
    """The words that carry meaning (stopwords removed)."""
    return [w for w in words(text) if w not in STOPWORDS]


def reciprocal_rank_fusion(*rankings: Sequence[str], weights: Sequence[float] | None = None) -> dict[str, float]:
    """Fuse ranked lists of ids: each list gives `weight / (RRF_K + rank)` (rank from 1) to each id it holds."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank)
    return scores


def bm25(query: Sequence[str], documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> list[float]:
    """BM25 score of each tokenised document for the tokenised query."""
    if not documents:
        return []
    average = sum(len(d) for d in documents) / len(documents) or 1.0
    frequency = Counter(term for document in documents for term in set(document))
    scores = []
    for document in documents:
        counts = Counter(document)
        score = 0.0
        for term in set(query):
            if term not in counts:
                continue
            idf = math.log(1 + (len(documents) - frequency[term] + 0.5) / (frequency[term] + 0.5))
            tf = counts[term]
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(document) / average))
        scores.append(score)
    return scores


def overlap(question_terms: Iterable[str], text: str) -> float:
    """The share of the question's content words that appear in `text` (0–1)."""
    terms = set(question_terms)
    if not terms:
        return 0.0
    present = set(words(text))
    return len(terms & present) / len(terms)


def stem(word: str) -> str:
    """A light English suffix strip, so 'meetings', 'meeting' and 'meet' agree (other scripts pass unchanged)."""
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix in {"ies", "ied"} else "")
    return word


def stems(text: str) -> set[str]:
    """The stems of a text's content words."""
    return {stem(w) for w in content_words(text)}
