"""The composition root: the only place that knows which adapter serves which port."""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

from dependency_injector import containers, providers

from adapters.dramatiq import DramatiqJobQueue, RedisProbe, create_broker
from adapters.mail import OutboxMailer, SmtpMailer
from adapters.memory import InMemoryJobQueue, InMemoryStore, InMemoryUnitOfWork
from adapters.memory.security import FakePasswordHasher, InMemoryMailer, InMemoryRateLimiter
from adapters.redis import RedisRateLimiter
from adapters.security import Argon2PasswordHasher, FernetSecretBox, JwtTokenIssuer, derive_key, fernet_key
from adapters.sqlalchemy import DatabaseProbe, SqlAlchemyUnitOfWork, create_engine, create_session_factory
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
from application.system.pipeline_checks import CompletePipelineCheck, GetPipelineCheck, StartPipelineCheck
from application.system.readiness import CheckReadiness
from entrypoints.jobs import run_command
from entrypoints.secrets import with_secret_key
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from application.ports.security import Mailer

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


class RealGateways(containers.DeclarativeContainer):
    """Production adapters: PostgreSQL, Redis/Dramatiq, argon2id, JWT, Fernet, SMTP or outbox."""

    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Singleton(lambda s: create_engine(s.database_url, pool_size=s.db_pool_size), settings)
    session_factory = providers.Singleton(create_session_factory, engine)
    broker = providers.Singleton(lambda s: create_broker(s.redis_url), settings)
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory)
    job_queue = providers.Singleton(DramatiqJobQueue, broker)
    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(Argon2PasswordHasher)
    issuer = providers.Singleton(token_issuer, settings)
    box = providers.Singleton(secret_box, settings)
    mailer = providers.Singleton(mailer, settings)
    limiter = providers.Singleton(lambda s: RedisRateLimiter(s.redis_url), settings)
    redis_probe = providers.Singleton(lambda s: RedisProbe(s.redis_url), settings)
    probes = providers.List(providers.Singleton(DatabaseProbe, engine), redis_probe)
    closers = providers.List(
        providers.Callable(lambda engine: engine.dispose, engine),
        providers.Callable(lambda probe: probe.close, redis_probe),
        providers.Callable(lambda limiter: limiter.close, limiter),
    )


class MemoryGateways(containers.DeclarativeContainer):
    """In-memory adapters: unit tests and the demo wiring; nothing is kept after the process ends."""

    settings = providers.Dependency(instance_of=Settings)

    store = providers.Singleton(InMemoryStore)
    uow = providers.Factory(InMemoryUnitOfWork, store)
    job_queue = providers.Singleton(InMemoryJobQueue)
    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(FakePasswordHasher)
    issuer = providers.Singleton(token_issuer, settings, clock)
    box = providers.Singleton(secret_box, settings)
    mailer = providers.Singleton(InMemoryMailer)
    limiter = providers.Singleton(InMemoryRateLimiter, clock)
    probes = providers.List(job_queue)
    closers = providers.List()


class UseCases(containers.DeclarativeContainer):
    """One factory per user action."""

    gateways = providers.DependenciesContainer()
    policy = providers.Dependency(instance_of=AccountPolicy)

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
    # Erasers of videos, files and vectors join this list as those features land.
    delete_account = providers.Factory(
        DeleteAccount, uow=gateways.uow, hasher=gateways.hasher, erasers=providers.List()
    )
    set_video_limit = providers.Factory(SetVideoLimit, uow=gateways.uow)


class Container(containers.DeclarativeContainer):
    """Settings, gateways (real or memory) and the use cases built on them."""

    settings = providers.Dependency(instance_of=Settings)
    gateways = providers.DependenciesContainer()
    policy = providers.Singleton(account_policy, settings)
    use_cases = providers.Container(UseCases, gateways=gateways, policy=policy)


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
