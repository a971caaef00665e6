"""The secret key: from ASKVIDEO_SECRET_KEY, or generated once and kept in the data directory (never in code)."""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

import msgspec

from entrypoints.embedded import StartupError

if TYPE_CHECKING:
    from entrypoints.settings import Settings

SECRET_FILE = "secret.key"  # noqa: S105 - a file name


def with_secret_key(settings: Settings) -> Settings:
    """Settings whose `secret_key` is set: the configured one, a kept generated one, or (memory wiring) a fresh one."""
    if settings.secret_key:
        return settings
    if settings.wiring == "memory":
        return msgspec.structs.replace(settings, secret_key=secrets.token_urlsafe(48))
    path = settings.data_dir / SECRET_FILE
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # O_EXCL: if two processes race, one creates the file and the other reads it.
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
        key = path.read_text().strip()
    except OSError as error:
        raise StartupError(
            f"Cannot read or create the secret key file {path} ({error.strerror or error}). "
            "Set ASKVIDEO_SECRET_KEY, or ASKVIDEO_DATA_DIR to a folder you can write to."
        ) from None
    return msgspec.structs.replace(settings, secret_key=key)
