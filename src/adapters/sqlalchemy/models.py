"""ORM tables. They stay inside this adapter: repositories turn rows into domain objects and back."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDBase
from advanced_alchemy.types import GUID, DateTimeUTC
from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

Base = DefaultBase

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


EMBEDDING_DIMENSIONS = 384
"""Every embedder of the product yields 384 dimensions (OpenAI's are shortened server-side), so one column serves."""


class VideoRow(UUIDBase):
    """An uploaded video and its processing state."""

    __tablename__ = "video"
    __table_args__ = (Index("ix_video_owner_uploaded", "owner_id", "uploaded_at"),)

    owner_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    progress: Mapped[float] = mapped_column(Float)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class TranscriptRow(Base):
    """A video's transcript: language, duration and segments with word timings, as JSON."""

    __tablename__ = "video_transcript"

    video_id: Mapped[UUID] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    duration: Mapped[float] = mapped_column(Float)
    segments: Mapped[list[dict[str, object]]] = mapped_column(JSONB)


class SceneRow(UUIDBase):
    """A scene of a video: its seconds, text and sentences (the passage an answer reads)."""

    __tablename__ = "scene"
    __table_args__ = (
        Index("ix_scene_video_index", "video_id", "index", unique=True),
        Index("ix_scene_owner", "owner_id"),
    )

    video_id: Mapped[UUID] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    owner_id: Mapped[UUID] = mapped_column(GUID)
    index: Mapped[int] = mapped_column(Integer)
    start_sec: Mapped[float] = mapped_column(Float)
    end_sec: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    sentences: Mapped[list[dict[str, object]]] = mapped_column(JSONB)
    embedder: Mapped[str] = mapped_column(String(100))


class SceneSentenceRow(Base):
    """One sentence of a scene as the index holds it: its normalised terms (full text) and its embedding (HNSW)."""

    __tablename__ = "scene_sentence"
    __table_args__ = (
        Index("ix_scene_sentence_scene", "scene_id", "position", unique=True),
        Index("ix_scene_sentence_video", "video_id"),
        Index("ix_scene_sentence_owner", "owner_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    scene_id: Mapped[UUID] = mapped_column(ForeignKey("scene.id", ondelete="CASCADE"))
    video_id: Mapped[UUID] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    owner_id: Mapped[UUID] = mapped_column(GUID)
    position: Mapped[int] = mapped_column(Integer)
    terms: Mapped[str] = mapped_column(Text)
    terms_search: Mapped[str] = mapped_column(TSVECTOR, Computed("to_tsvector('simple', terms)", persisted=True))
    embedding: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIMENSIONS))


class ChatRow(UUIDBase):
    """A question and its answer, with citations as JSON."""

    __tablename__ = "chat_log"
    __table_args__ = (Index("ix_chat_log_scope", "user_id", "scope_kind", "video_id", "group_id", "created_at"),)

    user_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=True)
    scope_kind: Mapped[str] = mapped_column(String(16))
    video_id: Mapped[UUID | None] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"), nullable=True)
    group_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("video_group.id", ondelete="CASCADE"), nullable=True, index=True
    )
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, object]]] = mapped_column(JSONB)
    grounded: Mapped[bool] = mapped_column(Boolean)
    is_shared_origin: Mapped[bool] = mapped_column(Boolean)
    feedback: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class GroupRow(UUIDBase):
    """A named group of an owner's videos; `share_token` is unique while set (several groups may have none)."""

    __tablename__ = "video_group"
    __table_args__ = (
        Index("ix_video_group_owner_created", "owner_id", "created_at"),
        Index("uq_video_group_share_token", "share_token", unique=True),
    )

    owner_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    share_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    share_expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class GroupMemberRow(Base):
    """A video's place in a group; deleting the group or the video removes it."""

    __tablename__ = "group_member"
    __table_args__ = (
        Index("ix_group_member_group_position", "group_id", "position"),
        Index("ix_group_member_video", "video_id"),
    )

    group_id: Mapped[UUID] = mapped_column(ForeignKey("video_group.id", ondelete="CASCADE"), primary_key=True)
    video_id: Mapped[UUID] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class ApiKeyRow(UUIDBase):
    """A user's API key: the SHA-256 digest of its secret (unique, the lookup), never the secret itself."""

    __tablename__ = "api_key"
    __table_args__ = (
        Index("uq_api_key_secret_digest", "secret_digest", unique=True),
        Index("ix_api_key_user_created", "user_id", "created_at"),
    )

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_digest: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class TagRow(UUIDBase):
    """An owner's tag; names are unique per owner ignoring case (functional unique index)."""

    __tablename__ = "tag"
    __table_args__ = (Index("uq_tag_owner_name_lower", "owner_id", func.lower(text("name")), unique=True),)

    owner_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    color: Mapped[str] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class VideoTagRow(Base):
    """A tag on a video; deleting either removes it."""

    __tablename__ = "video_tag"
    __table_args__ = (Index("ix_video_tag_tag", "tag_id"),)

    video_id: Mapped[UUID] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[UUID] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)
