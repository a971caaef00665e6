"""Pure retrieval rules: words of a text, reciprocal rank fusion, and the sentences that answer a question."""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.numbers import number_tokens
from domain.questions import Passage

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from domain.scenes import Scene

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


# Sentence matching: what retrieval ranks and the extractive answerer cites.

LEXICAL_WEIGHT = 0.01
"""How much the share of the question's terms found in a sentence adds to its cosine. The cosines of one question's
candidates spread over only ~0.02 with multilingual-e5, so this is a tie-breaker for exact terms (names, numbers),
not a second ranking: tuned on eval/qa.json, where heavier weights lose hit@1 (docs/retrieval.md)."""
FUZZY_MATCH = 0.45
"""Trigram similarity from which a word counts as heard for a question term ("Okafor" ~ "Okafora")."""
FUZZY_MIN_LENGTH = 4
"""Shorter terms and numbers must match exactly: "port" is not "part", "204" is not "2004"."""


def terms(text: str) -> list[str]:
    """The stems of a text's content words with every number in digits: what lexical matching compares."""
    return [stem(token) for token in number_tokens(text) if token not in STOPWORDS]


@functools.lru_cache(maxsize=65_536)
def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm `similarity` of two words: shared trigrams over all trigrams (0–1)."""
    left, right = trigrams(a), trigrams(b)
    return len(left & right) / len(left | right)


def term_support(term: str, heard: Iterable[str]) -> float:
    """How well a question term is found among a sentence's terms: 1 when present, its best trigram similarity
    when that reaches `FUZZY_MATCH` (transcription misspells names), else 0."""
    pool = heard if isinstance(heard, (set, frozenset)) else set(heard)
    if term in pool:
        return 1.0
    if len(term) < FUZZY_MIN_LENGTH or term[0].isdigit():
        return 0.0
    best = max((trigram_similarity(term, word) for word in pool if not word[0].isdigit()), default=0.0)
    return best if best >= FUZZY_MATCH else 0.0


def lexical_share(question_terms: Iterable[str], sentence_terms: Iterable[str]) -> float:
    """The share of the question's distinct terms a sentence holds, fuzzy matches counting by their similarity."""
    wanted = set(question_terms)
    if not wanted:
        return 0.0
    heard = set(sentence_terms)
    return sum(term_support(term, heard) for term in wanted) / len(wanted)


def match_score(cosine: float, share: float) -> float:
    """A sentence's score for a question: its cosine, nudged by the question terms it holds."""
    return cosine + LEXICAL_WEIGHT * share


def contextual(title: str, sentence: str) -> str:
    """The text embedded for a sentence: the video's title, then the sentence. The title tells similar sentences of
    similar talks apart (hit@1 0.57 → 0.76 on eval/qa.json); it is re-embedded when the title changes."""
    title = title.strip()
    return f"{title}. {sentence}" if title else sentence


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceHit:
    """A candidate sentence from the index: its scene, its place in the scene, its terms and its cosine."""

    video_id: UUID
    title: str
    scene: Scene
    position: int
    terms: tuple[str, ...]
    cosine: float


def rank_passages(question: str, hits: Iterable[SentenceHit], limit: int) -> list[Passage]:
    """Score every candidate sentence, then return the scenes holding the best ones, best first, each with the
    score of its matching sentences (what the extractive answerer cites)."""
    wanted = set(terms(question))
    found: dict[tuple[UUID, int], tuple[SentenceHit, dict[int, float]]] = {}
    for hit in hits:
        key = (hit.video_id, hit.scene.index)
        _, scores = found.setdefault(key, (hit, {}))
        scores[hit.position] = match_score(hit.cosine, lexical_share(wanted, hit.terms))
    ranked = sorted(
        found.values(), key=lambda item: (-max(item[1].values()), str(item[0].video_id), item[0].scene.index)
    )
    return [
        Passage(
            video_id=hit.video_id,
            title=hit.title,
            scene_index=hit.scene.index,
            start=hit.scene.start,
            end=hit.scene.end,
            text=hit.scene.text,
            sentences=tuple((s.start, s.end, s.text) for s in hit.scene.sentences),
            score=max(scores.values()),
            matches=tuple(scores.get(i, 0.0) for i in range(len(hit.scene.sentences))),
        )
        for hit, scores in ranked[:limit]
    ]


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’.-]*)")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def specific_terms(question: str) -> tuple[set[str], set[str]]:
    """The numbers written in digits and the names (capitalised words after the first) of a question: what a
    passage must mention to be about the same thing. "When did Tom Okafor join in 2019?" → ({"2019"},
    {"tom", "okafor"}). Numbers in words ("the last three months") are too often paraphrased to count."""
    numbers = {term for match in _DIGITS.finditer(question) for term in terms(match.group(0))}
    names = {term for match in _NAME.finditer(question.strip()) for term in terms(match.group(1)) if len(term) > 1}
    return numbers, names - numbers


def _heard_with_compounds(context: Iterable[str]) -> set[str]:
    """The context's terms plus each pair of neighbours joined ("web socket" → "websocket")."""
    heard = list(context)
    return set(heard) | {a + b for a, b in itertools.pairwise(heard)}


def unsupported_terms(question: str, context: Sequence[str]) -> set[str]:
    """What the question names that the context (terms in spoken order) does not hold, even fuzzily: every number
    must be there; of the names, at least one (a misheard surname must not refuse "When does Tom Okafor retire?")."""
    heard = _heard_with_compounds(context)
    numbers, names = specific_terms(question)
    missing = {term for term in numbers if term_support(term, heard) == 0.0}
    named = {term for term in names if term_support(term, heard) > 0.0}
    if names and not named:
        missing |= names
    return missing
