"""The MCP server, driven by the official SDK's own client (Streamable HTTP + ClientSession) over real HTTP."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.integration.integrations_app import Served, served_library


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with tempfile.TemporaryDirectory(prefix="avmcp-") as folder, served_library(Path(folder)) as app:
        yield app


@asynccontextmanager
async def session(served: Served, key: str = "both") -> AsyncIterator[ClientSession]:
    headers = {"Authorization": f"Bearer {served.keys[key]}"} if key else {}
    async with (
        httpx2.AsyncClient(headers=headers) as http,
        streamable_http_client(f"{served.base_url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as client,
    ):
        await client.initialize()
        yield client


class TestTools:
    async def test_the_tools_and_the_transcript_resource_are_listed(self, served: Served) -> None:
        async with session(served) as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            templates = (await client.list_resource_templates()).resource_templates
        assert tools == {"search_library", "ask", "list_videos", "get_transcript", "list_groups"}
        assert [t.uri_template for t in templates] == ["transcript://{video_id}"]

    async def test_search_library_returns_timed_scenes(self, served: Served) -> None:
        async with session(served, "read") as client:
            result = await client.call_tool("search_library", {"query": "capital of Australia"})
        assert not result.is_error
        hit = result.structured_content["results"][0]
        assert (hit["video_id"], hit["title"]) == (served.video_id, "Geography")
        assert hit["scenes"][0]["text"] == "The capital of Australia is Canberra."  # the matching sentence
        assert hit["scenes"][0]["start"] == "00:00:04"

    async def test_ask_answers_with_citations(self, served: Served) -> None:
        async with session(served, "ask") as client:
            result = await client.call_tool("ask", {"question": "What is the capital of Australia?"})
            in_group = await client.call_tool(
                "ask", {"question": "What is the capital of Australia?", "group_id": served.group_id}
            )
        assert not result.is_error, result.content
        assert "Canberra" in result.structured_content["answer"]
        citation = result.structured_content["citations"][0]
        assert (citation["video_id"], citation["start"], citation["start_sec"]) == (served.video_id, "00:00:04", 4.0)
        assert "Canberra" in in_group.structured_content["answer"]

    async def test_list_videos_and_groups(self, served: Served) -> None:
        async with session(served, "read") as client:
            videos = (await client.call_tool("list_videos", {})).structured_content
            completed = (await client.call_tool("list_videos", {"status": "completed"})).structured_content
            groups = (await client.call_tool("list_groups", {})).structured_content
        assert (videos["total"], videos["videos"][0]["title"], videos["videos"][0]["status"]) == (
            1,
            "Geography",
            "completed",
        )
        assert completed["total"] == 1
        assert groups["groups"][0]["video_ids"] == [served.video_id]
        assert groups["groups"][0]["model"] == f"group-{served.group_id}"

    async def test_get_transcript_whole_or_a_time_range(self, served: Served) -> None:
        async with session(served, "read") as client:
            whole = (await client.call_tool("get_transcript", {"video_id": served.video_id})).structured_content
            part = (
                await client.call_tool("get_transcript", {"video_id": served.video_id, "start_sec": 5, "end_sec": 10})
            ).structured_content
        assert len(whole["segments"]) == 3
        assert [s["text"] for s in part["segments"]] == ["The capital of Australia is Canberra."]

    async def test_the_transcript_resource_is_timed_text(self, served: Served) -> None:
        async with session(served, "read") as client:
            read = await client.read_resource(f"transcript://{served.video_id}")
        text = read.contents[0].text
        assert text.startswith("# Geography\n[00:00:00] Welcome to the course.")
        assert "[00:00:04] The capital of Australia is Canberra." in text


class TestRefusals:
    async def test_without_a_key_or_with_a_wrong_one_the_endpoint_is_401(self, served: Served) -> None:
        request = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        for headers in (
            {},
            {"Authorization": "Bearer av_wrong"},
            {"Authorization": f"Bearer {served.login['Authorization'][7:]}"},
        ):
            async with httpx.AsyncClient() as http:
                response = await http.post(f"{served.base_url}/mcp", json=request, headers=headers)
            assert response.status_code == 401, headers
            assert response.headers["www-authenticate"].startswith("Bearer")
        with pytest.raises(Exception):  # noqa: B017, PT011 - the SDK surfaces the 401 as its own error type
            async with session(served, ""):
                pass

    async def test_a_key_without_the_scope_is_refused_per_tool(self, served: Served) -> None:
        async with session(served, "read") as reader:
            refused = await reader.call_tool("ask", {"question": "What is the capital of Australia?"})
        assert refused.is_error
        assert "`ask` scope" in refused.content[0].text
        async with session(served, "ask") as asker:
            for tool, arguments in (
                ("search_library", {"query": "capital"}),
                ("list_videos", {}),
                ("list_groups", {}),
                ("get_transcript", {"video_id": served.video_id}),
            ):
                result = await asker.call_tool(tool, arguments)
                assert result.is_error, tool
                assert "`read` scope" in result.content[0].text

    async def test_another_users_video_and_group_are_not_found(self, served: Served) -> None:
        async with session(served, "bob") as client:
            transcript = await client.call_tool("get_transcript", {"video_id": served.video_id})
            asked = await client.call_tool("ask", {"question": "capital?", "group_id": served.group_id})
            videos = await client.call_tool("list_videos", {})
            searched = await client.call_tool("search_library", {"query": "Australia"})
        assert transcript.is_error
        assert "no video with that id" in transcript.content[0].text
        assert asked.is_error
        assert "no group with that id" in asked.content[0].text
        assert videos.structured_content["total"] == 0
        assert searched.structured_content["results"] == []

    @pytest.mark.parametrize(
        ("tool", "arguments", "message"),
        [
            ("get_transcript", {"video_id": "nope"}, "not a video id"),
            ("get_transcript", {"video_id": "{video}", "start_sec": 9, "end_sec": 3}, "end_sec must be after"),
            ("list_videos", {"status": "lost"}, "Unknown status"),
            ("search_library", {"query": "  "}, "Type something"),
            ("search_library", {"query": "capital", "limit": 0}, "limit"),
            ("ask", {"question": "x", "group_id": "{group}", "video_id": "{video}"}, "not both"),
            ("ask", {"question": "   "}, "Ask a question"),
        ],
    )
    async def test_bad_arguments_get_a_clear_message(
        self, served: Served, tool: str, arguments: dict, message: str
    ) -> None:
        filled = {
            k: v.replace("{video}", served.video_id).replace("{group}", served.group_id) if isinstance(v, str) else v
            for k, v in arguments.items()
        }
        async with session(served) as client:
            result = await client.call_tool(tool, filled)
        assert result.is_error
        assert message in result.content[0].text

    async def test_a_bad_resource_id_is_an_error(self, served: Served) -> None:
        async with session(served, "read") as client:
            with pytest.raises(Exception, match="not a video id"):
                await client.read_resource("transcript://nope")
