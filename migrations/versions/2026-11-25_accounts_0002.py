"""Accounts: users, login sessions, one-time link records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("username", sa.String(32), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("video_limit", sa.Integer(), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("openai_key_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("openai_key_last4", sa.String(4), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
    )
    op.create_index("uq_user_account_username_lower", "user_account", [sa.text("lower(username)")], unique=True)
    op.create_index("uq_user_account_email_lower", "user_account", [sa.text("lower(email)")], unique=True)
    for table in ("login_session", "one_time_token"):
        extra = (
            [
                sa.Column("refresh_token_id", GUID(length=16), nullable=False),
                sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
                sa.Column("revoked_at", DateTimeUTC(timezone=True), nullable=True),
            ]
            if table == "login_session"
            else [
                sa.Column("kind", sa.String(32), nullable=False),
                sa.Column("used_at", DateTimeUTC(timezone=True), nullable=True),
            ]
        )
        op.create_table(
            table,
            sa.Column("id", GUID(length=16), primary_key=True),
            sa.Column("user_id", GUID(length=16), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
            sa.Column("expires_at", DateTimeUTC(timezone=True), nullable=False),
            *extra,
            sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        )
        op.create_index(f"ix_{table}_user_id", table, ["user_id"])


def downgrade() -> None:
    op.drop_table("one_time_token")
    op.drop_table("login_session")
    op.drop_table("user_account")
