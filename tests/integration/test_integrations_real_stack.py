"""API keys, the OpenAI-compatible API, MCP, tags and search on the real stack: `askvideo serve` with embedded
PostgreSQL + pgvector, Redis and a worker; transcription and embeddings from a fake OpenAI server (fast and
deterministic: segment N says "second N"), and answers from its chat endpoint (it cites excerpt 1)."""

from __future__ import annotations

import email
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from openai import OpenAI

from tests.fakes.openai_server import CHAT, FakeOpenAi
from tests.integration.conftest import RunningApp, start_askvideo, stop_askvideo

MEDIA = Path(__file__).parents[1] / "fixtures" / "media"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def app() -> Iterator[RunningApp]:
    data_dir = Path(tempfile.mkdtemp(prefix="avint-"))
    fake = FakeOpenAi()
    with fake as base_url:
        running = start_askvideo(
            ["serve"],
            {
                "ASKVIDEO_DATA_DIR": str(data_dir),
                "ASKVIDEO_COOKIE_SECURE": "false",
                "ASKVIDEO_TRANSCRIBER": "openai",
                "ASKVIDEO_EMBEDDER": "openai",
                "ASKVIDEO_ANSWERER": "openai",
                "ASKVIDEO_OPENAI_API_KEY": "sk-test",
                "ASKVIDEO_OPENAI_BASE_URL": base_url,
            },
            data_dir,
        )
        running.data_dir = data_dir  # type: ignore[attr-defined]
        running.fake_openai = fake  # type: ignore[attr-defined]
        yield running
        stop_askvideo(running)
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def library(app: RunningApp) -> Iterator[dict[str, str]]:
    """A user with the fixture video processed, a tag on it, and an API key with both scopes."""
    with app.client() as client:
        client.timeout = 60
        client.post("/api/auth/signup", json={"username": "ivy", "email": "ivy@example.org", "password": PASSWORD})
        outbox = app.data_dir / "outbox"  # type: ignore[attr-defined]
        message = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes())
        token = message.get_payload(decode=True).decode().split("token=")[1].split()[0]
        client.post("/api/auth/verify-email", json={"token": token})
        login = client.post("/api/auth/login", json={"login": "ivy", "password": PASSWORD, "tokenDelivery": "body"})
        client.headers["Authorization"] = f"Bearer {login.json()['accessToken']}"
        with (MEDIA / "talk.mp4").open("rb") as handle:
            video = client.post(
                "/api/videos", data={"title": "Counting talk"}, files={"file": ("talk.mp4", handle, "video/mp4")}
            ).json()["id"]
        deadline = time.monotonic() + 120
        while client.get(f"/api/videos/{video}").json()["status"] not in {"completed", "error"}:
            assert time.monotonic() < deadline, "the video was not processed in time"
            time.sleep(0.3)
        assert client.get(f"/api/videos/{video}").json()["status"] == "completed"
        tag = client.post("/api/tags", json={"name": "Numbers", "color": "#0ea5e9"}).json()["id"]
        client.put(f"/api/videos/{video}/tags/{tag}")
        key = client.post("/api/keys", json={"name": "tools", "scopes": ["read", "ask"]}).json()
        yield {
            "video": video,
            "tag": tag,
            "key": key["secret"],
            "key_id": key["id"],
            "login": login.json()["accessToken"],
        }


def test_the_openai_client_gets_a_cited_answer_from_postgres(app: RunningApp, library: dict[str, str]) -> None:
    client = OpenAI(api_key=library["key"], base_url=f"{app.base_url}/v1", max_retries=0)
    assert [m.id for m in client.models.list().data] == ["all-videos"]
    reply = client.chat.completions.create(
        model="all-videos",
        messages=[
            {"role": "user", "content": "What is counted?"},
            {"role": "assistant", "content": "Seconds [1]."},
            {"role": "user", "content": "When is second 3 said?"},
        ],
    )
    citations = reply.choices[0].message.model_extra["citations"]
    assert citations[0]["video_id"] == library["video"]
    assert citations[0]["title"] == "Counting talk"
    assert re.fullmatch(r"\d\d:\d\d:\d\d", citations[0]["start"])
    assert f"Sources:\n[1] {citations[0]['start']}" in reply.choices[0].message.content
    # The earlier turn reached the answering model as conversation history.
    sent = app.fake_openai.requests_to(CHAT)[-1].messages  # type: ignore[attr-defined]
    assert {"role": "user", "content": "What is counted?"} in [
        {"role": m["role"], "content": m["content"]} for m in sent
    ]
    streamed = client.chat.completions.create(
        model="all-videos", messages=[{"role": "user", "content": "When is second 3 said?"}], stream=True
    )
    text = "".join(c.choices[0].delta.content or "" for c in streamed)
    assert "Sources:\n[1]" in text


async def test_an_mcp_client_searches_and_reads_the_transcript(app: RunningApp, library: dict[str, str]) -> None:
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {library['key']}"}) as http,
        streamable_http_client(f"{app.base_url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        found = await session.call_tool("search_library", {"query": "second 2"})
        part = await session.call_tool("get_transcript", {"video_id": library["video"], "start_sec": 2, "end_sec": 3})
    assert found.structured_content["results"][0]["video_id"] == library["video"]
    assert [s["text"].strip() for s in part.structured_content["segments"]] == ["second 2"]


def test_tags_filter_and_search_on_postgres_and_revocation_is_immediate(
    app: RunningApp, library: dict[str, str]
) -> None:
    key = {"Authorization": f"Bearer {library['key']}"}
    with httpx.Client(base_url=app.base_url, headers=key, timeout=30) as client:
        tagged = client.get("/api/videos", params={"tag": library["tag"]}).json()
        assert [t["name"] for t in tagged["items"][0]["tags"]] == ["Numbers"]
        found = client.get("/api/search", params={"q": "counting"}).json()["items"]
        assert (found[0]["videoId"], found[0]["matchedText"]) == (library["video"], True)
        assert client.get("/api/keys").status_code == 403
        login = {"Authorization": f"Bearer {library['login']}"}
        listed = client.get("/api/keys", headers=login).json()
        assert listed[0]["lastUsedAt"] is not None
        assert client.delete(f"/api/keys/{library['key_id']}", headers=login).status_code == 204
        assert client.get("/api/videos").status_code == 401
