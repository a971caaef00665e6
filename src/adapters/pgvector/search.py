"""Sentence search in one SQL statement: HNSW cosine neighbours and full-text matches on normalised terms are the
candidates; each is scored by the shared domain rule (cosine + fuzzy term share) and grouped into its scene."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sqlalchemy import text as sql
from sqlalchemy.exc import InterfaceError, OperationalError

from domain.errors import Unavailable
from domain.retrieval import SentenceHit, rank_passages, terms
from domain.scenes import Scene, Sentence

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from domain.questions import Passage

CANDIDATES = 40
"""How many sentences each half (vector, full text) contributes."""
TEXT_MATCHES_MAX = 2000
"""Full-text matches ranked at most: a very common word must not make ranking scan the whole table."""
FLOODING_ROWS = TEXT_MATCHES_MAX // 2
"""A term PostgreSQL's statistics expect in this many sentences or more is left out of the text half's query when
the question has rarer terms: its matches would fill the first TEXT_MATCHES_MAX rows before the rare term's few."""
COMMON_TERMS_SECONDS = 300.0
"""How long the common terms read from `pg_stats` are reused (ANALYZE refreshes them as the table grows)."""

# Only module constants are formatted into the text; every value is a bound parameter. The two halves filter the
# allowed videos differently, each as its plan needs (bench/bench_retrieval.py at 1M sentences):
# - vector: `in (select …)`, which the planner estimates from the videos' statistics, so it walks the HNSW index
#   (7–40 ms). With `= any(array(select …))` it cannot see how many sentences pass, guesses ~1000, and sorts all of
#   a large owner's sentences by distance instead (1.4 s for an owner of 450k sentences).
# - text: `= any(array(select …))`: with a subquery the planner loops over an owner's videos and rebuilds the GIN
#   bitmap of a common word once per video (475 → 88 ms median for an owner with 22 videos).
_SEARCH = sql(
    f"""
    with allowed as (
        select v.id, v.title from video v
        where v.status = 'completed'
          and (cast(:owner as uuid) is null or v.owner_id = cast(:owner as uuid))
          and (cast(:videos as uuid[]) is null or v.id = any(cast(:videos as uuid[])))
    ),
    by_vector as (
        select s.id from scene_sentence s
        where s.video_id in (select id from allowed)
          and (cast(:owner as uuid) is null or s.owner_id = cast(:owner as uuid))
        order by s.embedding <=> cast(:vector as vector)
        limit :candidates
    ),
    matching as (
        select s.id, s.terms_search from scene_sentence s
        where :terms <> '' and s.terms_search @@ to_tsquery('simple', :terms)
          and s.video_id = any(array(select id from allowed))
        limit {TEXT_MATCHES_MAX}
    ),
    by_text as (
        select id from matching
        order by ts_rank_cd(terms_search, to_tsquery('simple', :terms)) desc, id
        limit :candidates
    ),
    candidates as (select id from by_vector union select id from by_text)
    select sc.video_id, a.title, sc.index, sc.start_sec, sc.end_sec, sc.text, sc.sentences,
           s.position, s.terms, 1 - (s.embedding <=> cast(:vector as vector)) as cosine
    from candidates c
    join scene_sentence s on s.id = c.id
    join scene sc on sc.id = s.scene_id
    join allowed a on a.id = sc.video_id
    """  # noqa: S608
)


# The most common lexemes of the index and the share of sentences holding each (ANALYZE's element statistics).
_COMMON_TERMS = sql(
    """
    select st.most_common_elems::text::text[] as terms, st.most_common_elem_freqs as freqs, c.reltuples
    from pg_stats st
    join pg_namespace n on n.nspname = st.schemaname
    join pg_class c on c.relnamespace = n.oid and c.relname = st.tablename
    where st.schemaname = current_schema() and st.tablename = 'scene_sentence' and st.attname = 'terms_search'
    """
)


def tsquery_terms(question: str, common: frozenset[str] = frozenset()) -> str:
    """An OR query of the question's normalised terms, safe for `to_tsquery` (letters, digits, '_' and '.'); terms
    in `common` are left out unless nothing else would remain."""
    cleaned = {"".join(c for c in term if c.isalnum() or c in "_.").strip(".") for term in terms(question)}
    cleaned.discard("")
    rarer = cleaned - common
    return " | ".join(sorted(rarer or cleaned))


def flooding_terms(lexemes: Sequence[str] | None, shares: Sequence[float] | None, rows: float) -> frozenset[str]:
    """The lexemes expected in at least FLOODING_ROWS sentences, from `pg_stats` (none before the first ANALYZE)."""
    if not lexemes or not shares or rows <= 0:
        return frozenset()
    return frozenset(term for term, share in zip(lexemes, shares, strict=False) if share * rows >= FLOODING_ROWS)


class PgVectorSceneSearch:
    """Searches completed videos' sentences; every question is one round trip."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory
        self._common: frozenset[str] = frozenset()
        self._common_read_at: float | None = None

    async def _common_terms(self, session: AsyncSession) -> frozenset[str]:
        """The index's flooding terms, read from the statistics at most every COMMON_TERMS_SECONDS."""
        now = time.monotonic()
        if self._common_read_at is None or now - self._common_read_at >= COMMON_TERMS_SECONDS:
            row = (await session.execute(_COMMON_TERMS)).first()
            self._common = flooding_terms(row.terms, row.freqs, row.reltuples) if row else frozenset()
            self._common_read_at = now
        return self._common

    async def search(
        self,
        *,
        owner_id: UUID | None,
        video_ids: Sequence[UUID] | None,
        text: str,
        vector: Sequence[float],
        limit: int,
    ) -> list[Passage]:
        """The scenes holding the best-matching sentences, best first; `Unavailable` when the database is down."""
        try:
            return await self._search(owner_id=owner_id, video_ids=video_ids, text=text, vector=vector, limit=limit)
        except (OperationalError, InterfaceError) as error:
            # A refused or dropped connection (the read replica down, say) is an outage, not a bug: say so.
            raise Unavailable("The database cannot be reached right now; try again shortly.") from error

    async def _search(
        self,
        *,
        owner_id: UUID | None,
        video_ids: Sequence[UUID] | None,
        text: str,
        vector: Sequence[float],
        limit: int,
    ) -> list[Passage]:
        if video_ids is not None and not video_ids:
            return []
        async with self._sessions() as session:
            # Iterative HNSW scans keep returning neighbours when the owner/video filter removes many.
            await session.execute(sql("set local hnsw.iterative_scan = relaxed_order"))
            # psycopg prepares a statement after a few runs; a generic plan for this one takes seconds at 1M rows
            # (bench/bench_retrieval.py), so always plan it for the actual parameters.
            await session.execute(sql("set local plan_cache_mode = force_custom_plan"))
            # The text half keeps the first 2000 matches of a scan; synchronized scans start each scan elsewhere,
            # which made the same question return different candidates run to run (bench/bench_retrieval.py).
            await session.execute(sql("set local synchronize_seqscans = off"))
            rows = await session.execute(
                _SEARCH,
                {
                    "owner": str(owner_id) if owner_id else None,
                    "videos": [str(v) for v in video_ids] if video_ids is not None else None,
                    "vector": "[" + ",".join(f"{x:.7f}" for x in vector) + "]",
                    "terms": tsquery_terms(text, await self._common_terms(session)),
                    "candidates": CANDIDATES,
                },
            )
            hits = [
                SentenceHit(
                    video_id=row.video_id,
                    title=row.title,
                    scene=Scene(
                        index=row.index,
                        start=row.start_sec,
                        end=row.end_sec,
                        text=row.text,
                        sentences=tuple(Sentence(start=a, end=b, text=t) for a, b, t in row.sentences),
                    ),
                    position=row.position,
                    terms=tuple(row.terms.split()),
                    cosine=float(row.cosine),
                )
                for row in rows
            ]
        return rank_passages(text, hits, limit)
