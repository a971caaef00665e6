"""Retrieval latency at scale: `PgVectorSceneSearch.search` (the use case's call: one SQL statement over the
`scene_sentence` index, then `rank_passages` in Python) against the same SQL through plain psycopg, on 100k and 1M
synthetic sentences (~5 per scene) in the embedded PostgreSQL. Aim: use case ÷ raw ≤ 1.3 (p50 and p95).

Usage: python bench/bench_retrieval.py [--sizes 100000,1000000] [--queries 200] [--data-dir DIR]
                                       [--index-budget-min 30] [--recall-queries 20] [--video-queries 40]

Sizes count sentences (the rows the indexes hold); each size has about a fifth as many scenes. Run by hand, never in
tests. Each size gets its own database (`bench_sentences_<size>`) in one embedded server, in a temporary data
directory, or in `--data-dir` so that loaded tables and their built indexes are reused by the next run (same size
and seed: nothing is reloaded).

Data: a few owners with unequal shares, ~size/250 completed videos of ~50 scenes, 3–7 sentences a scene (mean 5).
Each sentence has a unit 384-d float32 vector drawn around its scene's centroid (a few hundred centroids, each with
its own low-dimensional spread, like real embeddings) and 8–22 words from a Zipf vocabulary (the most common word is
in most sentences) plus topic words tied to the centroid; its `terms` are `domain.retrieval.terms` of its text (the
made-up words are their own terms). Loaded with binary COPY, a chunk of scenes then their sentences; the GIN and HNSW
indexes are dropped before the load and rebuilt after it (HNSW with maintenance_work_mem 4GB and 2 parallel
workers); an HNSW build that would exceed `--index-budget-min` is cancelled and its measured rate and extrapolated
total are reported instead.

Queries (library scope, as the application asks: owner filter, limit 6): vectors near the centroids, texts of
four kinds: `rare` (topic and rare words), `mixed` (a topic word and a very common word), `common1` (one very
common word) and `common2` (two common words); plus single-video-scope ones. A warm-up pass runs each through the
use case (its time is reported as `first`) and captures the exact statement and parameters it sent. Then per query,
after one untimed run so that both ways meet the same cache: the use case through the async SQLAlchemy engine and
the captured statement with sync psycopg (alternating which goes first), the statement in a transaction with the
adapter's `set local`s (its round trips), every n-th one auto-prepared by psycopg (generic plans), the vector-only
and text-only halves, and the Python scoring of the raw rows (`SentenceHit`s and `rank_passages`, what the use case
adds to the SQL). Then `rank_passages` alone on exactly 80 candidates, recall of each half against exact rankings,
repeatability, storage (TOAST, bytes a row) and EXPLAIN (ANALYZE, BUFFERS) of the slowest queries.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shlex
import shutil
import struct
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Row generation does hundreds of small matrix products per chunk: BLAS threads only fight the server for 2 cores.
os.environ["OPENBLAS_NUM_THREADS"] = os.environ.get("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import psycopg
from sqlalchemy import event

from adapters.pgvector.search import CANDIDATES, TEXT_MATCHES_MAX, PgVectorSceneSearch
from adapters.sqlalchemy.engine import create_engine, create_session_factory
from application.questions.ask_question import PASSAGES
from domain.retrieval import SentenceHit, rank_passages, terms
from domain.scenes import Scene, Sentence
from entrypoints.embedded import EmbeddedPostgres
from entrypoints.migrate import run_migrations

DIM = 384
CENTROIDS = 300
SPREAD_DIMS = 24
"""Each centroid's sentences vary mostly inside their own subspace of this many dimensions."""
SPREAD, NOISE = 0.18, 0.02
OWNER_SHARES = (0.45, 0.25, 0.15, 0.10, 0.05)
SENTENCES_PER_SCENE = (3, 7)
"""Sentences a scene holds, uniformly between these (mean 5)."""
WORDS_PER_SENTENCE = (8, 22)
SCENES_PER_VIDEO = 50
TOPICS_PER_VIDEO = 3
VOCABULARY = 20_000
ZIPF_EXPONENT = 1.0
TOPIC_WORDS = 8
TOPIC_SHARE = 0.10
"""Share of a sentence's words taken from its centroid's topic words (globally rare words)."""
RARE_FROM = 2_000
"""Words of this frequency rank and below count as rare."""
CATEGORIES = ("rare", "mixed", "common1", "common2")
EMBEDDER = "bench-synthetic"
SCENE_COLUMNS = "id, video_id, owner_id, index, start_sec, end_sec, text, sentences, embedder"
SENTENCE_COLUMNS = "scene_id, video_id, owner_id, position, terms, embedding"
HNSW_INDEX = "ix_scene_sentence_embedding"
HNSW_DDL = f"create index {HNSW_INDEX} on scene_sentence using hnsw (embedding vector_cosine_ops)"
GIN_INDEX = "ix_scene_sentence_terms"
GIN_DDL = f"create index {GIN_INDEX} on scene_sentence using gin (terms_search)"
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
COPY_TRAILER = struct.pack(">h", -1)
CHUNK = 4_000
"""Scenes generated and sent at a time (~20,000 sentences)."""
SCORED_CANDIDATES = 2 * CANDIDATES
"""The most candidates `rank_passages` gets: both halves full and disjoint."""


def log(message: str) -> None:
    """A timestamped progress line."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------- data


class World:
    """Everything that does not depend on the size: centroids and their spreads, vocabulary, topic words."""

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        centroids = rng.standard_normal((CENTROIDS, DIM))
        self.centroids = centroids / np.linalg.norm(centroids, axis=1, keepdims=True)
        self.bases = np.stack([np.linalg.qr(rng.standard_normal((DIM, SPREAD_DIMS)))[0] for _ in range(CENTROIDS)])
        self.vocabulary = _vocabulary(rng)
        weights = 1.0 / np.arange(1, VOCABULARY + 1) ** ZIPF_EXPONENT
        self.cdf = np.cumsum(weights / weights.sum())
        self.topic_words = np.stack(
            [rng.choice(np.arange(RARE_FROM, VOCABULARY), TOPIC_WORDS, replace=False) for _ in range(CENTROIDS)]
        )

    def vectors(self, rng: np.random.Generator, centroid: np.ndarray) -> np.ndarray:
        """Unit float32 vectors, one around each given centroid."""
        out = self.centroids[centroid] + NOISE * rng.standard_normal((len(centroid), DIM))
        spread = rng.standard_normal((len(centroid), SPREAD_DIMS)) * SPREAD
        order = np.argsort(centroid, kind="stable")
        bounds = np.searchsorted(centroid[order], np.arange(CENTROIDS + 1))
        for c in range(CENTROIDS):
            rows = order[bounds[c] : bounds[c + 1]]
            if len(rows):
                out[rows] += spread[rows] @ self.bases[c].T
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out.astype(np.float32)

    def word_ids(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """Word ids drawn with the Zipf frequencies."""
        return np.minimum(np.searchsorted(self.cdf, rng.random(count)), VOCABULARY - 1)


def _vocabulary(rng: np.random.Generator) -> list[str]:
    """Distinct pronounceable made-up words, each its own single term (no stopword, number word or stem change),
    so a sentence's `terms` are its words (index = frequency rank)."""
    syllables = np.array([c + v + n for c in "bdfgklmnprstvz" for v in "aeiou" for n in ("", "n")])
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        picks = syllables[rng.integers(0, len(syllables), (VOCABULARY, 3))]
        sizes = rng.integers(2, 4, VOCABULARY)
        for row, size in zip(picks.tolist(), sizes.tolist(), strict=True):
            word = "".join(row[:size])
            if len(words) < VOCABULARY and word not in words and terms(word) == [word]:
                words[word] = None
    return list(words)


@dataclass
class Library:
    """Owners, videos, each scene's video and each scene's sentence count for one size (deterministic from the
    seed)."""

    owners: list[uuid.UUID]
    videos: list[uuid.UUID]
    video_owner: np.ndarray
    video_topics: np.ndarray
    scene_video: np.ndarray
    scene_index: np.ndarray
    scene_sentences: np.ndarray

    @classmethod
    def build(cls, size: int, seed: int) -> Library:
        """A library of `size` sentences."""
        rng = np.random.default_rng([seed, size])
        owners = [uuid.UUID(bytes=rng.bytes(16), version=4) for _ in OWNER_SHARES]
        low, high = SENTENCES_PER_SCENE
        scenes = max(1, size * 2 // (low + high))
        per_scene = rng.integers(low, high + 1, scenes)
        per_scene = _scaled(per_scene, size)
        count = max(1, scenes // SCENES_PER_VIDEO)
        videos = [uuid.UUID(bytes=rng.bytes(16), version=4) for _ in range(count)]
        video_owner = rng.choice(len(owners), count, p=OWNER_SHARES)
        video_topics = rng.integers(0, CENTROIDS, (count, TOPICS_PER_VIDEO))
        lengths = _scaled(rng.integers(SCENES_PER_VIDEO // 2, SCENES_PER_VIDEO * 3 // 2 + 1, count), scenes)
        scene_video = np.repeat(np.arange(count), lengths)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        return cls(owners, videos, video_owner, video_topics, scene_video, np.arange(scenes) - starts, per_scene)

    @property
    def scenes(self) -> int:
        return len(self.scene_video)

    def owner_share(self, owner: int) -> float:
        """The share of sentences that belong to this owner."""
        return float(np.average(self.video_owner[self.scene_video] == owner, weights=self.scene_sentences))


def _scaled(counts: np.ndarray, total: int) -> np.ndarray:
    """Positive integer counts in the same proportions, adding up to `total`."""
    out = np.maximum(1, np.floor(counts * total / counts.sum())).astype(int)
    out[: max(0, total - out.sum())] += 1
    while out.sum() > total:  # only when the floor of 1 added more than the rounding took
        out[np.argmax(out)] -= 1
    return out


def chunk_rows(
    world: World, library: Library, start: int, stop: int, rng: np.random.Generator
) -> tuple[bytes, bytes, int]:
    """Binary COPY tuples for scenes [start, stop) and for their sentences, and the sentence count."""
    count = stop - start
    video = library.scene_video[start:stop]
    per_scene = library.scene_sentences[start:stop]
    centroid = library.video_topics[video, rng.integers(0, TOPICS_PER_VIDEO, count)]
    sentence_centroid = np.repeat(centroid, per_scene)
    total = len(sentence_centroid)
    vectors = world.vectors(rng, sentence_centroid).astype(">f4")
    lengths = rng.integers(WORDS_PER_SENTENCE[0], WORDS_PER_SENTENCE[1] + 1, total)
    words = world.word_ids(rng, int(lengths.sum()))
    topical = rng.random(len(words)) < TOPIC_SHARE
    word_centroid = np.repeat(sentence_centroid, lengths)
    words[topical] = world.topic_words[word_centroid[topical], rng.integers(0, TOPIC_WORDS, int(topical.sum()))]
    ids = rng.bytes(16 * count)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).tolist()
    vocabulary, owners, videos = world.vocabulary, library.owners, library.videos
    words_list = words.tolist()
    scene_fixed = struct.Struct(">hi16si16si16siiidid")
    sentence_fixed = struct.Struct(">hi16si16si16sii")
    embedder = struct.pack(">i", len(EMBEDDER)) + EMBEDDER.encode()
    vector_head = struct.pack(">iHH", 4 + 4 * DIM, DIM, 0)
    scenes_out: list[bytes] = []
    sentences_out: list[bytes] = []
    sentence = 0
    for row in range(count):
        index = int(library.scene_index[start + row])
        scene_id = ids[16 * row : 16 * row + 16]
        video_id = videos[video[row]].bytes
        owner_id = owners[library.video_owner[video[row]]].bytes
        begin = index * 30.0
        n = int(per_scene[row])
        sentences = []
        for position in range(n):
            tokens = [vocabulary[w] for w in words_list[offsets[sentence] : offsets[sentence + 1]]]
            spoken = " ".join(tokens)
            sentences.append([round(begin + 30.0 * position / n, 2), round(begin + 30.0 * (position + 1) / n, 2)])
            sentences[-1].append(spoken[0].upper() + spoken[1:] + ".")
            terms_bytes = spoken.encode()  # the made-up words are their own terms (see _vocabulary)
            sentences_out += [
                sentence_fixed.pack(6, 16, scene_id, 16, video_id, 16, owner_id, 4, position),
                struct.pack(">i", len(terms_bytes)),
                terms_bytes,
                vector_head,
                vectors[sentence].tobytes(),
            ]
            sentence += 1
        text = " ".join(s[2] for s in sentences).encode()
        sentences_json = b"\x01" + json.dumps(sentences).encode()
        scenes_out += [
            scene_fixed.pack(9, 16, scene_id, 16, video_id, 16, owner_id, 4, index, 8, begin, 8, begin + 30.0),
            struct.pack(">i", len(text)),
            text,
            struct.pack(">i", len(sentences_json)),
            sentences_json,
            embedder,
        ]
    return b"".join(scenes_out), b"".join(sentences_out), total


# ---------------------------------------------------------------------------------------------------------- load


@dataclass
class LoadInfo:
    """How the tables of one size came to be."""

    reused: bool
    load_s: float
    generate_s: float
    vacuum_s: float
    gin_s: float
    hnsw_s: float | None
    hnsw_note: str
    sentence_mb: float = 0.0
    scene_mb: float = 0.0
    hnsw_mb: float = 0.0
    gin_mb: float = 0.0
    scenes: int = 0


def database_url(base_url: str, name: str) -> str:
    """The embedded server's URL with another database."""
    head, _, tail = base_url.partition("?")
    return head.rsplit("/", 1)[0] + "/" + name + ("?" + tail if tail else "")


def ensure_database(base_url: str, name: str) -> str:
    """Create the database if needed (migrated) and return its URL."""
    with psycopg.connect(base_url, autocommit=True) as connection:
        if not connection.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            connection.execute(f'create database "{name}"')
    url = database_url(base_url, name)
    run_migrations(url)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            "create table if not exists bench_meta (size int primary key, seed int, load_s float8, generate_s float8,"
            " vacuum_s float8, gin_s float8, hnsw_s float8, hnsw_note text)"
        )
    return url


def load(url: str, world: World, size: int, seed: int, budget_s: float) -> LoadInfo:
    """Fill the database with `size` sentences and build the indexes, or reuse what an earlier run left."""
    with psycopg.connect(url, autocommit=True) as connection:
        meta = connection.execute(
            "select seed, load_s, generate_s, vacuum_s, gin_s, hnsw_s, hnsw_note from bench_meta where size = %s",
            (size,),
        ).fetchone()
        has_hnsw = connection.execute(f"select to_regclass('{HNSW_INDEX}') is not null").fetchone()[0]
        if meta and meta[0] == seed and meta[5] is not None and has_hnsw:
            log(f"{size:,} sentences: reusing the loaded tables and indexes")
            return _sized(connection, LoadInfo(True, *meta[1:]))
        if meta and meta[0] == seed:
            log(f"{size:,} sentences: tables loaded by an earlier run; building the HNSW index again")
            info = LoadInfo(True, *meta[1:5], None, "")
        else:
            info = _fill(connection, world, size, seed)
        info.hnsw_s, info.hnsw_note = build_hnsw(connection, url, budget_s)
        connection.execute("delete from bench_meta where size = %s", (size,))
        connection.execute(
            "insert into bench_meta values (%s, %s, %s, %s, %s, %s, %s, %s)",
            (size, seed, info.load_s, info.generate_s, info.vacuum_s, info.gin_s, info.hnsw_s, info.hnsw_note),
        )
        return _sized(connection, info)


def _sized(connection: psycopg.Connection, info: LoadInfo) -> LoadInfo:
    row = connection.execute(
        "select pg_total_relation_size('scene_sentence') / 1e6, pg_total_relation_size('scene') / 1e6,"  # noqa: S608
        f" coalesce(pg_relation_size(to_regclass('{HNSW_INDEX}')), 0) / 1e6,"
        f" coalesce(pg_relation_size(to_regclass('{GIN_INDEX}')), 0) / 1e6, (select count(*) from scene)"
    ).fetchone()
    info.sentence_mb, info.scene_mb, info.hnsw_mb, info.gin_mb = (float(v) for v in row[:4])
    info.scenes = int(row[4])
    return info


def _fill(connection: psycopg.Connection, world: World, size: int, seed: int) -> LoadInfo:
    library = Library.build(size, seed)
    rng = np.random.default_rng([seed, size, 1])
    log(
        f"{size:,} sentences: loading ({library.scenes:,} scenes, {len(library.videos):,} videos, "
        f"{len(library.owners)} owners)"
    )
    connection.execute("truncate user_account, video, scene, scene_sentence cascade")
    connection.execute(f"drop index if exists {HNSW_INDEX}")
    connection.execute(f"drop index if exists {GIN_INDEX}")
    started, generate_s, sent = time.perf_counter(), 0.0, 0
    now = dt.datetime.now(dt.UTC)
    with connection.transaction():
        connection.execute("set local synchronous_commit = off")
        with connection.cursor() as cursor:
            cursor.executemany(
                "insert into user_account (id, username, email, password_hash, is_active, video_limit, created_at)"
                " values (%s, %s, %s, 'not-a-hash', true, 1000000, %s)",
                [(owner, f"bench{i}", f"bench{i}@example.org", now) for i, owner in enumerate(library.owners)],
            )
            with cursor.copy(
                "copy video (id, owner_id, storage_key, title, description, uploaded_at, size_bytes, content_type,"
                " status, stage, progress, duration, language) from stdin"
            ) as copy:
                for i, video in enumerate(library.videos):
                    topic = world.vocabulary[world.topic_words[library.video_topics[i, 0], 0]]
                    copy.write_row(
                        (video, library.owners[library.video_owner[i]], f"videos/{video}.mp4", f"Talk {i} on {topic}",
                         "", now, 10_000_000, "video/mp4", "completed", "done", 1.0, 1500.0, "en")
                    )  # fmt: skip
            for chunk, chunk_start in enumerate(range(0, library.scenes, CHUNK)):
                generating = time.perf_counter()
                scenes, sentences, count = chunk_rows(
                    world, library, chunk_start, min(library.scenes, chunk_start + CHUNK), rng
                )
                generate_s += time.perf_counter() - generating
                for columns, table, rows in (
                    (SCENE_COLUMNS, "scene", scenes),
                    (SENTENCE_COLUMNS, "scene_sentence", sentences),
                ):
                    with cursor.copy(f"copy {table} ({columns}) from stdin (format binary)") as copy:
                        copy.write(COPY_HEADER + rows + COPY_TRAILER)
                sent += count
                if chunk % 10 == 9:
                    log(f"  {sent:,} sentences sent ({time.perf_counter() - started:.0f} s)")
    load_s = time.perf_counter() - started
    log(
        f"{size:,} sentences: loaded in {load_s:.1f} s (generating the rows in Python: {generate_s:.1f} s); "
        "vacuum analyze"
    )
    started = time.perf_counter()
    connection.execute("vacuum (analyze) user_account, video, scene, scene_sentence")
    vacuum_s = time.perf_counter() - started
    started = time.perf_counter()
    connection.execute("set maintenance_work_mem = '4GB'")
    connection.execute(GIN_DDL)
    gin_s = time.perf_counter() - started
    log(f"{size:,} sentences: vacuum analyze {vacuum_s:.1f} s, GIN index {gin_s:.1f} s")
    return LoadInfo(False, load_s, generate_s, vacuum_s, gin_s, None, "")


def build_hnsw(connection: psycopg.Connection, url: str, budget_s: float) -> tuple[float | None, str]:
    """Build the HNSW index; cancel it when its progress says it would take longer than `budget_s`."""
    connection.execute(f"drop index if exists {HNSW_INDEX}")
    connection.execute("set maintenance_work_mem = '4GB'")
    connection.execute("set max_parallel_maintenance_workers = 2")
    notices: list[str] = []
    connection.add_notice_handler(lambda notice: notices.append(notice.message_primary or ""))
    pid = connection.info.backend_pid
    verdict: list[str] = []
    done = threading.Event()
    started = time.perf_counter()

    def watch() -> None:
        with psycopg.connect(url, autocommit=True) as monitor:
            while not done.wait(15):
                row = monitor.execute(
                    "select phase, blocks_done, blocks_total, tuples_done, tuples_total"
                    " from pg_stat_progress_create_index where pid = %s",
                    (pid,),
                ).fetchone()
                if row is None:
                    continue
                phase, blocks_done, blocks_total, tuples_done, tuples_total = row
                fraction = blocks_done / blocks_total if blocks_total else 0.0
                elapsed = time.perf_counter() - started
                projected = elapsed / fraction if fraction > 0.02 else float("nan")
                log(
                    f"  HNSW build: {phase}, blocks {blocks_done}/{blocks_total} ({100 * fraction:.1f} %), "
                    f"tuples {tuples_done}/{tuples_total}, {elapsed:.0f} s, projected ~{projected:.0f} s"
                )
                too_slow = elapsed > 180 and fraction > 0.02 and projected > 1.15 * budget_s
                if too_slow or elapsed > budget_s:
                    verdict.append(
                        f"cancelled after {elapsed:.0f} s at {100 * fraction:.1f} % of the table scanned "
                        f"({fraction / elapsed * 100 * 60:.2f} %/min); projected total ≥ {projected / 60:.0f} min "
                        "(a lower bound: HNSW inserts slow down as the graph grows, and the graph is then written)"
                    )
                    connection.cancel_safe()
                    return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        connection.execute(HNSW_DDL)
    except psycopg.errors.QueryCanceled:
        done.set()
        watcher.join()
        log(f"HNSW build {verdict[0] if verdict else 'cancelled'}")
        return None, verdict[0] if verdict else "cancelled"
    finally:
        done.set()
        watcher.join()
    seconds = time.perf_counter() - started
    note = "; ".join(dict.fromkeys(notices))
    log(f"HNSW index built in {seconds:.1f} s{' (' + note + ')' if note else ''}")
    connection.execute("analyze scene_sentence")
    return seconds, note


# ---------------------------------------------------------------------------------------------------------- queries


@dataclass
class Query:
    """One question: whose library, what kind of text, its words and vector."""

    owner: uuid.UUID
    owner_share: float
    category: str
    text: str
    vector: list[float]
    video: uuid.UUID | None = None
    first: float = 0.0
    statement: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def make_queries(world: World, library: Library, count: int, video_count: int, seed: int) -> list[Query]:
    """`count` library-scope questions cycling through the categories, then `video_count` single-video ones."""
    rng = np.random.default_rng([seed, 7])
    shares = [library.owner_share(o) for o in range(len(library.owners))]
    centroids = rng.integers(0, CENTROIDS, count + video_count)
    vectors = world.vectors(rng, centroids)
    words = world.vocabulary
    queries = []
    for i in range(count + video_count):
        owner = int(rng.integers(0, len(library.owners)))
        topic = [words[w] for w in rng.choice(world.topic_words[centroids[i]], 2, replace=False)]
        rare = words[int(rng.integers(RARE_FROM * 2, VOCABULARY))]
        common = [words[int(rng.integers(0, 3))], words[int(rng.integers(3, 200))]]
        category = CATEGORIES[i % len(CATEGORIES)] if i < count else "video"
        text = {
            "rare": f"What does the talk say about {topic[0]} and {topic[1]} {rare}?",
            "mixed": f"How is {topic[0]} related to {common[0]}?",
            "common1": f"{common[0]}?",
            "common2": f"What about {common[0]} {common[1]}?",
            "video": f"Where is {topic[0]} explained, and {common[0]}?",
        }[category]
        video = None
        if category == "video":
            chosen = int(rng.integers(0, len(library.videos)))
            owner, video = int(library.video_owner[chosen]), library.videos[chosen]
        queries.append(Query(library.owners[owner], shares[owner], category, text, vectors[i].tolist(), video))
    return queries


def halves(statement: str) -> dict[str, str]:
    """The vector-only and text-only parts of the statement (its CTEs up to `candidates`; unused CTEs never run),
    and the text part without its match limit (the exact ranking)."""
    cut = statement.index("candidates as (")
    prefix = statement[:cut].rstrip().rstrip(",")
    limit = f"limit {TEXT_MATCHES_MAX}"
    assert prefix.count(limit) == 1, "the statement changed: update bench_retrieval.halves"
    return {
        "vector": prefix + "\nselect id from by_vector",
        "text": prefix + "\nselect id from by_text",
        "text_exact": prefix.replace(limit, "") + "\nselect id from by_text",
    }


def sentence_hits(rows: list[Any]) -> list[SentenceHit]:
    """The statement's rows as the adapter turns them into candidates."""
    return [
        SentenceHit(
            video_id=row[0],
            title=row[1],
            scene=Scene(
                index=row[2],
                start=row[3],
                end=row[4],
                text=row[5],
                sentences=tuple(Sentence(start=a, end=b, text=t) for a, b, t in row[6]),
            ),
            position=row[7],
            terms=tuple(row[8].split()),
            cosine=float(row[9]),
        )
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------------------- measure

WAYS = ("first", "use_case", "raw", "raw_txn", "prepared", "vector", "text", "scoring")
"""first: the use case the first time it runs that query (warm-up pass: OS cache warm, shared buffers not);
use_case: the adapter through the async engine, and raw: the same statement with sync psycopg, not server-prepared
(as the application runs it), both timed right after an untimed run of the statement, in alternating order;
raw_txn: raw in a transaction after the adapter's `set local`s (its round trips); prepared: psycopg's default
auto-prepare, which switches to the generic plan after a few runs; vector, text: the two halves, raw; scoring: the
raw rows made into `SentenceHit`s and ranked by `rank_passages` (the Python the use case adds)."""
SET_LOCALS = (
    "set local hnsw.iterative_scan = relaxed_order",
    "set local plan_cache_mode = force_custom_plan",
    "set local synchronize_seqscans = off",
)
"""What the adapter sends before its statement (kept in step with adapters/pgvector/search.py)."""
PREPARED_WARMUP = 12
"""Auto-prepared runs before timing: psycopg prepares on the 5th, the server tries 5 custom plans first."""
PREPARED_SQL = (
    "select count(*), sum(generic_plans), sum(custom_plans) from pg_prepared_statements"
    " where statement like '%by_vector%'"
)
VECTOR_LITERAL = re.compile(r"'\[[-0-9.,e]+\]'")
SCORING_REPEATS = 20


@dataclass
class SizeResult:
    """Latencies (seconds) and findings for one size."""

    size: int
    load: LoadInfo
    times: dict[str, list[float]] = field(default_factory=dict)
    by_category: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    vector_hits: dict[str, list[int]] = field(default_factory=dict)
    candidates: list[int] = field(default_factory=list)
    rank80: dict[str, list[float]] = field(default_factory=dict)
    mismatches: int = 0
    recall: dict[str, list[float]] = field(default_factory=dict)
    explains: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def pct(values: list[float], q: float) -> float:
    """The q-th percentile in milliseconds."""
    return float(np.percentile(values, q)) * 1000 if values else float("nan")


def p50_95(values: list[float]) -> str:
    """'p50/p95' in milliseconds."""
    return f"{pct(values, 50):.1f}/{pct(values, 95):.1f}" if values else "-"


def ratio(a: list[float], b: list[float]) -> str:
    """p50 and p95 of `a` over those of `b`."""
    return f"{pct(a, 50) / pct(b, 50):.2f}/{pct(a, 95) / pct(b, 95):.2f}"


def passages_key(question: str, rows: list[Any]) -> list[tuple[Any, int]]:
    """(video id, scene index) of each passage the rows make, as the adapter ranks them."""
    return [(p.video_id, p.scene_index) for p in rank_passages(question, sentence_hits(rows), PASSAGES)]


class Measurement:
    """The connections and the runs of one size."""

    def __init__(self, url: str, result: SizeResult) -> None:
        self.result = result
        self.engine = create_engine(url)
        self.captured: list[tuple[str, dict[str, Any]]] = []
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._capture)
        self.search = PgVectorSceneSearch(create_session_factory(self.engine))
        self.raw = psycopg.connect(url, autocommit=True)
        self.raw.execute("set hnsw.iterative_scan = relaxed_order")
        self.raw.execute("set synchronize_seqscans = off")
        self.txn = psycopg.connect(url)
        self.prepared = psycopg.connect(url, autocommit=True)
        self.prepared.execute("set hnsw.iterative_scan = relaxed_order")
        self.prepared.execute("set synchronize_seqscans = off")
        self.parts: dict[str, str] = {}

    def _capture(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "by_vector" in statement:
            self.captured.append((statement, dict(parameters)))

    async def use_case(self, query: Query) -> tuple[float, list[Any]]:
        started = time.perf_counter()
        passages = await self.search.search(
            owner_id=query.owner,
            video_ids=[query.video] if query.video else None,
            text=query.text,
            vector=query.vector,
            limit=PASSAGES,
        )
        return time.perf_counter() - started, [(p.video_id, p.scene_index) for p in passages]

    def run_raw(self, query: Query) -> list[Any]:
        return self.raw.execute(query.statement, query.params, prepare=False).fetchall()

    def run_txn(self, query: Query) -> list[Any]:
        with self.txn.transaction():
            for statement in SET_LOCALS:
                self.txn.execute(statement, prepare=False)
            return self.txn.execute(query.statement, query.params, prepare=False).fetchall()

    def run_prepared(self, query: Query) -> list[Any]:
        return self.prepared.execute(query.statement, query.params).fetchall()

    def run_part(self, part: str, query: Query) -> list[Any]:
        return self.raw.execute(self.parts[part], query.params, prepare=False).fetchall()

    async def run(self, queries: list[Query], recall_queries: int, prepared_every: int) -> None:
        """Warm-up (capturing each statement), timed pass, then the checks and plans."""
        size = f"{self.result.size:,} sentences"
        log(f"{size}: warm-up pass over {len(queries)} queries (captures each statement and its parameters)")
        for i, query in enumerate(queries):
            self.captured.clear()
            query.first, _ = await self.use_case(query)
            query.statement, query.params = self.captured[-1]
            if i < PREPARED_WARMUP and query.video is None:
                self.run_prepared(query)
        self.parts = halves(queries[0].statement)
        load = os.getloadavg()[0]
        log(f"{size}: timed pass (load average {load:.1f})")
        slowest, pool = await self.timed_pass(queries, prepared_every)
        self.result.notes.append(
            f"load average (1 min) at the start and end of the timed pass: {load:.1f}, {os.getloadavg()[0]:.1f}"
        )
        log(f"{size}: rank_passages on {SCORED_CANDIDATES} candidates, recall against exact rankings, EXPLAIN")
        self.rank80([q for q in queries if q.video is None], pool)
        library = [q for q in queries if q.video is None][:recall_queries]
        videos = [q for q in queries if q.video is not None][:recall_queries]
        self.recall(library, "")
        self.recall(videos, "video/")
        self.repeatability(library)
        self.storage()
        worst = slowest["use_case"][1]
        self.result.explains.append(self.explain(worst, "slowest use-case query"))
        if slowest["text"][1] is not worst:
            self.result.explains.append(self.explain(slowest["text"][1], "slowest text half (whole statement)"))
        if "prepared" in slowest:
            self.result.explains.append(self.explain_generic(slowest["prepared"][1]))
        self.result.notes.append(f"raw psycopg, prepare=False: {self.prepared_note(self.raw)}")
        self.result.notes.append(f"psycopg auto-prepare (default): {self.prepared_note(self.prepared)}")
        async with self.engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            rows = await (await driver.execute(PREPARED_SQL)).fetchall()
        self.result.notes.append(f"the use case's pooled connection: {_prepared_text(rows)}")

    async def timed_pass(
        self, queries: list[Query], prepared_every: int
    ) -> tuple[dict[str, tuple[float, Query]], dict[int, Any]]:
        """Every query every way (use case and raw in alternating order); the slowest library query per way, and
        every distinct candidate row seen (by sentence position and scene, for the 80-candidate scoring)."""
        result = self.result
        slowest: dict[str, tuple[float, Query]] = {}
        pool: dict[Any, Any] = {}
        for i, query in enumerate(queries):
            sample = {"first": query.first}
            self.run_raw(query)  # the same cache state for both ways: whichever ran first would pay to fill it
            if (i // len(CATEGORIES)) % 2:
                sample["raw"], rows_raw = timed(self.run_raw, query)
                sample["use_case"], keys_uc = await self.use_case(query)
            else:
                sample["use_case"], keys_uc = await self.use_case(query)
                sample["raw"], rows_raw = timed(self.run_raw, query)
            sample["raw_txn"], _ = timed(self.run_txn, query)
            if (i // len(CATEGORIES)) % prepared_every == 0 and query.video is None:
                sample["prepared"], _ = timed(self.run_prepared, query)
            sample["vector"], vector_rows = timed(self.run_part, "vector", query)
            sample["text"], _ = timed(self.run_part, "text", query)
            sample["scoring"], keys_raw = timed(passages_key, query.text, rows_raw)
            result.mismatches += keys_uc != keys_raw
            scope = "video" if query.video else "library"
            result.vector_hits.setdefault(scope, []).append(len(vector_rows))
            if scope == "library":
                result.candidates.append(len(rows_raw))
                pool.update({(r[0], r[2], r[7]): r for r in rows_raw})
            per = result.by_category.setdefault(query.category, {way: [] for way in WAYS})
            for way, seconds in sample.items():
                per[way].append(seconds)
                if scope == "library":
                    result.times.setdefault(way, []).append(seconds)
                    if seconds > slowest.get(way, (0.0, query))[0]:
                        slowest[way] = (seconds, query)
        return slowest, pool

    def rank80(self, queries: list[Query], pool: dict[Any, Any]) -> None:
        """`rank_passages` alone on exactly 80 candidates per question (its own rows, then others from the pool):
        the median of `SCORING_REPEATS` calls per question, and the same for making the rows into `SentenceHit`s."""
        rows = list(pool.values())
        out = self.result.rank80
        for query in queries:
            own = self.run_raw(query)
            seen = {(r[0], r[2], r[7]) for r in own}
            candidates = (own + [r for r in rows if (r[0], r[2], r[7]) not in seen])[:SCORED_CANDIDATES]
            if len(candidates) < SCORED_CANDIDATES:
                continue
            building, ranking = [], []
            for _ in range(SCORING_REPEATS):
                seconds, hits = timed(sentence_hits, candidates)
                building.append(seconds)
                ranking.append(timed(rank_passages, query.text, hits, PASSAGES)[0])
            out.setdefault("hits", []).append(float(np.median(building)))
            out.setdefault("rank", []).append(float(np.median(ranking)))
            out.setdefault(f"rank/{query.category}", []).append(float(np.median(ranking)))

    def recall(self, queries: list[Query], label: str) -> None:
        """Share of each half's 40 candidates that are in the exact top 40 (ties with the 40th count as in)."""
        out = self.result.recall
        for query in queries:
            got = {r[0] for r in self.run_part("vector", query)}
            with self.raw.transaction():
                self.raw.execute("set local enable_indexscan = off")
                exact = {r[0] for r in self.run_part("vector", query)}
            if exact:
                out.setdefault(f"{label}vector", []).append(len(got & exact) / len(exact))
            got_text = [r[0] for r in self.run_part("text", query)]
            exact_text = [r[0] for r in self.run_part("text_exact", query)]
            if not exact_text:
                continue
            scores = dict(
                self.raw.execute(
                    "select id, ts_rank_cd(terms_search, to_tsquery('simple', %(terms)s)) from scene_sentence"
                    " where id = any(%(ids)s)",
                    {"terms": query.params["terms"], "ids": list({*got_text, *exact_text})},
                ).fetchall()
            )
            floor = min(scores[i] for i in exact_text)
            share = min(1.0, sum(scores[i] >= floor for i in got_text) / len(exact_text))
            out.setdefault(f"{label}text" if label else f"text/{query.category}", []).append(share)

    def repeatability(self, queries: list[Query]) -> None:
        """Does the same statement give the same rows twice in a row? With and without synchronized scans."""
        counts = []
        for setting in ("on", "off"):
            self.raw.execute(f"set synchronize_seqscans = {setting}")
            counts.append(sum(_ids(self.run_raw(q)) != _ids(self.run_raw(q)) for q in queries))
        self.result.notes.append(
            f"same statement run twice in a row gave different candidates for {counts[0]} of {len(queries)} queries "
            f"(with synchronize_seqscans off, as the adapter sets it: {counts[1]})"
        )

    def storage(self) -> None:
        """How many sentences keep their tsvector and their embedding out of line (TOAST), and the row width."""
        row = self.raw.execute(
            "select count(*), count(pg_column_toast_chunk_id(terms_search)),"
            " count(pg_column_toast_chunk_id(embedding)), avg(pg_column_size(terms_search)),"
            " avg(pg_column_size(terms)), avg(pg_column_size(embedding)), avg(pg_column_size(s.*))"
            " from (select * from scene_sentence limit 5000) s",
            prepare=False,
        ).fetchone()
        pages = self.raw.execute(
            "select relpages, reltuples from pg_class where relname = 'scene_sentence'", prepare=False
        ).fetchone()
        self.result.notes.append(
            f"storage (first {row[0]} sentences): terms_search out of line (TOAST) in {row[1] / row[0]:.0%}, "
            f"embedding in {row[2] / row[0]:.0%}; average bytes: terms_search {row[3]:.0f}, terms {row[4]:.0f}, "
            f"embedding {row[5]:.0f}, whole row {row[6]:.0f}; {pages[1] / max(pages[0], 1):.1f} sentences a page"
        )

    def explain(self, query: Query, title: str) -> str:
        """EXPLAIN (ANALYZE, BUFFERS) of the statement as the use case runs it (custom plan)."""
        with self.txn.transaction():
            for statement in SET_LOCALS:
                self.txn.execute(statement)
            rows = self.txn.execute("explain (analyze, buffers) " + query.statement, query.params).fetchall()
        return _plan(title, query, rows)

    def explain_generic(self, query: Query) -> str:
        """EXPLAIN (ANALYZE, BUFFERS) of the generic plan a server-prepared statement switches to."""
        names: list[str] = []

        def positional(match: re.Match[str]) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        statement = re.sub(r"%\((\w+)\)s", positional, query.statement)
        with self.txn.transaction():
            self.txn.execute("set local hnsw.iterative_scan = relaxed_order")
            self.txn.execute("set local synchronize_seqscans = off")
            self.txn.execute("set local plan_cache_mode = force_generic_plan")
            self.txn.execute("prepare bench_generic as " + statement)
            with psycopg.ClientCursor(self.txn) as cursor:  # EXECUTE's arguments as literals: their types are known
                rows = cursor.execute(
                    f"explain (analyze, buffers) execute bench_generic({', '.join(['%s'] * len(names))})",
                    [query.params[name] for name in names],
                ).fetchall()
            self.txn.execute("deallocate bench_generic")
        return _plan("slowest query with psycopg's auto-prepare, generic plan", query, rows)

    @staticmethod
    def prepared_note(connection: psycopg.Connection) -> str:
        return _prepared_text(connection.execute(PREPARED_SQL, prepare=False).fetchall())

    async def close(self) -> None:
        for connection in (self.raw, self.txn, self.prepared):
            connection.close()
        await self.engine.dispose()


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    """Seconds taken and the result."""
    started = time.perf_counter()
    out = function(*args)
    return time.perf_counter() - started, out


def _ids(rows: list[Any]) -> set[tuple[Any, int, int]]:
    """The candidate sentences of the statement's rows (video, scene index, position)."""
    return {(r[0], r[2], r[7]) for r in rows}


def _prepared_text(rows: list[Any]) -> str:
    count, generic, custom = rows[0]
    return f"{count} server-prepared search statement(s), {generic or 0} generic / {custom or 0} custom plan runs"


def _plan(title: str, query: Query, rows: list[Any]) -> str:
    head = (
        f"--- {title}: owner share {query.owner_share:.0%}, {query.category}, {query.text!r} "
        f"-> terms {query.params['terms']!r}{', one video' if query.video else ''}"
    )
    return head + "\n" + VECTOR_LITERAL.sub("'[384 floats]'", "\n".join(r[0] for r in rows))


async def measure(url: str, result: SizeResult, queries: list[Query], args: argparse.Namespace) -> None:
    """Run every query every way; fill `result`."""
    measurement = Measurement(url, result)
    try:
        await measurement.run(queries, args.recall_queries, args.prepared_every)
    finally:
        await measurement.close()


# ---------------------------------------------------------------------------------------------------------- report


def report(results: list[SizeResult], command: str, shared_buffers: str) -> None:
    """Per size: latencies by way and by query kind, findings and plans; then the summary table."""
    for result in results:
        print(f"\n=== {result.size:,} sentences ({result.load.scenes:,} scenes) ===")
        if not result.times:
            print(f"not measured: no HNSW index ({result.load.hnsw_note})")
            continue
        t = result.times
        raw_scored = [a + b for a, b in zip(t["raw"], t["scoring"], strict=True)]
        print(
            f"library scope, {len(t['use_case'])} queries, ms p50/p95: use case first run {p50_95(t['first'])}; "
            f"then use case {p50_95(t['use_case'])}, raw {p50_95(t['raw'])}, use case ÷ raw "
            f"{ratio(t['use_case'], t['raw'])}; raw + Python scoring {p50_95(raw_scored)} (use case ÷ that "
            f"{ratio(t['use_case'], raw_scored)}); raw in a transaction with its set locals {p50_95(t['raw_txn'])} "
            f"(use case ÷ that {ratio(t['use_case'], t['raw_txn'])}); halves: vector {p50_95(t['vector'])}, "
            f"text {p50_95(t['text'])}; scoring {p50_95(t['scoring'])}"
        )
        print(f"\n{'kind':<8} {'n':>4} " + " ".join(f"{way:>15}" for way in WAYS))
        for category, per in result.by_category.items():
            print(f"{category:<8} {len(per['raw']):>4} " + " ".join(f"{p50_95(per[way]):>15}" for way in WAYS))
        hits = result.vector_hits
        print(
            f"\nvector candidates returned (of {CANDIDATES}): "
            + ", ".join(f"{scope} min {min(h)}, mean {np.mean(h):.1f}" for scope, h in hits.items())
        )
        c = result.candidates
        print(
            f"candidate sentences per library query (vector ∪ text, at most {SCORED_CANDIDATES}): min {min(c)}, "
            f"mean {np.mean(c):.1f}, max {max(c)}"
        )
        r80 = result.rank80
        if r80:
            print(
                f"scoring exactly {SCORED_CANDIDATES} candidates, ms p50/p95 over {len(r80['rank'])} questions "
                f"(median of {SCORING_REPEATS} calls each): rank_passages {p50_95(r80['rank'])} ("
                + ", ".join(f"{k.split('/')[1]} {p50_95(v)}" for k, v in r80.items() if k.startswith("rank/"))
                + f"); rows → SentenceHit {p50_95(r80['hits'])}"
            )
        print(
            "recall of the 40 candidates vs the exact ranking (mean, min, n): "
            + ", ".join(f"{k} {np.mean(v):.2f} {min(v):.2f} {len(v)}" for k, v in sorted(result.recall.items()))
        )
        print(
            f"queries whose use-case passages differ from the raw statement's rows ranked the same way: "
            f"{result.mismatches} of {sum(len(h) for h in hits.values())} (see the repeatability line)"
        )
        for note in result.notes:
            print(note)
        for plan in result.explains:
            print(f"\n{plan}")

    print(f"\n=== summary: ms p50/p95, library scope (shared_buffers {shared_buffers}) ===")
    print(
        f"{'sentences':>9} {'load s':>7} {'GIN s':>6} {'HNSW s':>7} {'first':>13} {'use case':>13} {'raw':>13}"
        f" {'ratio':>10} {'raw txn':>13} {'prepared':>15} {'vector':>11} {'text':>11} {'scoring':>9}"
    )
    for r in results:
        hnsw = f"{r.load.hnsw_s:.0f}" if r.load.hnsw_s is not None else "stopped"
        line = f"{r.size:>9,} {r.load.load_s:>7.0f} {r.load.gin_s:>6.0f} {hnsw:>7}"
        if r.times:
            t = r.times
            line += (
                f" {p50_95(t['first']):>13} {p50_95(t['use_case']):>13} {p50_95(t['raw']):>13}"
                f" {ratio(t['use_case'], t['raw']):>10}"
                f" {p50_95(t['raw_txn']):>13} {p50_95(t.get('prepared', [])):>15} {p50_95(t['vector']):>11}"
                f" {p50_95(t['text']):>11} {p50_95(t['scoring']):>9}"
            )
        print(line + (" (reused)" if r.load.reused else ""))
        print(
            f"{'':>9} {r.load.scenes:,} scenes; scene_sentence {r.load.sentence_mb:,.0f} MB with its indexes (HNSW "
            f"{r.load.hnsw_mb:,.0f} MB, GIN {r.load.gin_mb:,.0f} MB), scene {r.load.scene_mb:,.0f} MB; the load's "
            f"row generation in Python {r.load.generate_s:.0f} s; vacuum analyze {r.load.vacuum_s:.0f} s"
            + (f"; HNSW: {r.load.hnsw_note}" if r.load.hnsw_note else "")
        )
    print(f"\ncommand: {command}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated sentence counts")
    parser.add_argument("--queries", type=int, default=200, help="library-scope queries per size")
    parser.add_argument("--video-queries", type=int, default=40, help="single-video-scope queries per size")
    parser.add_argument("--recall-queries", type=int, default=20, help="queries checked against exact rankings")
    parser.add_argument("--prepared-every", type=int, default=10, help="time every n-th run of 4 kinds prepared too")
    parser.add_argument("--data-dir", type=Path, help="keep the database here and reuse it (default: a temp dir)")
    parser.add_argument("--index-budget-min", type=float, default=30.0, help="stop an HNSW build projected longer")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    command = shlex.join(["python", *sys.orig_argv[1:]])
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedPostgres(data_dir)
    base_url = server.start()
    log(f"embedded PostgreSQL in {data_dir}")
    results = []
    try:
        with psycopg.connect(base_url) as connection:
            shared_buffers = connection.execute("show shared_buffers").fetchone()[0]
        world = World(args.seed)
        for size in sizes:
            url = ensure_database(base_url, f"bench_sentences_{size}")
            info = load(url, world, size, args.seed, args.index_budget_min * 60)
            result = SizeResult(size, info)
            results.append(result)
            if info.hnsw_s is None:
                continue
            library = Library.build(size, args.seed)
            queries = make_queries(world, library, args.queries, args.video_queries, args.seed)
            asyncio.run(measure(url, result, queries, args))
        report(results, command, shared_buffers)
    finally:
        server.stop()
        if args.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
