"""Database migrations (Alembic), run by `askvideo migrate` and by `serve` on start."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config

from adapters.sqlalchemy.engine import async_url
from entrypoints.embedded import StartupError


def find_migrations(checkout: Path, installed: Path) -> Path:
    """The migrations of this checkout (`migrations/` beside `src/`), else the copy a wheel installed (the image)."""
    return checkout if (checkout / "env.py").exists() else installed


MIGRATIONS_DIR = find_migrations(
    Path(__file__).resolve().parents[2] / "migrations", Path(sys.prefix) / "share" / "askvideo" / "migrations"
)


def describe_url(url: str) -> str:
    """The URL without its password, safe to print."""
    info = psycopg.conninfo.conninfo_to_dict(url.replace("postgresql+psycopg://", "postgresql://"))
    host = info.get("host") or "localhost"
    return f"{info.get('dbname', '')} on {host}:{info.get('port', 5432)}"


def check_database(url: str, *, timeout: int = 5) -> None:
    """Connect once so that a database that is down gives one clear line, not a traceback later."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(plain, connect_timeout=timeout) as connection:
            connection.execute("select 1")
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        raise StartupError(
            f"Cannot connect to the database ({describe_url(url)}): {reason}. "
            "Is PostgreSQL running? Check ASKVIDEO_DATABASE_URL, or unset it to use the embedded database."
        ) from None


def run_migrations(url: str) -> None:
    """Upgrade the database to the newest schema."""
    if not (MIGRATIONS_DIR / "env.py").exists():
        raise StartupError(
            f"The migrations folder is missing ({MIGRATIONS_DIR}); run Ask Video from its checkout, "
            "or reinstall its wheel (which carries them)."
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # psycopg 3 in sync mode; `%` must be doubled for ConfigParser interpolation.
    config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    command.upgrade(config, "head")
