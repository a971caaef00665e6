"""ORM tables. They stay inside this adapter: repositories turn rows into domain objects and back."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDBase
from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

metadata = UUIDBase.metadata


class PipelineCheckRow(UUIDBase):
    """A queue round-trip check."""

    __tablename__ = "pipeline_check"

    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)


class UserRow(UUIDBase):
    """An account. Username and email are unique case-insensitively (functional unique indexes)."""

    __tablename__ = "user_account"
    __table_args__ = (
        Index("uq_user_account_username_lower", func.lower(text("username")), unique=True),
        Index("uq_user_account_email_lower", func.lower(text("email")), unique=True),
    )

    username: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    video_limit: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    openai_key_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    openai_key_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)


class LoginSessionRow(UUIDBase):
    """A logged-in device's refresh-token family."""

    __tablename__ = "login_session"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    refresh_token_id: Mapped[UUID] = mapped_column(GUID)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class OneTimeTokenRow(UUIDBase):
    """An emailed link's record (email verification, password reset)."""

    __tablename__ = "one_time_token"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
