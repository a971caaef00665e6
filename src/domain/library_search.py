"""Library search: which videos match a query best, fusing what was said (scenes) with titles and descriptions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.retrieval import reciprocal_rank_fusion, stems, words
from domain.text_fields import required_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.questions import Passage
    from domain.videos import Video

QUERY_MAX = 300
MOMENTS_PER_VIDEO = 3
TITLE_WEIGHT = 2.0
"""A word in the title says more about a video than the same word in its description."""


def clean_query(query: str) -> str:
    """A search query is required, at most 300 characters."""
    return required_line(
        query,
        most=QUERY_MAX,
        missing="Type something to search for.",
        too_long=f"A search can have at most {QUERY_MAX} characters.",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Moment:
    """A stretch of a video that matched: its seconds and what is said there."""

    start: float
    end: float
    text: str
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoHit:
    """A video that matched, with where: its title or description, and its best moments."""

    video_id: uuid.UUID
    score: float
    matched_text: bool
    moments: tuple[Moment, ...]


def text_score(query: str, video: Video) -> float:
    """How well the title and description match the query's words (title words count double); 0: not at all."""
    terms = stems(query)
    if not terms:
        return 0.0
    title = {w for w in stems(video.title)} | {w.lower() for w in words(video.title)}
    description = {w for w in stems(video.description)} | {w.lower() for w in words(video.description)}
    return sum(TITLE_WEIGHT * (term in title) + (term in description) for term in terms) / len(terms)


def _moment(passage: Passage) -> Moment:
    """A matching scene shown by its best-matching sentence (seconds, not a minute-long scene)."""
    start, end, text = passage.cited()
    return Moment(start=start, end=end, text=text, score=passage.score)


def rank_videos(
    passages: Sequence[Passage], text_matches: Sequence[Video], query: str, *, limit: int
) -> list[VideoHit]:
    """Videos ranked by reciprocal-rank fusion of two lists: by their best scene, and by title/description.

    `passages` come best first; each video keeps its best `MOMENTS_PER_VIDEO` of them in time order, each shown by
    its best-matching sentence."""
    by_scene: dict[uuid.UUID, list[Passage]] = {}
    for passage in passages:
        by_scene.setdefault(passage.video_id, []).append(passage)
    scored = [(text_score(query, video), video) for video in text_matches]
    by_text = [video.id for score, video in sorted(scored, key=lambda p: (-p[0], str(p[1].id))) if score > 0]
    fused = reciprocal_rank_fusion([str(v) for v in by_scene], [str(v) for v in by_text])
    order = sorted(fused, key=lambda key: (-fused[key], key))[:limit]
    text_hits = set(by_text)
    hits = []
    for key in order:
        video_id = uuid.UUID(key)
        best = sorted(by_scene.get(video_id, [])[:MOMENTS_PER_VIDEO], key=lambda p: p.start)
        hits.append(
            VideoHit(
                video_id=video_id,
                score=fused[key],
                matched_text=video_id in text_hits,
                moments=tuple(_moment(p) for p in best),
            )
        )
    return hits
