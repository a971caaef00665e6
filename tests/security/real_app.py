"""Start the real API (`askvideo serve --api-only` on the embedded servers) and sign a user in over HTTP."""

from __future__ import annotations

import email
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

PASSWORD = "correct horse battery"


def api_env(database_url: str, redis_url: str, data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of an API process on the shared test servers, with its own data folder."""
    return {
        "ASKVIDEO_DATABASE_URL": database_url,
        "ASKVIDEO_REDIS_URL": redis_url,
        "ASKVIDEO_DATA_DIR": str(data_dir),
        "ASKVIDEO_COOKIE_SECURE": "false",
        "ASKVIDEO_LOG_LEVEL": "warning",
        # Many test users sign up from 127.0.0.1 against one shared Redis: the per-IP limits are not under test here.
        "ASKVIDEO_SIGNUPS_PER_IP": "100000",
        "ASKVIDEO_LOGINS_PER_IP": "100000",
        **{f"ASKVIDEO_{name.upper()}": value for name, value in settings.items()},
    }


def sign_in(client: httpx.Client, outbox: Path, prefix: str) -> dict[str, str]:
    """Sign up a fresh user, verify the emailed link, log in; return the Bearer header."""
    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    response = client.post(
        "/api/auth/signup", json={"username": name, "email": f"{name}@example.org", "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    message = next(
        m
        for m in (email.message_from_bytes(p.read_bytes()) for p in outbox.glob("*.eml"))
        if f"{name}@example.org" in (m["To"] or "")
    )
    token = message.get_payload(decode=True).decode().split("token=")[1].split()[0]
    assert client.post("/api/auth/verify-email", json={"token": token}).status_code == 200
    tokens = client.post("/api/auth/login", json={"login": name, "password": PASSWORD, "tokenDelivery": "body"})
    assert tokens.status_code == 200, tokens.text
    return {"Authorization": f"Bearer {tokens.json()['accessToken']}"}
