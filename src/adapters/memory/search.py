"""Sentence search over the in-memory store: every sentence is a candidate, scored by the same domain rule as the
SQL version (cosine + fuzzy term share) and grouped into its scene."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from domain.retrieval import SentenceHit, rank_passages, terms
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from adapters.memory.unit_of_work import InMemoryStore
    from domain.questions import Passage


@lru_cache(maxsize=65_536)
def sentence_terms(text: str) -> tuple[str, ...]:
    """A sentence's normalised terms, computed once (the SQL version stores them with the sentence)."""
    return tuple(terms(text))


class InMemorySceneSearch:
    """The same port and ranking rule as `PgVectorSceneSearch`, for unit tests and the demo wiring."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def search(
        self,
        *,
        owner_id: UUID | None,
        video_ids: Sequence[UUID] | None,
        text: str,
        vector: Sequence[float],
        limit: int,
    ) -> list[Passage]:
        """The scenes holding the best-matching sentences, best first."""
        hits = []
        for video_id, (scene_owner, _, scenes) in self._store.scenes.items():
            video = self._store.videos.get(video_id)
            if video is None or video.status is not VideoStatus.COMPLETED:
                continue
            if (owner_id is not None and scene_owner != owner_id) or (
                video_ids is not None and video_id not in video_ids
            ):
                continue
            for item in scenes:
                for position, (sentence, embedding) in enumerate(
                    zip(item.scene.sentences, item.sentence_vectors, strict=True)
                ):
                    hits.append(
                        SentenceHit(
                            video_id=video_id,
                            title=video.title,
                            scene=item.scene,
                            position=position,
                            terms=sentence_terms(sentence.text),
                            cosine=sum(a * b for a, b in zip(vector, embedding, strict=True)),
                        )
                    )
        return rank_passages(text, hits, limit)
