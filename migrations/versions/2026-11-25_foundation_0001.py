"""Foundation: the vector extension and the pipeline check table.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("create extension if not exists vector")
    op.create_table(
        "pipeline_check",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("completed_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("pipeline_check")
