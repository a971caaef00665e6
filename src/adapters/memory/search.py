"""Scene search over the in-memory store: brute-force cosine and BM25, fused like the SQL version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.questions import Passage
from domain.retrieval import bm25, content_words, reciprocal_rank_fusion, words
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from adapters.memory.unit_of_work import InMemoryStore

CANDIDATES = 40


class InMemorySceneSearch:
    """The same port and ranking rule as `PgVectorSceneSearch`, for unit tests and the demo wiring."""

    def __init__(self, store: InMemoryStore, *, vector_weight: float = 1.0, text_weight: float = 1.0) -> None:
        self._store = store
        self._weights = (vector_weight, text_weight)

    async def search(
        self,
        *,
        owner_id: UUID | None,
        video_ids: Sequence[UUID] | None,
        text: str,
        vector: Sequence[float],
        limit: int,
    ) -> list[Passage]:
        """The best passages, fused from both rankings."""
        candidates = []
        for video_id, (scene_owner, _, scenes) in self._store.scenes.items():
            video = self._store.videos.get(video_id)
            if video is None or video.status is not VideoStatus.COMPLETED:
                continue
            if owner_id is not None and scene_owner != owner_id:
                continue
            if video_ids is not None and video_id not in video_ids:
                continue
            candidates.extend((video, item) for item in scenes)
        if not candidates:
            return []
        keys = [f"{video.id}:{item.scene.index}" for video, item in candidates]
        cosine = [sum(a * b for a, b in zip(vector, item.embedding, strict=True)) for _, item in candidates]
        by_vector = [keys[i] for i in sorted(range(len(keys)), key=lambda i: -cosine[i])[:CANDIDATES]]
        query = content_words(text)
        text_scores = bm25(query, [words(item.scene.text) for _, item in candidates])
        by_text = [keys[i] for i in sorted(range(len(keys)), key=lambda i: -text_scores[i]) if text_scores[i] > 0]
        fused = reciprocal_rank_fusion(by_vector, by_text[:CANDIDATES], weights=self._weights)
        order = sorted(range(len(keys)), key=lambda i: (-fused.get(keys[i], 0.0), keys[i]))
        return [
            Passage(
                video_id=candidates[i][0].id,
                title=candidates[i][0].title,
                scene_index=candidates[i][1].scene.index,
                start=candidates[i][1].scene.start,
                end=candidates[i][1].scene.end,
                text=candidates[i][1].scene.text,
                sentences=tuple((s.start, s.end, s.text) for s in candidates[i][1].scene.sentences),
                score=fused[keys[i]],
            )
            for i in order[:limit]
            if keys[i] in fused
        ]
