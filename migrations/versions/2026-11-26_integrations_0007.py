"""Integrations: API keys (digest of the secret only) and tags on videos.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("user_id", GUID(length=16), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_digest", sa.String(64), nullable=False),
        sa.Column("scopes", JSONB(), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("last_used_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("revoked_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
    )
    op.create_index("uq_api_key_secret_digest", "api_key", ["secret_digest"], unique=True)
    op.create_index("ix_api_key_user_created", "api_key", ["user_id", "created_at"])
    op.create_table(
        "tag",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("owner_id", GUID(length=16), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
    )
    op.create_index("uq_tag_owner_name_lower", "tag", ["owner_id", sa.text("lower(name)")], unique=True)
    op.create_table(
        "video_tag",
        sa.Column("video_id", GUID(length=16), sa.ForeignKey("video.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag_id", GUID(length=16), sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_video_tag_tag", "video_tag", ["tag_id"])


def downgrade() -> None:
    op.drop_table("video_tag")
    op.drop_table("tag")
    op.drop_table("api_key")
