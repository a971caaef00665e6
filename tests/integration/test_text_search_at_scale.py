"""The text half of the search in a large library (embedded PostgreSQL): a word found in thousands of sentences must
not push a rare term's few matches past the rows the text half ranks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from adapters.pgvector import PgVectorSceneSearch
from adapters.pgvector.search import TEXT_MATCHES_MAX, flooding_terms, tsquery_terms
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, create_engine, create_session_factory
from application.ports.persistence import EmbeddedScene
from domain.accounts import User
from domain.scenes import Scene, Sentence
from domain.videos import Video

DIMENSIONS = 384
FLOOD = int(TEXT_MATCHES_MAX * 1.25)
SENTENCES_PER_SCENE = 50
NEEDLE = "The rollout halted at checkpoint zephyr eleven."
QUESTION = "Where did the rollout halt, which checkpoint?"


def axis(i: int) -> list[float]:
    return [1.0 if d == i else 0.0 for d in range(DIMENSIONS)]


def scene(index: int, texts: list[str], vector: list[float]) -> EmbeddedScene:
    start = index * 600.0
    sentences = tuple(Sentence(start=start + i * 10, end=start + i * 10 + 5, text=t) for i, t in enumerate(texts))
    return EmbeddedScene(
        scene=Scene(index=index, start=start, end=start + len(texts) * 10, text=" ".join(texts), sentences=sentences),
        sentence_vectors=[vector] * len(texts),
    )


@pytest.fixture(scope="module")
async def flooded(database_url: str) -> AsyncIterator[tuple[PgVectorSceneSearch, uuid.UUID]]:
    """One owner's talk: FLOOD sentences saying "rollout" written first, the one that answers written last, then
    ANALYZE (autovacuum's job in production)."""
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    now = datetime.now(UTC)
    owner = User.register(
        username=f"fl{uuid.uuid4().hex[:6]}",
        email=f"{uuid.uuid4().hex[:6]}@x.org",
        password_hash="h",
        video_limit=1,
        now=now,
    )
    flood = [f"Rollout wave {n} went to the payment service without trouble." for n in range(FLOOD)]
    scenes = [
        scene(i, flood[at : at + SENTENCES_PER_SCENE], axis(0))
        for i, at in enumerate(range(0, FLOOD, SENTENCES_PER_SCENE))
    ]
    scenes.append(scene(len(scenes), [NEEDLE], axis(1)))
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        await uow.users.add(owner)
        video = Video.upload(
            owner_id=owner.id, title="Rollouts", description=None, size_bytes=1, duration=9000, now=now
        )
        await uow.videos.add(video.complete(language="en", duration=9000))
        await uow.scenes.replace_for_video(video.id, owner.id, scenes, embedder="test")
        await uow.commit()
    async with engine.begin() as connection:
        await connection.execute(text("analyze scene_sentence"))
    yield PgVectorSceneSearch(sessions), owner.id
    await engine.dispose()


async def found(search: PgVectorSceneSearch, owner_id: uuid.UUID) -> bool:
    """Whether the answering sentence is among the candidates (the vector half only sees the flood's direction)."""
    passages = await search.search(owner_id=owner_id, video_ids=None, text=QUESTION, vector=axis(0), limit=200)
    return any(NEEDLE in passage.text for passage in passages)


async def test_a_rare_term_is_found_behind_a_word_in_thousands_of_sentences(flooded) -> None:
    search, owner_id = flooded
    assert await found(search, owner_id)


def test_common_terms_are_dropped_only_while_a_rarer_one_remains() -> None:
    assert tsquery_terms(QUESTION, frozenset({"rollout"})) == "checkpoint | halt"
    assert tsquery_terms("the rollout", frozenset({"rollout"})) == "rollout"
    assert tsquery_terms(QUESTION) == "checkpoint | halt | rollout"


def test_flooding_terms_are_those_expected_in_many_sentences() -> None:
    assert flooding_terms(["rollout", "zephyr"], [0.9, 0.0001, 0.0001, 0.9, 0.0], 10_000) == frozenset({"rollout"})
    assert flooding_terms(None, None, -1) == frozenset()
