"""The embedded PostgreSQL really has pgvector: a vector column, an HNSW index, a nearest-neighbour query."""

from __future__ import annotations

import psycopg
from pgvector.psycopg import register_vector


def test_hnsw_cosine_nearest_neighbour(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        register_vector(connection)
        connection.execute("drop table if exists it_vectors")
        connection.execute("create table it_vectors (id int primary key, embedding vector(3))")
        connection.execute("create index on it_vectors using hnsw (embedding vector_cosine_ops)")
        rows = [(1, [1.0, 0.0, 0.0]), (2, [0.0, 1.0, 0.0]), (3, [0.7, 0.7, 0.0])]
        with connection.cursor() as cursor:
            cursor.executemany("insert into it_vectors values (%s, %s::vector)", [(i, str(v)) for i, v in rows])
        connection.execute("set enable_seqscan = off")  # make the planner use the HNSW index
        plan = "\n".join(
            r[0]
            for r in connection.execute(
                "explain select id from it_vectors order by embedding <=> '[0.9,0.1,0]' limit 2"
            )
        )
        nearest = connection.execute(
            "select id from it_vectors order by embedding <=> '[0.9,0.1,0]' limit 2"
        ).fetchall()
        connection.execute("drop table it_vectors")
    assert "hnsw" in plan.lower() or "it_vectors_embedding_idx" in plan
    assert [row[0] for row in nearest] == [1, 3]


def test_migrations_created_the_vector_extension(database_url: str) -> None:
    with psycopg.connect(database_url) as connection:
        version = connection.execute("select extversion from pg_extension where extname = 'vector'").fetchone()
    assert version is not None
    assert version[0].startswith("0.8")
