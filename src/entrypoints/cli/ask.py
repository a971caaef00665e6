"""`askvideo ask FILE|VIDEO_ID "question"` and `askvideo eval qa.json`: the question pipeline from the terminal."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from application.questions.ask_question import AskCommand
from domain.errors import DomainError
from domain.evaluation import Outcome, Scorecard, overlaps
from domain.questions import ChatEntry, Scope
from entrypoints.cli.local_jobs import IngestedFiles, _owner, ensure_ingested
from entrypoints.container import build_container, close_gateways
from entrypoints.embedded import StartupError

if TYPE_CHECKING:
    from entrypoints.container import Container
    from entrypoints.settings import Settings

EVAL_USER = "eval"


def clock(seconds: float) -> str:
    """HH:MM:SS."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _print_answer(entry: ChatEntry, file: Path | None) -> None:
    """The answer, then one line per citation, clickable for a local file (`file://…#t=SECONDS`)."""
    print()
    for number, citation in enumerate(entry.citations, start=1):
        where = f"{clock(citation.start)}–{clock(citation.end)}"
        link = f"  {file.resolve().as_uri()}#t={citation.start:.1f}" if file else ""
        print(f"[{number}] {citation.title} {where}{link}\n    “{citation.text}”")


async def _ask(container: Container, target: str, path: Path | None, question: str) -> None:
    if path is not None:
        known = IngestedFiles(container.settings().data_dir)
        video = await ensure_ingested(container, path, title=None, login=None, known=known)
        if video.status.value != "completed":
            raise StartupError(f"Processing failed: {video.error_message}")
        scope, file = Scope.video(video.id), path
    else:
        try:
            scope, file = Scope.video(uuid.UUID(target)), None
        except ValueError:
            raise StartupError(f"{target!r} is neither a file nor a video id.") from None
    caller = await _owner(container, None)
    async for piece in container.use_cases.ask_question().stream(caller, AskCommand(question=question, scope=scope)):
        if isinstance(piece, ChatEntry):
            _print_answer(piece, file)
        else:
            sys.stdout.write(piece)
            sys.stdout.flush()


def _run(settings: Settings, work: object) -> object:
    container = build_container(settings)

    async def go() -> object:
        try:
            return await work(container)  # type: ignore[operator]
        finally:
            await close_gateways(container)

    try:
        return asyncio.run(go())
    except DomainError as error:
        raise StartupError(error.detail) from None


def run_ask(settings: Settings, target: str, question: str) -> None:
    """CLI entry for `ask`."""
    path = Path(target).expanduser()
    _run(settings, lambda container: _ask(container, target, path if path.is_file() else None, question))


def _truth(talks: dict[str, tuple[uuid.UUID, list[dict]]], item: dict) -> tuple[uuid.UUID, float, float] | None:
    """(video, start, end) of the sentence that answers a question, or None for an unanswerable one."""
    if not item.get("talk"):
        return None
    video_id, sentences = talks[item["talk"]]
    sentence = sentences[item["sentence"]]
    return video_id, sentence["start"], sentence["end"]


def _first_hit(entry: ChatEntry, truth: tuple[uuid.UUID, float, float] | None) -> bool:
    first = entry.citations[0] if entry.citations else None
    return bool(truth and first and first.video_id == truth[0] and overlaps(first.start, first.end, *truth[1:]))


async def _ingest_talks(container: Container, dataset: Path, data: dict) -> dict[str, tuple[uuid.UUID, list[dict]]]:
    known = IngestedFiles(container.settings().data_dir)
    talks: dict[str, tuple[uuid.UUID, list[dict]]] = {}
    for talk in data["talks"]:
        path = (dataset.parent / talk["file"]).resolve()
        print(f"ingesting {talk['title']} …", file=sys.stderr)
        video = await ensure_ingested(container, path, title=talk["title"], login=EVAL_USER, known=known)
        if video.status.value != "completed":
            raise StartupError(f"{path.name}: processing failed: {video.error_message}")
        talks[talk["id"]] = (video.id, talk["sentences"])
    return talks


async def _evaluate(container: Container, dataset: Path, data: dict) -> dict[str, float]:
    talks = await _ingest_talks(container, dataset, data)
    caller = await _owner(container, EVAL_USER)
    ask = container.use_cases.ask_question()
    search, embedder = container.gateways.search(), container.gateways.embedder()
    card = Scorecard()
    for item in data["questions"]:
        truth = _truth(talks, item)
        started = time.perf_counter()
        entry = await ask(caller, AskCommand(question=item["question"], scope=Scope.library(), history=[]))
        latency = time.perf_counter() - started
        passages = await search.search(
            owner_id=caller.user.id,
            video_ids=None,
            text=item["question"],
            vector=await asyncio.to_thread(embedder.embed_query, item["question"]),
            limit=3,
        )
        top3 = sorted(
            ((score, p.video_id, *p.sentences[i][:2]) for p in passages for score, i in p.best_sentences()),
            key=lambda s: -s[0],
        )[:3]
        hit3 = bool(truth) and any(
            video_id == truth[0] and overlaps(start, end, *truth[1:])  # type: ignore[index]
            for _, video_id, start, end in top3
        )
        first = entry.citations[0] if entry.citations else None
        hit1 = _first_hit(entry, truth)
        card.add(
            Outcome(
                answerable=truth is not None,
                hit_at_1=hit1,
                hit_at_3=hit1 or hit3,
                answered=entry.grounded,
                citation_seconds=(first.end - first.start) if first else None,
                latency=latency,
            )
        )
    summary = card.summary()
    summary.update(await _follow_ups(container, dataset, data, talks))
    summary.update(await _summaries(container, talks))
    return summary


async def _follow_ups(
    container: Container, dataset: Path, data: dict, talks: dict[str, tuple[uuid.UUID, list[dict]]]
) -> dict[str, float]:
    """Follow-ups (followups.json beside the set): hit@1 asked after their question, and asked alone."""
    path = dataset.parent / "followups.json"
    if not path.is_file():
        return {}
    questions = {item["id"]: item for item in data["questions"]}
    caller = await _owner(container, EVAL_USER)
    ask = container.use_cases.ask_question()
    in_chat = alone = 0
    followups = json.loads(path.read_text())["followups"]
    for item in followups:
        truth = _truth(talks, questions[item["answer"]])
        before = await ask(caller, AskCommand(question=questions[item["after"]]["question"], scope=Scope.library()))
        turn = [(before.question, before.answer)]
        in_chat += _first_hit(
            await ask(caller, AskCommand(question=item["question"], scope=Scope.library(), history=turn)), truth
        )
        alone += _first_hit(
            await ask(caller, AskCommand(question=item["question"], scope=Scope.library(), history=[])), truth
        )
    return {"follow-up hit@1": in_chat / len(followups), "follow-up hit@1 asked alone": alone / len(followups)}


async def _summaries(container: Container, talks: dict[str, tuple[uuid.UUID, list[dict]]]) -> dict[str, float]:
    """ "Summarise this video" for each talk: the share whose summary is grounded and cites only that talk."""
    caller = await _owner(container, EVAL_USER)
    ask = container.use_cases.ask_question()
    good = 0
    for video_id, _ in talks.values():
        entry = await ask(caller, AskCommand(question="Summarise this video", scope=Scope.video(video_id)))
        good += entry.grounded and len(entry.citations) >= 3 and {c.video_id for c in entry.citations} == {video_id}
    return {"summaries grounded": good / len(talks)} if talks else {}


def run_eval(settings: Settings, dataset: str) -> dict[str, float]:
    """CLI entry for `eval`: ingest the set's talks (once), ask every question, print the scores."""
    path = Path(dataset).expanduser()
    if not path.is_file():
        raise StartupError(f"There is no evaluation file {path}.")
    data = json.loads(path.read_text())
    summary = _run(settings, lambda container: _evaluate(container, path, data))
    for name, value in summary.items():  # type: ignore[union-attr]
        shown = f"{value:.0f}" if name == "questions" or "ms" in name else f"{value:.3f}"
        print(f"{name:>24}: {shown}")
    return summary  # type: ignore[return-value]
