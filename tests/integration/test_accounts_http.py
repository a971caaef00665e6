"""The whole account story over real HTTP: `askvideo serve --api-only` on the embedded PostgreSQL and Redis,
mail through a real SMTP server (aiosmtpd), links followed from the received messages."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import httpx
import jwt
import psycopg
import pytest
from aiosmtpd.controller import Controller

from adapters.security import derive_key
from entrypoints.container import TOKEN_PURPOSE
from tests.integration.conftest import RunningApp, free_port, start_askvideo, stop_askvideo

SECRET = "integration-secret-" + "x" * 32
PASSWORD = "correct horse battery"
OPENAI_KEY = "sk-proj-INTEGRATION-abcdefghijklmnop9876"


class Inbox:
    """An SMTP sink: every message the app sends lands here."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, to: str, count: int, timeout: float = 10) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mine = [m for m in self.messages if m["To"] == to]
            if len(mine) >= count:
                return mine[count - 1]
            time.sleep(0.05)
        pytest.fail(f"no message #{count} for {to} within {timeout} s")

    def link_token(self, to: str, count: int) -> str:
        body = self.wait_for(to, count).get_payload(decode=True).decode()
        match = re.search(r"\?token=(\S+)", body)
        assert match, body
        return match.group(1)


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture(scope="module")
def api(
    database_url: str, redis_url: str, inbox: Inbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningApp]:
    folder: Path = tmp_path_factory.mktemp("accounts-api")
    app = start_askvideo(
        ["serve", "--api-only"],
        {
            "ASKVIDEO_DATABASE_URL": database_url,
            "ASKVIDEO_REDIS_URL": redis_url,
            "ASKVIDEO_DATA_DIR": str(folder),
            "ASKVIDEO_SECRET_KEY": SECRET,
            "ASKVIDEO_SMTP_HOST": "127.0.0.1",
            "ASKVIDEO_SMTP_PORT": str(inbox.port),
            "ASKVIDEO_SMTP_SECURITY": "none",
            "ASKVIDEO_COOKIE_SECURE": "false",
            # Every test signs up from 127.0.0.1; the per-account limit stays at its default and is tested.
            "ASKVIDEO_SIGNUPS_PER_IP": "1000",
            "ASKVIDEO_LOGINS_PER_IP": "1000",
        },
        folder,
    )
    yield app
    stop_askvideo(app)


def unique(name: str) -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:8]
    return f"{name}_{suffix}", f"{name}.{suffix}@example.org"


def csrf(client: httpx.Client) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies.get("askvideo_csrf", "")}


def sign_up_and_verify(client: httpx.Client, inbox: Inbox, name: str) -> tuple[str, str]:
    username, email = unique(name)
    created = client.post("/api/auth/signup", json={"username": username, "email": email, "password": PASSWORD})
    assert created.status_code == 201, created.text
    assert created.json()["user"]["isActive"] is False
    verified = client.post("/api/auth/verify-email", json={"token": inbox.link_token(email, 1)})
    assert (verified.status_code, verified.json()["isActive"]) == (200, True)
    return username, email


class TestTheAccountStory:
    def test_sign_up_verify_log_in_refresh_log_out_reset(self, api: RunningApp, inbox: Inbox) -> None:
        with api.client() as client:
            username, email = unique("ada")
            signed = client.post("/api/auth/signup", json={"username": username, "email": email, "password": PASSWORD})
            assert signed.status_code == 201

            refused = client.post("/api/auth/login", json={"login": username, "password": PASSWORD})
            assert (refused.status_code, refused.json()["code"]) == (403, "email_not_verified")

            token = inbox.link_token(email, 1)
            assert client.post("/api/auth/verify-email", json={"token": token}).status_code == 200
            again = client.post("/api/auth/verify-email", json={"token": token})
            assert (again.status_code, again.json()["detail"]) == (
                401,
                "This link was already used. Ask for a new one.",
            )

            login = client.post("/api/auth/login", json={"login": email.upper(), "password": PASSWORD})
            assert login.status_code == 200
            cookies = {c.name: c for c in client.cookies.jar}
            assert set(cookies) == {"askvideo_access", "askvideo_refresh", "askvideo_csrf"}
            assert cookies["askvideo_refresh"].path == "/api/auth"
            set_cookie = login.headers.get_list("set-cookie")
            assert all("SameSite=lax" in c for c in set_cookie)
            assert sum("HttpOnly" in c for c in set_cookie) == 2  # access and refresh; the CSRF one is readable

            me = client.get("/api/me")
            assert me.status_code == 200
            assert me.json()["username"] == username
            assert me.json()["videoLimit"] == 10

            first_refresh = client.cookies.get("askvideo_refresh", path="/api/auth")
            rotated = client.post("/api/auth/refresh", headers=csrf(client))
            assert rotated.status_code == 200
            assert client.cookies.get("askvideo_refresh", path="/api/auth") != first_refresh

            # Replaying the first refresh token (a thief's copy) ends the session for everyone.
            replay = httpx.post(f"{api.base_url}/api/auth/refresh", json={"refreshToken": first_refresh})
            assert replay.status_code == 401
            assert client.get("/api/me").status_code == 401

            assert client.post("/api/auth/login", json={"login": username, "password": PASSWORD}).status_code == 200
            assert client.post("/api/auth/logout", headers=csrf(client)).status_code == 200
            assert "askvideo_access" not in client.cookies
            stale = httpx.get(
                f"{api.base_url}/api/me", headers={"Authorization": f"Bearer {login.cookies['askvideo_access']}"}
            )
            assert stale.status_code == 401

            assert client.post("/api/auth/forgot-password", json={"email": email}).status_code == 202
            unknown = client.post("/api/auth/forgot-password", json={"email": "nobody@example.org"})
            assert (unknown.status_code, unknown.json()) == (
                202,
                client.post("/api/auth/forgot-password", json={"email": email}).json(),
            )
            reset_token = inbox.link_token(email, 2)
            weak = client.post("/api/auth/reset-password", json={"token": reset_token, "newPassword": "short"})
            assert (weak.status_code, weak.json()["code"]) == (422, "invalid_input")
            reset = client.post(
                "/api/auth/reset-password", json={"token": reset_token, "newPassword": "a brand new secret"}
            )
            assert reset.status_code == 200
            assert client.post("/api/auth/login", json={"login": username, "password": PASSWORD}).status_code == 401
            assert (
                client.post("/api/auth/login", json={"login": username, "password": "a brand new secret"}).status_code
                == 200
            )

    def test_profile_password_openai_key_and_deletion(self, api: RunningApp, inbox: Inbox, database_url: str) -> None:
        with api.client() as client:
            username, _ = sign_up_and_verify(client, inbox, "kim")
            client.post("/api/auth/login", json={"login": username, "password": PASSWORD})

            no_csrf = client.put("/api/me/openai-key", json={"apiKey": OPENAI_KEY})
            assert (no_csrf.status_code, no_csrf.json()["code"]) == (403, "csrf_failed")
            stored = client.put("/api/me/openai-key", json={"apiKey": OPENAI_KEY}, headers=csrf(client))
            assert stored.status_code == 200
            assert (stored.json()["hasOpenaiKey"], stored.json()["openaiKeyLast4"]) == (True, "9876")
            assert OPENAI_KEY not in client.get("/api/me").text

            with psycopg.connect(database_url) as db:
                password_hash, ciphertext = db.execute(
                    "select password_hash, openai_key_ciphertext from user_account where username = %s", (username,)
                ).fetchone()
            assert password_hash.startswith("$argon2id$")
            assert OPENAI_KEY.encode() not in bytes(ciphertext)
            assert PASSWORD not in password_hash

            wrong = client.put(
                "/api/me/password",
                json={"currentPassword": "nope nope nope", "newPassword": "x" * 12},
                headers=csrf(client),
            )
            assert wrong.status_code == 403
            renamed = client.patch("/api/me", json={"username": username + "_2"}, headers=csrf(client))
            assert (renamed.status_code, renamed.json()["username"]) == (200, username + "_2")

            cleared = client.delete("/api/me/openai-key", headers=csrf(client))
            assert cleared.json()["hasOpenaiKey"] is False

            bad = client.post("/api/me/delete", json={"password": "wrong password"}, headers=csrf(client))
            assert bad.status_code == 403
            gone = client.post("/api/me/delete", json={"password": PASSWORD}, headers=csrf(client))
            assert gone.status_code == 200
            with psycopg.connect(database_url) as db:
                assert db.execute(
                    "select count(*) from user_account where username = %s", (username + "_2",)
                ).fetchone() == (0,)
            assert (
                client.post("/api/auth/login", json={"login": username + "_2", "password": PASSWORD}).status_code == 401
            )

    def test_bearer_tokens_for_api_clients(self, api: RunningApp, inbox: Inbox) -> None:
        with api.client() as client:
            username, _ = sign_up_and_verify(client, inbox, "api")
        body = httpx.post(
            f"{api.base_url}/api/auth/login", json={"login": username, "password": PASSWORD, "tokenDelivery": "body"}
        )
        assert body.status_code == 200
        assert "set-cookie" not in body.headers
        tokens = body.json()
        me = httpx.get(f"{api.base_url}/api/me", headers={"Authorization": f"Bearer {tokens['accessToken']}"})
        assert me.json()["username"] == username
        # Bearer requests need no CSRF token: no browser attaches that header on its own.
        key = httpx.put(
            f"{api.base_url}/api/me/openai-key",
            json={"apiKey": OPENAI_KEY},
            headers={"Authorization": f"Bearer {tokens['accessToken']}"},
        )
        assert key.status_code == 200
        refreshed = httpx.post(
            f"{api.base_url}/api/auth/refresh", json={"refreshToken": tokens["refreshToken"], "tokenDelivery": "body"}
        )
        assert refreshed.status_code == 200
        assert refreshed.json()["refreshToken"] != tokens["refreshToken"]


class TestTokenTampering:
    @pytest.fixture
    def session(self, api: RunningApp, inbox: Inbox) -> dict:
        with api.client() as client:
            username, _ = sign_up_and_verify(client, inbox, "eve")
        return httpx.post(
            f"{api.base_url}/api/auth/login", json={"login": username, "password": PASSWORD, "tokenDelivery": "body"}
        ).json()

    def me(self, api: RunningApp, token: str) -> httpx.Response:
        return httpx.get(f"{api.base_url}/api/me", headers={"Authorization": f"Bearer {token}"})

    def test_a_changed_signature_is_refused(self, api: RunningApp, session: dict) -> None:
        head, payload, signature = session["accessToken"].split(".")
        forged = f"{head}.{payload}.{signature[::-1]}"
        assert self.me(api, forged).status_code == 401

    def test_a_token_signed_with_another_key_is_refused(self, api: RunningApp, session: dict) -> None:
        claims = jwt.decode(session["accessToken"], options={"verify_signature": False})
        assert self.me(api, jwt.encode(claims, "another-key-" + "y" * 40, algorithm="HS256")).status_code == 401

    def test_an_unsigned_token_is_refused(self, api: RunningApp, session: dict) -> None:
        claims = jwt.decode(session["accessToken"], options={"verify_signature": False})
        assert self.me(api, jwt.encode(claims, key=None, algorithm="none")).status_code == 401

    def test_an_expired_token_is_refused(self, api: RunningApp, session: dict) -> None:
        claims = jwt.decode(session["accessToken"], options={"verify_signature": False})
        claims["exp"] = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
        expired = jwt.encode(claims, derive_key(SECRET, TOKEN_PURPOSE), algorithm="HS256")
        response = self.me(api, expired)
        assert (response.status_code, response.json()["code"]) == (401, "unauthorized")
        assert "expired" in response.json()["detail"]

    def test_a_refresh_token_is_not_an_access_token(self, api: RunningApp, session: dict) -> None:
        assert self.me(api, session["refreshToken"]).status_code == 401

    def test_another_users_session_cannot_be_logged_out(self, api: RunningApp, inbox: Inbox, session: dict) -> None:
        claims = jwt.decode(session["accessToken"], options={"verify_signature": False})
        with api.client() as client:
            other, _ = sign_up_and_verify(client, inbox, "mallory")
        mallory = httpx.post(
            f"{api.base_url}/api/auth/login", json={"login": other, "password": PASSWORD, "tokenDelivery": "body"}
        ).json()
        mine = jwt.decode(mallory["accessToken"], options={"verify_signature": False})
        mixed = {**mine, "sid": claims["sid"]}  # Mallory's user with Eve's session id, properly signed
        forged = jwt.encode(mixed, derive_key(SECRET, TOKEN_PURPOSE), algorithm="HS256")
        assert self.me(api, forged).status_code == 401
        assert self.me(api, session["accessToken"]).status_code == 200


class TestProtection:
    def test_guessing_a_password_is_rate_limited_with_retry_after(self, api: RunningApp, inbox: Inbox) -> None:
        with api.client() as client:
            username, _ = sign_up_and_verify(client, inbox, "rate")
            statuses = [
                client.post("/api/auth/login", json={"login": username, "password": f"guess number {n}"}).status_code
                for n in range(10)
            ]
            limited = client.post("/api/auth/login", json={"login": username, "password": PASSWORD})
        assert statuses == [401] * 10
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        assert limited.json()["code"] == "rate_limited"

    def test_a_login_posted_from_another_site_is_refused(self, api: RunningApp) -> None:
        response = httpx.post(
            f"{api.base_url}/api/auth/login",
            json={"login": "x", "password": "y" * 12},
            headers={"Origin": "https://evil.example"},
        )
        assert (response.status_code, response.json()["code"]) == (403, "origin_refused")

    def test_security_headers_are_on_every_response(self, api: RunningApp) -> None:
        response = httpx.get(f"{api.base_url}/health/live")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "same-origin"

    def test_unauthenticated_calls_get_401_in_the_error_shape(self, api: RunningApp) -> None:
        response = httpx.get(f"{api.base_url}/api/me")
        assert response.status_code == 401
        assert response.json() == {"detail": "Log in to do this.", "code": "unauthorized"}

    def test_cors_allows_only_the_configured_origins(self, api: RunningApp) -> None:
        allowed = httpx.options(
            f"{api.base_url}/api/me", headers={"Origin": api.base_url, "Access-Control-Request-Method": "GET"}
        )
        denied = httpx.options(
            f"{api.base_url}/api/me", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
        )
        assert allowed.headers.get("access-control-allow-origin") == api.base_url
        assert "access-control-allow-origin" not in denied.headers
