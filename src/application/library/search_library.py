"""Search the library: full text and meaning over titles, descriptions and transcripts, with the best moments."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.accounts.throttle import throttle
from domain.errors import InvalidInput
from domain.library_search import VideoHit, clean_query, rank_videos
from domain.retrieval import content_words

if TYPE_CHECKING:
    from application.accounts.authenticate import Caller
    from application.accounts.policy import RateRule
    from application.ports.media import Embedder
    from application.ports.persistence import UnitOfWork
    from application.ports.questions import SceneSearch
    from application.ports.security import RateLimiter
    from domain.videos import Video

SCENES = 40
"""Scenes retrieved per search: enough for the best moments of the top videos."""
TEXT_MATCHES = 200
RESULTS_MAX = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class LibraryResult:
    """A matching video and why it matched."""

    video: Video
    hit: VideoHit


class SearchLibrary:
    """The caller's videos that best match a query, each with its best matching moments."""

    def __init__(
        self,
        uow: UnitOfWork,
        search: SceneSearch,
        embedder: Embedder,
        limiter: RateLimiter | None = None,
        rule: RateRule | None = None,
    ) -> None:
        self._uow, self._search, self._embedder = uow, search, embedder
        self._limiter, self._rule = limiter, rule

    async def __call__(self, caller: Caller, query: str, *, limit: int = 10) -> list[LibraryResult]:
        """Best first; limit 1–50."""
        query = clean_query(query)
        if not 1 <= limit <= RESULTS_MAX:
            raise InvalidInput(f"limit must be 1–{RESULTS_MAX}.")
        if self._limiter is not None and self._rule is not None:
            await throttle(self._limiter, (f"search:{caller.user.id}", self._rule))
        vector = await asyncio.to_thread(self._embedder.embed_query, query)
        passages = await self._search.search(
            owner_id=caller.user.id, video_ids=None, text=query, vector=vector, limit=SCENES
        )
        async with self._uow as uow:
            by_text = await uow.video_text.matching(caller.user.id, content_words(query) or [query], limit=TEXT_MATCHES)
            hits = rank_videos(passages, by_text, query, limit=limit)
            known = {video.id: video for video in by_text}
            results = []
            for hit in hits:
                video = known.get(hit.video_id) or await uow.videos.get(hit.video_id)
                if video is not None and video.owner_id == caller.user.id:
                    results.append(LibraryResult(video=video, hit=hit))
        return results
