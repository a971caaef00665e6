"""Library search over HTTP: videos matching a query, each with its best moments."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from application.accounts.authenticate import Caller
from application.library.search_library import LibraryResult, SearchLibrary
from domain.cited_text import hms
from entrypoints.http.schemas import Schema


class MomentBody(Schema):
    """A matching stretch of the video: play from `startSec`."""

    start_sec: float
    end_sec: float
    timestamp: str
    text: str
    score: float


class SearchHitBody(Schema):
    """A video that matched: in its title/description (`matchedText`), in what is said (`moments`), or both."""

    video_id: UUID
    title: str
    description: str
    status: str
    duration: float | None
    score: float
    matched_text: bool
    moments: list[MomentBody]

    @classmethod
    def of(cls, result: LibraryResult) -> SearchHitBody:
        """Build from a search result."""
        video, hit = result.video, result.hit
        return cls(
            video_id=video.id,
            title=video.title,
            description=video.description,
            status=video.status.value,
            duration=video.duration,
            score=round(hit.score, 5),
            matched_text=hit.matched_text,
            moments=[
                MomentBody(
                    start_sec=round(m.start, 2),
                    end_sec=round(m.end, 2),
                    timestamp=hms(m.start),
                    text=m.text,
                    score=round(m.score, 5),
                )
                for m in hit.moments
            ],
        )


class SearchResults(Schema):
    """Best first."""

    query: str
    items: list[SearchHitBody]


class SearchController(Controller):
    """Search the caller's whole library (login or an API key with `read`)."""

    path = "/api/search"
    tags = ["search"]  # noqa: RUF012 - Litestar reads a list

    @get("/", operation_id="searchLibrary", summary="Search my videos")
    async def search(
        self,
        caller: NamedDependency[Caller],
        search_library: NamedDependency[SearchLibrary],
        q: Annotated[str | None, QueryParameter(max_length=300, description="What to look for")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=50)] = 10,
    ) -> SearchResults:
        """Full text and meaning over titles, descriptions and transcripts; each video with up to three moments
        (422 without a query)."""
        results = await search_library(caller, q or "", limit=limit)
        return SearchResults(query=q or "", items=[SearchHitBody.of(r) for r in results])
