"""Keep each sentence's embedding in its row: `scene_sentence.embedding` storage MAIN instead of pgvector's EXTERNAL.

A sentence row averages ~1.95 kB, next to PostgreSQL's 2 kB TOAST threshold, so with EXTERNAL storage about a
quarter of the embeddings (1.5 kB each) moved out of line and every search read them back from the TOAST table for
its candidates' cosines (bench/bench_retrieval.py). MAIN moves them out only when a row cannot fit a page otherwise.
Rows written from now on (new videos, reindexing) are stored inline; existing rows stay as they are until rewritten.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("alter table scene_sentence alter column embedding set storage main")


def downgrade() -> None:
    op.execute("alter table scene_sentence alter column embedding set storage external")
