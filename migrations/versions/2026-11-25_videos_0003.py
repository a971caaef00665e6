"""Videos, transcripts and scenes (pgvector HNSW cosine index, full-text GIN index).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "video",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("owner_id", GUID(length=16), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uploaded_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("heartbeat_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
    )
    op.create_index("ix_video_owner_uploaded", "video", ["owner_id", "uploaded_at"])
    op.create_index("ix_video_status", "video", ["status"])
    op.create_table(
        "video_transcript",
        sa.Column("video_id", GUID(length=16), sa.ForeignKey("video.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("segments", JSONB(), nullable=False),
    )
    op.create_table(
        "scene",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("video_id", GUID(length=16), sa.ForeignKey("video.id", ondelete="CASCADE"), nullable=False),
        sa.Column("owner_id", GUID(length=16), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("start_sec", sa.Float(), nullable=False),
        sa.Column("end_sec", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sentences", JSONB(), nullable=False),
        sa.Column("embedder", sa.String(100), nullable=False),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.Column(
            "text_search",
            sa.dialects.postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('simple', text)", persisted=True),
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
    )
    op.create_index("ix_scene_video_index", "scene", ["video_id", "index"], unique=True)
    op.create_index("ix_scene_owner", "scene", ["owner_id"])
    op.execute("create index ix_scene_embedding on scene using hnsw (embedding vector_cosine_ops)")
    op.execute("create index ix_scene_text_search on scene using gin (text_search)")


def downgrade() -> None:
    op.drop_table("scene")
    op.drop_table("video_transcript")
    op.drop_table("video")
