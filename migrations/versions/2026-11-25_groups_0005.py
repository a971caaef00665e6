"""Groups: ordered collections of an owner's videos with a revocable share link; chat history follows its group.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "video_group",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("owner_id", GUID(length=16), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("share_token", sa.String(64), nullable=True),
        sa.Column("share_expires_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
    )
    op.create_index("ix_video_group_owner_created", "video_group", ["owner_id", "created_at"])
    op.create_index("uq_video_group_share_token", "video_group", ["share_token"], unique=True)
    op.create_table(
        "group_member",
        sa.Column("group_id", GUID(length=16), sa.ForeignKey("video_group.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("video_id", GUID(length=16), sa.ForeignKey("video.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", DateTimeUTC(timezone=True), nullable=False),
    )
    op.create_index("ix_group_member_group_position", "group_member", ["group_id", "position"])
    op.create_index("ix_group_member_video", "group_member", ["video_id"])
    # Entries asked in a group that no longer exists would be unreachable: they go with the group.
    # (Rows from before this revision that name a missing group are dropped first, or the constraint cannot hold.)
    op.execute(
        "delete from chat_log where group_id is not null "
        "and not exists (select 1 from video_group g where g.id = chat_log.group_id)"
    )
    op.create_foreign_key(
        "fk_chat_log_group_id_video_group", "chat_log", "video_group", ["group_id"], ["id"], ondelete="CASCADE"
    )
    op.create_index("ix_chat_log_group_id", "chat_log", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_chat_log_group_id", table_name="chat_log")
    op.drop_constraint("fk_chat_log_group_id_video_group", "chat_log", type_="foreignkey")
    op.drop_table("group_member")
    op.drop_table("video_group")
