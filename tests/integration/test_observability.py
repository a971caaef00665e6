"""Metrics and logs of a real deployment: `askvideo serve` in production mode (JSON logs, SMTP, a metrics token, a
worker with its metrics port) on the session's embedded PostgreSQL and Redis. A full story runs through it — sign up,
verify, log in, refresh, upload and process a video, personal OpenAI key, questions, a shared group and a guest,
password reset and change, a failing job that is retried — then both metrics endpoints are scraped over HTTP and every
log line is searched for the secrets the story used."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.conftest import RunningApp, free_port, start_askvideo, stop_askvideo

MEDIA = Path(__file__).resolve().parent.parent / "fixtures" / "media"
SECRET_KEY = "observability-secret-" + "k" * 32
METRICS_TOKEN = "metrics-token-" + uuid.uuid4().hex
OPENAI_KEY = "sk-proj-OBSERVABILITY-" + uuid.uuid4().hex
PASSWORDS = ("first password " + uuid.uuid4().hex[:6], "reset password " + uuid.uuid4().hex[:6])
NEW_PASSWORD = "changed password " + uuid.uuid4().hex[:6]
WRONG_PASSWORD = "wrong guess " + uuid.uuid4().hex[:6]


class Inbox:
    """An SMTP sink: every message the app sends lands here."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def link_token(self, count: int, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"no message #{count}"
            time.sleep(0.05)
        body = self.messages[count - 1].get_payload(decode=True).decode()
        return re.search(r"\?token=(\S+)", body).group(1)


def value(text: str, name: str, **labels: str) -> float:
    """The sample `name{labels}` of an exposition (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def wait_for(condition, timeout: float, what: str, app: RunningApp | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.3)
    tail = "\n".join(app.log.splitlines()[-30:]) if app else ""
    pytest.fail(f"{what} within {timeout} s\n{tail}")


class Story:
    """What the story did: the ids to look for in metrics and the secrets that must not be in the logs."""

    def __init__(self) -> None:
        self.user_id = ""
        self.username = ""
        self.video_id = ""
        self.failing_video_id = ""
        self.secrets: dict[str, str] = {}


@pytest.fixture(scope="module")
def worker_metrics_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def deployment(
    database_url: str, redis_url: str, worker_metrics_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningApp, Inbox]]:
    inbox = Inbox()
    smtp_port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    folder = tmp_path_factory.mktemp("observability")
    app = start_askvideo(
        ["serve"],
        {
            "ASKVIDEO_ENVIRONMENT": "production",
            "ASKVIDEO_DATABASE_URL": database_url,
            "ASKVIDEO_REDIS_URL": redis_url,
            "ASKVIDEO_DATA_DIR": str(folder),
            "ASKVIDEO_SECRET_KEY": SECRET_KEY,
            "ASKVIDEO_PUBLIC_URL": "http://127.0.0.1",
            "ASKVIDEO_SMTP_HOST": "127.0.0.1",
            "ASKVIDEO_SMTP_PORT": str(smtp_port),
            "ASKVIDEO_SMTP_SECURITY": "none",
            "ASKVIDEO_COOKIE_SECURE": "false",
            "ASKVIDEO_METRICS_TOKEN": METRICS_TOKEN,
            "ASKVIDEO_WORKER_METRICS_PORT": str(worker_metrics_port),
            # A personal key's calls go to a closed port: the failure paths must not log the key either.
            "ASKVIDEO_OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",
            "ASKVIDEO_SIGNUPS_PER_IP": "1000",
            "ASKVIDEO_LOGINS_PER_IP": "1000",
        },
        folder,
    )
    yield app, inbox
    stop_askvideo(app)
    smtp.stop()


def upload(client: httpx.Client, title: str) -> str:
    with (MEDIA / "talk.mp4").open("rb") as handle:
        created = client.post("/api/videos", data={"title": title}, files={"file": ("talk.mp4", handle, "video/mp4")})
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture(scope="module")
def story(deployment: tuple[RunningApp, Inbox]) -> Story:
    app, inbox = deployment
    story = Story()
    username = story.username = f"obs_{uuid.uuid4().hex[:8]}"
    email = f"{username}@example.org"
    first, reset_to = PASSWORDS
    with app.client() as client:
        client.timeout = 60
        assert (
            client.post("/api/auth/signup", json={"username": username, "email": email, "password": first}).status_code
            == 201
        )
        verification = inbox.link_token(1)
        assert client.post("/api/auth/verify-email", json={"token": verification}).status_code == 200
        assert client.post("/api/auth/login", json={"login": username, "password": WRONG_PASSWORD}).status_code == 401
        session = client.post(
            "/api/auth/login", json={"login": username, "password": first, "tokenDelivery": "body"}
        ).json()
        refreshed = client.post(
            "/api/auth/refresh", json={"refreshToken": session["refreshToken"], "tokenDelivery": "body"}
        ).json()
        access = refreshed["accessToken"]
        client.headers["Authorization"] = f"Bearer {access}"
        story.user_id = client.get("/api/me").json()["id"]

        story.video_id = upload(client, "Observed talk")
        wait_for(
            lambda: client.get(f"/api/videos/{story.video_id}").json()["status"] == "completed",
            180,
            "the video was not processed",
            app,
        )
        asked = client.post(
            "/api/questions",
            json={
                "question": "What is the capital of Australia?",
                "scope": {"kind": "video", "videoId": story.video_id},
            },
        )
        assert asked.status_code == 200, asked.text

        assert client.put("/api/me/openai-key", json={"apiKey": OPENAI_KEY}).status_code == 200
        # With the personal key, answers and transcriptions go to the (unreachable) OpenAI server and fail.
        failed_ask = client.post(
            "/api/questions", json={"question": "Where should the umbrella go?", "scope": {"kind": "library"}}
        )
        assert failed_ask.status_code >= 400
        story.failing_video_id = upload(client, "Fails to transcribe")

        group = client.post("/api/groups", json={"name": "Observed group"}).json()
        client.post(f"/api/groups/{group['id']}/videos", json={"videoIds": [story.video_id]})
        share = client.post(f"/api/groups/{group['id']}/share", json={}).json()["token"]
        with httpx.Client(base_url=app.base_url, timeout=60) as guest:
            assert guest.get(f"/api/shared/{share}/").status_code == 200
            guest.post(f"/api/shared/{share}/questions", json={"question": "What is the capital of Australia?"})

        assert client.post("/api/auth/forgot-password", json={"email": email}).status_code == 202
        reset = inbox.link_token(2)
        assert (
            client.post("/api/auth/reset-password", json={"token": reset, "newPassword": reset_to}).status_code == 200
        )
        again = client.post("/api/auth/login", json={"login": email, "password": reset_to, "tokenDelivery": "body"})
        client.headers["Authorization"] = f"Bearer {again.json()['accessToken']}"
        changed = client.put("/api/me/password", json={"currentPassword": reset_to, "newPassword": NEW_PASSWORD})
        assert changed.status_code == 200, changed.text
        cookie_login = client.post("/api/auth/login", json={"login": username, "password": NEW_PASSWORD})
        assert cookie_login.status_code == 200

    story.secrets = {
        "first password": first,
        "reset password": reset_to,
        "changed password": NEW_PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "verification link token": verification,
        "reset link token": reset,
        "share token": share,
        "OpenAI key": OPENAI_KEY,
        "metrics token": METRICS_TOKEN,
        "secret key": SECRET_KEY,
        "access token": session["accessToken"],
        "refresh token": session["refreshToken"],
        "rotated access token": access,
        "rotated refresh token": refreshed["refreshToken"],
        "access token after reset": again.json()["accessToken"],
        **{f"cookie {name}": cookie_value for name, cookie_value in cookie_login.cookies.items()},
    }
    return story


def scrape(url: str, token: str | None = METRICS_TOKEN) -> httpx.Response:
    return httpx.get(url, headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=10)


class TestApiMetrics:
    def test_the_scrape_needs_the_metrics_token(self, deployment: tuple[RunningApp, Inbox]) -> None:
        app, _ = deployment
        refused = scrape(f"{app.base_url}/metrics", token=None)
        assert (refused.status_code, refused.json()["code"]) == (401, "unauthorized")
        assert scrape(f"{app.base_url}/metrics", token="not-it").status_code == 401

    def test_requests_of_the_story_are_counted_by_route_template(
        self, deployment: tuple[RunningApp, Inbox], story: Story
    ) -> None:
        app, _ = deployment
        text = scrape(f"{app.base_url}/metrics").text
        assert value(text, "askvideo_http_requests_total", method="POST", route="/api/videos", status_class="2xx") == 2
        assert value(text, "askvideo_http_requests_total", method="POST", route="/api/auth/login", status_class="4xx")
        assert value(
            text, "askvideo_http_requests_total", method="GET", route="/api/videos/{video_id}", status_class="2xx"
        )
        assert value(
            text, "askvideo_http_requests_total", method="GET", route="/api/shared/{token}", status_class="2xx"
        )
        assert value(text, "askvideo_http_request_duration_seconds_count", method="POST", route="/api/questions") >= 2
        assert value(text, "askvideo_http_requests_in_flight") >= 1
        assert story.video_id not in text
        assert story.secrets["share token"] not in text


class TestWorkerMetrics:
    def test_a_processed_video_shows_in_job_counts_duration_and_transcription_speed(
        self, story: Story, worker_metrics_port: int
    ) -> None:
        text = scrape(f"http://127.0.0.1:{worker_metrics_port}/metrics", token=None).text
        actor = {"actor": "process_video"}
        assert value(text, "askvideo_jobs_started_total", **actor) >= 1
        assert value(text, "askvideo_jobs_succeeded_total", **actor) >= 1
        assert value(text, "askvideo_job_duration_seconds_count", **actor) >= 1
        assert value(text, "askvideo_videos_processed_total", status="completed") >= 1
        transcriber = {"transcriber": "faster-whisper-base"}
        assert value(text, "askvideo_transcription_realtime_factor_count", **transcriber) >= 1
        audio = value(text, "askvideo_transcribed_audio_seconds_total", **transcriber)
        spent = value(text, "askvideo_transcription_seconds_total", **transcriber)
        assert audio == pytest.approx(24.9, abs=0.5)
        assert spent > 0
        for state in ("ready", "delayed", "dead"):
            assert f'askvideo_queue_depth{{queue="default",state="{state}"}}' in text
        assert value(text, "process_resident_memory_bytes") > 0

    def test_a_failing_job_counts_as_failed_then_retried(self, story: Story, worker_metrics_port: int) -> None:
        url = f"http://127.0.0.1:{worker_metrics_port}/metrics"
        actor = {"actor": "process_video"}
        wait_for(
            lambda: value(scrape(url, token=None).text, "askvideo_jobs_retried_total", **actor) >= 1,
            60,
            "the failing transcription was not retried",
        )
        assert value(scrape(url, token=None).text, "askvideo_jobs_failed_total", **actor) >= 1


class TestLogs:
    def test_every_line_is_json_and_requests_carry_id_user_route_status_duration(
        self, deployment: tuple[RunningApp, Inbox], story: Story
    ) -> None:
        app, _ = deployment
        lines = [line for line in app.log.splitlines() if line.strip()]
        records = [json.loads(line) for line in lines]  # a line that is not JSON fails here
        requests = [r for r in records if r.get("event") == "request"]
        assert requests
        assert all({"request_id", "method", "path", "route", "status", "duration_ms"} <= set(r) for r in requests)
        mine = [r for r in requests if r.get("user_id") == story.user_id]
        assert {r["route"] for r in mine} >= {"/api/videos", "/api/me", "/api/questions"}
        shared = [r for r in requests if r["route"] == "/api/shared/{token}"]
        assert shared
        assert all(r["path"] == "/api/shared/[redacted]" for r in shared)

    def test_no_secret_of_the_story_is_in_any_log_line(
        self, deployment: tuple[RunningApp, Inbox], story: Story, worker_metrics_port: int
    ) -> None:
        app, _ = deployment
        with app.client() as client:  # stop the retries: a deleted video's job has nothing left to do
            login = client.post(
                "/api/auth/login",
                json={"login": story.username, "password": NEW_PASSWORD, "tokenDelivery": "body"},
            ).json()
            headers = {"Authorization": f"Bearer {login['accessToken']}"}
            assert client.delete(f"/api/videos/{story.failing_video_id}", headers=headers).status_code == 204
        story.secrets |= {"last access token": login["accessToken"], "last refresh token": login["refreshToken"]}
        time.sleep(0.5)
        log = app.log
        assert log
        leaked = {name for name, secret in story.secrets.items() if secret and secret in log}
        # A JWT is also looked for by its signature alone, in case it was cut or re-encoded around it.
        leaked |= {
            f"{name} (signature)"
            for name, secret in story.secrets.items()
            if secret.count(".") == 2 and secret.rsplit(".", 1)[1] in log
        }
        assert leaked == set(), f"secrets in the logs: {sorted(leaked)}"
