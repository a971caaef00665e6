"""The retrieval evaluation set in eval/ (made by scripts/make_eval_set.py) is complete and consistent."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import av
import pytest

pytestmark = pytest.mark.integration

EVAL = Path(__file__).resolve().parents[2] / "eval"
QA: dict[str, Any] = json.loads((EVAL / "qa.json").read_text(encoding="utf-8"))
TALKS: dict[str, dict[str, Any]] = {talk["id"]: talk for talk in QA["talks"]}
MAX_FILE_BYTES = 1_200_000
MAX_TOTAL_BYTES = 6_000_000
MINIMUM_PER_KIND = {"paraphrase": 20, "exact": 15, "disambiguation": 15, "unanswerable": 8}


def test_the_dataset_has_the_expected_shape() -> None:
    assert QA["version"] == 1
    assert len(QA["talks"]) == 6
    assert len(QA["questions"]) >= 60
    for talk in QA["talks"]:
        assert set(talk) >= {"id", "file", "title", "sentences"}
        assert talk["file"] == f"talks/{talk['id']}.m4a"
        assert talk["sentences"], talk["id"]
    for question in QA["questions"]:
        assert set(question) == {"id", "question", "talk", "sentence", "kind"}
        assert question["question"].strip()


def test_ids_are_unique() -> None:
    talk_ids = [talk["id"] for talk in QA["talks"]]
    question_ids = [question["id"] for question in QA["questions"]]
    assert len(set(talk_ids)) == len(talk_ids)
    assert len(set(question_ids)) == len(question_ids)
    assert len({question["question"] for question in QA["questions"]}) == len(question_ids)


def test_sentence_timings_are_ordered_and_do_not_overlap() -> None:
    for talk in QA["talks"]:
        previous_end = 0.0
        for sentence in talk["sentences"]:
            assert previous_end < sentence["start"] < sentence["end"], (talk["id"], sentence)
            assert sentence["text"].strip()
            previous_end = sentence["end"]


@pytest.mark.parametrize("talk", QA["talks"], ids=lambda talk: talk["id"])
def test_each_file_is_small_audio_that_lasts_as_long_as_its_sentences(talk: dict[str, Any]) -> None:
    path = EVAL / talk["file"]
    assert path.is_file(), path
    assert path.stat().st_size < MAX_FILE_BYTES

    with av.open(str(path)) as container:
        assert len(container.streams.audio) == 1
        assert len(container.streams.video) == 0
        assert container.duration is not None
        duration = container.duration / av.time_base

    assert duration == pytest.approx(talk["sentences"][-1]["end"], abs=1.0)


def test_all_files_together_stay_small() -> None:
    assert sum((EVAL / talk["file"]).stat().st_size for talk in QA["talks"]) < MAX_TOTAL_BYTES


def test_every_answerable_question_points_at_an_existing_sentence() -> None:
    for question in QA["questions"]:
        if question["kind"] == "unanswerable":
            assert question["talk"] is None, question["id"]
            assert question["sentence"] is None, question["id"]
            continue
        assert question["talk"] in TALKS, question["id"]
        sentence = question["sentence"]
        assert isinstance(sentence, int), question["id"]
        assert 0 <= sentence < len(TALKS[question["talk"]]["sentences"]), question["id"]


def test_every_kind_has_enough_questions() -> None:
    counts = Counter(question["kind"] for question in QA["questions"])

    assert set(counts) == set(MINIMUM_PER_KIND)
    for kind, minimum in MINIMUM_PER_KIND.items():
        assert counts[kind] >= minimum, (kind, counts[kind])
