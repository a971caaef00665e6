"""Chat history: questions, answers, citations, feedback.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_log",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("user_id", GUID(length=16), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=True),
        sa.Column("scope_kind", sa.String(16), nullable=False),
        sa.Column("video_id", GUID(length=16), sa.ForeignKey("video.id", ondelete="CASCADE"), nullable=True),
        sa.Column("group_id", GUID(length=16), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("citations", JSONB(), nullable=False),
        sa.Column("grounded", sa.Boolean(), nullable=False),
        sa.Column("is_shared_origin", sa.Boolean(), nullable=False),
        sa.Column("feedback", sa.String(8), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
    )
    op.create_index("ix_chat_log_scope", "chat_log", ["user_id", "scope_kind", "video_id", "group_id", "created_at"])


def downgrade() -> None:
    op.drop_table("chat_log")
