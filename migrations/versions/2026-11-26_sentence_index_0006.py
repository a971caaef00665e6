"""Sentence index: retrieval ranks sentences (each embedded with its video's title), not whole scenes.

Scenes stay as the passages an answer reads; their own embedding and full-text vector go. Existing videos get their
sentence rows from the worker's sweeper, which queues a reindex (from the stored transcript) for every video whose
scenes have none, or at once with `askvideo reindex`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scene_sentence",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("scene_id", GUID(length=16), sa.ForeignKey("scene.id", ondelete="CASCADE"), nullable=False),
        sa.Column("video_id", GUID(length=16), sa.ForeignKey("video.id", ondelete="CASCADE"), nullable=False),
        sa.Column("owner_id", GUID(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("terms_search", TSVECTOR(), sa.Computed("to_tsvector('simple', terms)", persisted=True)),
        sa.Column("embedding", Vector(384), nullable=False),
    )
    op.create_index("ix_scene_sentence_scene", "scene_sentence", ["scene_id", "position"], unique=True)
    op.create_index("ix_scene_sentence_video", "scene_sentence", ["video_id"])
    op.create_index("ix_scene_sentence_owner", "scene_sentence", ["owner_id"])
    op.execute("create index ix_scene_sentence_embedding on scene_sentence using hnsw (embedding vector_cosine_ops)")
    op.execute("create index ix_scene_sentence_terms on scene_sentence using gin (terms_search)")
    op.drop_index("ix_scene_embedding", table_name="scene")
    op.drop_index("ix_scene_text_search", table_name="scene")
    op.drop_column("scene", "text_search")
    op.drop_column("scene", "embedding")


def downgrade() -> None:
    # Scene vectors cannot be rebuilt here: downgrade, then run the previous release's `askvideo reindex`.
    op.execute("delete from scene")
    op.add_column("scene", sa.Column("embedding", Vector(384), nullable=False))
    op.add_column(
        "scene",
        sa.Column("text_search", TSVECTOR(), sa.Computed("to_tsvector('simple', text)", persisted=True)),
    )
    op.execute("create index ix_scene_embedding on scene using hnsw (embedding vector_cosine_ops)")
    op.execute("create index ix_scene_text_search on scene using gin (text_search)")
    op.drop_table("scene_sentence")
