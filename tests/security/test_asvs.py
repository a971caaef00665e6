"""OWASP ASVS 5.0 level 2 requirements that the other suites do not already prove, one test per requirement.

docs/security.md maps every applicable requirement to the test that fails when it is broken (these, and the
account, token and authorization tests elsewhere). The app runs on the in-memory wiring with a controlled clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import jwt
import pytest
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dependency_injector import providers
from litestar.testing import TestClient

from adapters.memory import FakeClock
from adapters.security.secret_box import derive_key
from entrypoints.container import TOKEN_PURPOSE, build_container, token_issuer
from entrypoints.http.app import create_app
from entrypoints.settings import Settings, SettingsError
from tests.unit.world import TALK

PASSWORD = "correct horse battery"
SECRET = "a-test-secret-key-that-is-long-enough-0123456789"
SIGNING_KEY = derive_key(SECRET, TOKEN_PURPOSE)


@dataclass
class App:
    client: TestClient
    clock: FakeClock
    container: object

    def sign_up(self, name: str) -> None:
        self.client.post(
            "/api/auth/signup", json={"username": name, "email": f"{name}@example.org", "password": PASSWORD}
        )
        mail = self.container.gateways.mailer().sent[-1].body  # type: ignore[attr-defined]
        self.client.post("/api/auth/verify-email", json={"token": mail.split("token=")[1].split()[0]})

    def tokens(self, name: str) -> dict:
        response = self.client.post(
            "/api/auth/login", json={"login": name, "password": PASSWORD, "tokenDelivery": "body"}
        )
        assert response.status_code == 200, response.text
        return response.json()

    def bearer(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens(name)['accessToken']}"}


def build(tmp_path: Path, **settings: object) -> Iterator[App]:
    container = build_container(Settings(wiring="memory", data_dir=tmp_path, secret_key=SECRET, **settings))
    clock = FakeClock()
    container.gateways.clock.override(providers.Object(clock))
    # Tokens are checked against the same controlled clock that issues them.
    container.gateways.issuer.override(providers.Object(token_issuer(container.settings(), clock)))
    with TestClient(create_app(container), base_url="https://127.0.0.1:8000") as client:
        yield App(client, clock, container)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    yield from build(tmp_path)


@pytest.fixture
def ada(app: App) -> App:
    app.sign_up("ada")
    return app


def claims(app: App, **overrides: object) -> dict:
    access = app.tokens("ada")["accessToken"]
    payload = jwt.decode(access, options={"verify_signature": False})
    return {**payload, **overrides}


def me(app: App, token: str) -> int:
    return app.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code


def set_cookies(response: object) -> dict[str, str]:
    """The cookies a response sets, by name (read from the headers, whatever the client's jar keeps)."""
    found = {}
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        name, _, rest = header.partition("=")
        found[name] = rest.split(";", 1)[0]
    return found


def unpadded(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TestTokens:
    """V9 self-contained tokens: signature, algorithm allow-list, key confusion, type, audience, expiry."""

    def test_a_well_formed_access_token_is_accepted(self, ada: App) -> None:
        assert me(ada, jwt.encode(claims(ada), SIGNING_KEY, algorithm="HS256")) == 200

    def test_alg_none_is_refused(self, ada: App) -> None:
        header = unpadded(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        body = unpadded(json.dumps(claims(ada)).encode())
        assert me(ada, f"{header}.{body}.") == 401

    def test_key_confusion_an_rs256_token_and_an_hs256_token_keyed_with_a_public_key_are_refused(
        self, ada: App
    ) -> None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        assert me(ada, jwt.encode(claims(ada), private, algorithm="RS256")) == 401
        header = unpadded(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = unpadded(json.dumps(claims(ada)).encode())
        signature = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
        assert me(ada, f"{header}.{body}.{unpadded(signature)}") == 401

    def test_another_hmac_algorithm_with_the_right_key_is_refused(self, ada: App) -> None:
        assert me(ada, jwt.encode(claims(ada), SIGNING_KEY, algorithm="HS512")) == 401

    @pytest.mark.parametrize("kind", ["refresh", "verify_email", "reset_password", "share"])
    def test_a_token_of_another_kind_is_not_an_access_token(self, ada: App, kind: str) -> None:
        assert me(ada, jwt.encode(claims(ada, typ=kind), SIGNING_KEY, algorithm="HS256")) == 401

    def test_the_real_refresh_token_is_not_an_access_token(self, ada: App) -> None:
        assert me(ada, ada.tokens("ada")["refreshToken"]) == 401

    def test_a_share_link_token_is_not_an_access_token(self, ada: App) -> None:
        owner = ada.bearer("ada")
        group = ada.client.post("/api/groups", json={"name": "G"}, headers=owner).json()["id"]
        token = ada.client.post(f"/api/groups/{group}/share", json={}, headers=owner).json()["token"]
        assert me(ada, token) == 401

    @pytest.mark.parametrize("claim", [{"aud": "someone-else"}, {"iss": "someone-else"}, {"aud": ["askvideo", "x"]}])
    def test_another_audience_or_issuer_is_refused(self, ada: App, claim: dict) -> None:
        assert me(ada, jwt.encode(claims(ada, **claim), SIGNING_KEY, algorithm="HS256")) == 401

    def test_an_expired_access_token_is_refused(self, ada: App) -> None:
        token = ada.tokens("ada")["accessToken"]
        ada.clock.advance(minutes=15, seconds=1)
        assert me(ada, token) == 401


class TestSessions:
    """V7 session management: fixation, inactivity and absolute lifetime, termination."""

    def test_login_mints_a_new_session_and_ignores_a_planted_cookie(self, ada: App) -> None:
        planted = ada.tokens("ada")["accessToken"]
        ada.client.cookies.set("askvideo_access", planted)
        login = ada.client.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})
        fresh = set_cookies(login)["askvideo_access"]
        assert fresh
        assert fresh != planted
        sid = jwt.decode(fresh, options={"verify_signature": False})["sid"]
        assert sid != jwt.decode(planted, options={"verify_signature": False})["sid"]

    def test_an_idle_session_ends_after_the_inactivity_timeout(self, tmp_path: Path) -> None:
        for app in build(tmp_path, session_idle_minutes=60):
            app.sign_up("ada")
            refresh = app.tokens("ada")["refreshToken"]
            app.clock.advance(minutes=59)
            response = app.client.post("/api/auth/refresh", json={"refreshToken": refresh, "tokenDelivery": "body"})
            assert response.status_code == 200  # activity within the window slides it
            app.clock.advance(minutes=61)
            stale = app.client.post(
                "/api/auth/refresh", json={"refreshToken": response.json()["refreshToken"], "tokenDelivery": "body"}
            )
            assert stale.status_code == 401

    def test_an_active_session_still_ends_at_its_absolute_lifetime(self, tmp_path: Path) -> None:
        for app in build(tmp_path, session_idle_minutes=60 * 24, session_lifetime_days=3):
            app.sign_up("ada")
            refresh = app.tokens("ada")["refreshToken"]
            for _ in range(2):
                app.clock.advance(hours=23)
                body = app.client.post("/api/auth/refresh", json={"refreshToken": refresh, "tokenDelivery": "body"})
                assert body.status_code == 200
                refresh = body.json()["refreshToken"]
            app.clock.advance(hours=23)  # 69 h: the refresh token now expires with the session, at 72 h
            body = app.client.post("/api/auth/refresh", json={"refreshToken": refresh, "tokenDelivery": "body"})
            left = datetime.fromisoformat(body.json()["refreshExpiresAt"]) - app.clock.now()
            assert left == timedelta(hours=3)  # capped by the absolute end, not the 24 h idle window
            app.clock.advance(hours=4)
            refresh = body.json()["refreshToken"]
            ended = app.client.post("/api/auth/refresh", json={"refreshToken": refresh, "tokenDelivery": "body"})
            assert ended.status_code == 401
            assert me(app, body.json()["accessToken"]) == 401

    def test_the_lifetimes_are_settings(self) -> None:
        settings = Settings.from_env({"ASKVIDEO_SESSION_IDLE_MINUTES": "30", "ASKVIDEO_SESSION_LIFETIME_DAYS": "7"})
        assert (settings.session_idle_minutes, settings.session_lifetime_days) == (30, 7)
        with pytest.raises(SettingsError, match="SESSION_IDLE_MINUTES"):
            Settings.from_env({"ASKVIDEO_SESSION_IDLE_MINUTES": "0"})


class TestCookiesAndHeaders:
    """V3 web frontend security: cookie attributes, security headers, CORS."""

    def test_session_cookies_are_httponly_secure_samesite_and_scoped(self, ada: App) -> None:
        response = ada.client.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})
        cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
        for name in ("askvideo_access", "askvideo_refresh", "askvideo_csrf"):
            assert "secure" in cookies[name], cookies[name]
            assert "samesite=lax" in cookies[name], cookies[name]
        assert "httponly" in cookies["askvideo_access"]
        assert "httponly" in cookies["askvideo_refresh"]
        assert "httponly" not in cookies["askvideo_csrf"]  # the web UI must read it to echo it
        assert "path=/api/auth" in cookies["askvideo_refresh"]

    def test_security_headers_are_on_every_response_including_errors(self, app: App) -> None:
        for response in (app.client.get("/health/live"), app.client.get("/api/me"), app.client.get("/api/nowhere")):
            headers = response.headers
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "same-origin"
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert "strict-transport-security" not in headers  # plain-HTTP deployment: no HSTS promise

    def test_hsts_is_sent_when_the_public_url_is_https(self, tmp_path: Path) -> None:
        for app in build(tmp_path, public_url="https://videos.example.org"):
            hsts = app.client.get("/health/live").headers["strict-transport-security"]
            assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
            assert int(hsts.split("=")[1].split(";")[0]) >= 31536000

    def test_cors_names_no_foreign_origin_and_no_wildcard(self, app: App) -> None:
        preflight = app.client.options(
            "/api/me",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert preflight.headers.get("access-control-allow-origin") in {None, "http://127.0.0.1:8000"}
        assert "*" not in preflight.headers.get("access-control-allow-origin", "")

    def test_a_cookie_session_without_the_csrf_header_cannot_change_anything(self, ada: App) -> None:
        ada.client.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})
        refused = ada.client.post("/api/groups", json={"name": "G"})
        assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
        csrf = ada.client.cookies.get("askvideo_csrf")
        assert ada.client.post("/api/groups", json={"name": "G"}, headers={"X-CSRF-Token": csrf}).status_code == 201


class TestFieldLevelAuthorization:
    """V8: no mass assignment of owner, status or limits."""

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("PATCH", "/api/me", {"videoLimit": 1000}),
            ("PATCH", "/api/me", {"isActive": True, "username": "ada2"}),
            ("PATCH", "/api/videos/{video}", {"title": "x", "status": "completed"}),
            ("PATCH", "/api/videos/{video}", {"title": "x", "ownerId": "00000000-0000-0000-0000-000000000001"}),
            ("PATCH", "/api/groups/{group}", {"name": "x", "ownerId": "00000000-0000-0000-0000-000000000001"}),
        ],
    )
    def test_a_protected_field_in_an_edit_is_refused_and_nothing_changes(
        self, ada: App, method: str, path: str, body: dict
    ) -> None:
        owner = ada.bearer("ada")
        video = ada.client.post(
            "/api/videos", files={"file": ("t.mp4", TALK, "video/mp4")}, data={"title": "Talk"}, headers=owner
        ).json()["id"]
        group = ada.client.post("/api/groups", json={"name": "G"}, headers=owner).json()["id"]
        url = path.format(video=video, group=group)
        before = ada.client.get(url, headers=owner).json()
        response = ada.client.request(method, url, json=body, headers=owner)
        assert response.status_code in {400, 422}, response.text
        assert "unknown field" in response.json()["detail"]
        assert ada.client.get(url, headers=owner).json() == before


class TestTokenEntropy:
    """V7.2.3 / V9: every bearer secret the service mints carries at least 128 bits of randomness."""

    @staticmethod
    def bits(tokens: list[str]) -> float:
        """Shannon estimate: per-character entropy over all tokens times the length (bounded by the alphabet)."""
        counts = Counter("".join(tokens))
        total = sum(counts.values())
        per_char = -sum(n / total * math.log2(n / total) for n in counts.values())
        return per_char * min(len(t) for t in tokens)

    def test_share_links_csrf_tokens_and_session_ids_are_long_and_distinct(self, ada: App) -> None:
        owner = ada.bearer("ada")
        shares, csrf, sids = [], [], []
        for _ in range(40):
            group = ada.client.post("/api/groups", json={"name": "G"}, headers=owner).json()["id"]
            shares.append(ada.client.post(f"/api/groups/{group}/share", json={}, headers=owner).json()["token"])
        for _ in range(8):  # the per-account login limit is 10 per 15 minutes
            login = ada.client.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})
            cookies = set_cookies(login)
            csrf.append(cookies["askvideo_csrf"])
            sids.append(jwt.decode(cookies["askvideo_access"], options={"verify_signature": False})["sid"])
        for name, tokens in (("share", shares), ("csrf", csrf)):
            assert len(set(tokens)) == len(tokens), name
            assert min(len(t) for t in tokens) * 6 >= 128 + 64, f"{name} tokens too short"  # base64url: 6 bits/char
            assert self.bits(tokens) >= 128, f"{name} tokens carry about {self.bits(tokens):.0f} bits"
        assert len(set(sids)) == len(sids)  # uuid4: 122 random bits, and only ever inside an HMAC-signed token


class TestResponses:
    """V4/V13/V16: safe downloads, no secrets in URLs, generic errors, no debug or doc viewers."""

    def test_a_hostile_title_cannot_break_the_content_disposition_header(self, ada: App) -> None:
        owner = ada.bearer("ada")
        title = 'evil"; filename="x.exe\r\nSet-Cookie: a=b 日本語 ../../etc/passwd'
        video = ada.client.post(
            "/api/videos", files={"file": ("t.mp4", TALK, "video/mp4")}, data={"title": title}, headers=owner
        ).json()["id"]
        for suffix in ("transcript.srt", "transcript.vtt"):
            response = ada.client.get(f"/api/videos/{video}/{suffix}", headers=owner)
            assert response.status_code == 200
            disposition = response.headers["content-disposition"]
            name = re.fullmatch(r'(attachment|inline); filename="([A-Za-z0-9 _-]+\.(srt|vtt))"', disposition)
            assert name, disposition
            assert "set-cookie" not in response.headers

    def test_storage_paths_are_generated_never_taken_from_the_client(self, ada: App) -> None:
        owner = ada.bearer("ada")
        video = ada.client.post(
            "/api/videos",
            files={"file": ("..%2F..%2Fetc%2Fcron.d%2Fx.mp4", TALK, "video/mp4")},
            data={"title": "../../../etc/passwd"},
            headers=owner,
        ).json()
        stored = ada.container.gateways.store().videos  # type: ignore[attr-defined]
        key = next(v.storage_key for v in stored.values() if str(v.id) == video["id"])
        assert re.fullmatch(r"videos/[0-9a-f-]{36}/" + video["id"], key), key

    def test_no_operation_takes_a_secret_in_its_query_string(self, app: App) -> None:
        schema = app.client.get("/schema/openapi.json").json()
        secret = re.compile(r"token|password|secret|key|session", re.IGNORECASE)
        leaking = [
            f"{method.upper()} {path} ?{parameter['name']}"
            for path, item in schema["paths"].items()
            for method, operation in item.items()
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query" and secret.search(parameter["name"])
        ]
        assert leaking == []

    def test_share_tokens_in_paths_are_redacted_from_the_request_log(self, ada: App) -> None:
        owner = ada.bearer("ada")
        group = ada.client.post("/api/groups", json={"name": "G"}, headers=owner).json()["id"]
        token = ada.client.post(f"/api/groups/{group}/share", json={}, headers=owner).json()["token"]
        with structlog.testing.capture_logs() as logs:
            ada.client.get(f"/api/shared/{token}")
            ada.client.post("/api/auth/login", json={"login": "ada", "password": PASSWORD, "tokenDelivery": "body"})
        assert logs, "the request produced no log event"
        assert token not in repr(logs)
        assert PASSWORD not in repr(logs)

    def test_an_unexpected_error_gets_a_generic_body_without_internals(self, ada: App) -> None:
        def broken() -> object:
            raise RuntimeError("db password is hunter2 at /srv/secret/path.py line 42")

        ada.container.use_cases.list_videos.override(providers.Callable(broken))  # type: ignore[attr-defined]
        with structlog.testing.capture_logs():
            response = ada.client.get("/api/videos", headers=ada.bearer("ada"))
        assert response.status_code == 500
        assert response.json()["code"] == "internal_error"
        for internal in ("hunter2", "Traceback", ".py", "RuntimeError"):
            assert internal not in response.text

    def test_debug_is_off_and_no_html_api_viewer_is_served(self, app: App) -> None:
        assert app.client.app.debug is False
        for viewer in ("/schema", "/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc"):
            response = app.client.get(viewer)
            assert response.status_code == 404 or "text/html" not in response.headers.get("content-type", "")

    def test_production_refuses_to_start_with_generated_secrets_or_embedded_servers(self) -> None:
        with pytest.raises(SettingsError, match="SECRET_KEY"):
            Settings.from_env({"ASKVIDEO_ENVIRONMENT": "production"})


class TestAuditLog:
    """V16.3: authentication successes and failures and refused access are logged as structured events."""

    def test_login_success_failure_logout_and_refusals_are_audit_events(self, ada: App) -> None:
        other = ada.bearer("ada")
        with structlog.testing.capture_logs() as logs:
            ada.client.post("/api/auth/login", json={"login": "ada", "password": "wrong password!"})
            tokens = ada.tokens("ada")
            owner = {"Authorization": f"Bearer {tokens['accessToken']}"}
            ada.client.get("/api/me", headers={"Authorization": "Bearer forged"})
            ada.client.get("/api/videos/00000000-0000-0000-0000-000000000000", headers=owner)
            ada.client.put(
                "/api/me/password", json={"currentPassword": "wrong one!!", "newPassword": "x" * 12}, headers=other
            )
            ada.client.post("/api/auth/logout", headers=owner)
        audit = [event for event in logs if event["event"] == "audit"]
        actions = [event["action"] for event in audit]
        assert actions == [
            "login.failed",
            "login.succeeded",
            "authentication.failed",
            "access.not_found",
            "access.denied",
            "logout",
        ]
        assert all(event["client"] and event["method"] for event in audit)
        assert audit[3]["user_id"]
        assert audit[3]["route"] == "/api/videos/{video_id}"
        assert tokens["accessToken"] not in repr(logs)
        assert "wrong password!" not in repr(logs)
