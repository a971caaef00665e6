"""Hybrid scene search in one SQL statement: HNSW cosine neighbours and full-text matches, fused by RRF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text as sql

from domain.questions import Passage
from domain.retrieval import RRF_K, content_words

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

CANDIDATES = 40
"""How many neighbours each side contributes before fusion."""
TEXT_MATCHES_MAX = 2000
"""Full-text matches ranked at most: a very common word must not make ranking scan the whole table."""

# Only module constants are formatted into the text; every value is a bound parameter.
_SEARCH = sql(
    f"""
    with allowed as (
        select v.id, v.title from video v
        where v.status = 'completed'
          and (cast(:owner as uuid) is null or v.owner_id = cast(:owner as uuid))
          and (cast(:videos as uuid[]) is null or v.id = any(cast(:videos as uuid[])))
    ),
    by_vector as (
        select s.id, row_number() over (order by s.embedding <=> cast(:vector as vector)) as rank
        from scene s
        where s.video_id in (select id from allowed)
          and (cast(:owner as uuid) is null or s.owner_id = cast(:owner as uuid))
        order by s.embedding <=> cast(:vector as vector)
        limit :candidates
    ),
    matching as (
        select s.id, s.text_search from scene s
        where :terms <> '' and s.text_search @@ to_tsquery('simple', :terms)
          and s.video_id in (select id from allowed)
        limit {TEXT_MATCHES_MAX}
    ),
    by_text as (
        select id, row_number() over (order by ts_rank_cd(text_search, to_tsquery('simple', :terms)) desc) as rank
        from matching
        order by rank
        limit :candidates
    ),
    fused as (
        select coalesce(v.id, t.id) as id,
               coalesce(1.0 / ({RRF_K} + v.rank), 0) * :vector_weight
             + coalesce(1.0 / ({RRF_K} + t.rank), 0) * :text_weight as score
        from by_vector v full outer join by_text t on v.id = t.id
    )
    select s.video_id, a.title, s.index, s.start_sec, s.end_sec, s.text, s.sentences, f.score
    from fused f join scene s on s.id = f.id join allowed a on a.id = s.video_id
    where f.score > 0
    order by f.score desc, s.video_id, s.index
    limit :limit
    """  # noqa: S608
)


def tsquery_terms(question: str) -> str:
    """An OR query of the question's content words, safe for `to_tsquery` (only letters, digits, underscore)."""
    terms = sorted({"".join(c for c in word if c.isalnum() or c == "_") for word in content_words(question)})
    return " | ".join(term for term in terms if term)


class PgVectorSceneSearch:
    """Searches completed videos' scenes; every question is one round trip."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        vector_weight: float = 1.0,
        text_weight: float = 1.0,
    ) -> None:
        self._sessions = session_factory
        self._vector_weight, self._text_weight = vector_weight, text_weight

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
        if video_ids is not None and not video_ids:
            return []
        async with self._sessions() as session:
            # Iterative HNSW scans keep returning neighbours when the owner/video filter removes many.
            await session.execute(sql("set local hnsw.iterative_scan = relaxed_order"))
            # psycopg prepares a statement after a few runs; a generic plan for this one takes seconds at 1M scenes
            # (bench/bench_retrieval.py), so always plan it for the actual parameters.
            await session.execute(sql("set local plan_cache_mode = force_custom_plan"))
            # The text half keeps the first 2000 matches of a scan; synchronized scans start each scan elsewhere,
            # which made the same question return different passages run to run (bench/bench_retrieval.py).
            await session.execute(sql("set local synchronize_seqscans = off"))
            rows = await session.execute(
                _SEARCH,
                {
                    "owner": str(owner_id) if owner_id else None,
                    "videos": [str(v) for v in video_ids] if video_ids is not None else None,
                    "vector": "[" + ",".join(f"{x:.7f}" for x in vector) + "]",
                    "terms": tsquery_terms(text),
                    "candidates": CANDIDATES,
                    "limit": limit,
                    "vector_weight": self._vector_weight,
                    "text_weight": self._text_weight,
                },
            )
            return [
                Passage(
                    video_id=row.video_id,
                    title=row.title,
                    scene_index=row.index,
                    start=row.start_sec,
                    end=row.end_sec,
                    text=row.text,
                    sentences=tuple((a, b, t) for a, b, t in row.sentences),
                    score=float(row.score),
                )
                for row in rows
            ]
