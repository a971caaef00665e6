"""The OpenAI-compatible API, driven by the real `openai` client (sync, async, streaming) over real HTTP."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from openai import AsyncOpenAI, OpenAI

from tests.integration.integrations_app import Served, served_library

QUESTION = "What is the capital of Australia?"


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with tempfile.TemporaryDirectory(prefix="avoai-") as folder, served_library(Path(folder)) as app:
        yield app


def client(served: Served, key: str = "both") -> OpenAI:
    return OpenAI(api_key=served.keys[key], base_url=f"{served.base_url}/v1", max_retries=0)


class TestModels:
    def test_all_videos_and_each_group_are_models(self, served: Served) -> None:
        models = client(served).models.list()
        assert [m.id for m in models.data] == ["all-videos", f"group-{served.group_id}"]
        assert models.data[1].owned_by == "ask-video"
        assert models.data[1].model_extra["name"] == "Course"

    def test_an_ask_only_key_may_list_models(self, served: Served) -> None:
        assert len(client(served, "ask").models.list().data) == 2

    def test_another_users_groups_are_not_listed(self, served: Served) -> None:
        assert [m.id for m in client(served, "bob").models.list().data] == ["all-videos"]


class TestChatCompletions:
    def test_a_question_gets_a_cited_answer(self, served: Served) -> None:
        reply = client(served).chat.completions.create(
            model="all-videos", messages=[{"role": "user", "content": QUESTION}]
        )
        message = reply.choices[0].message
        assert "Canberra" in message.content
        assert "Sources:\n[1] 00:00:04–00:00:09 · Geography" in message.content
        citations = message.model_extra["citations"]
        assert citations[0]["video_id"] == served.video_id
        assert (citations[0]["start"], citations[0]["title"], citations[0]["index"]) == ("00:00:04", "Geography", 1)
        assert reply.choices[0].finish_reason == "stop"
        assert reply.choices[0].model_extra["citations"] == citations
        assert reply.model == "all-videos"
        assert reply.id.startswith("chatcmpl-")

    def test_a_group_model_and_content_parts(self, served: Served) -> None:
        reply = client(served).chat.completions.create(
            model=f"group-{served.group_id}",
            messages=[{"role": "user", "content": [{"type": "text", "text": QUESTION}]}],
        )
        assert "Canberra" in reply.choices[0].message.content

    def test_earlier_turns_are_the_history(self, served: Served) -> None:
        client(served).chat.completions.create(
            model="all-videos",
            messages=[
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Where is the meeting?"},
                {"role": "assistant", "content": "It moved [1].\n\nSources:\n[1] 00:00:20–00:00:26 · Geography: …"},
                {"role": "user", "content": "Unanswered question"},
                {"role": "user", "content": QUESTION},
            ],
        )
        assert served.answerers.histories[-1] == [("Where is the meeting?", "It moved [1].")]

    async def test_the_async_client_works_too(self, served: Served) -> None:
        async with AsyncOpenAI(api_key=served.keys["ask"], base_url=f"{served.base_url}/v1", max_retries=0) as aio:
            reply = await aio.chat.completions.create(
                model="all-videos", messages=[{"role": "user", "content": QUESTION}]
            )
        assert "Canberra" in reply.choices[0].message.content

    def test_streaming_sends_chunks_then_the_sources_and_ends_with_done(self, served: Served) -> None:
        stream = client(served, "ask").chat.completions.create(
            model="all-videos", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
        chunks = list(stream)
        text = "".join(c.choices[0].delta.content or "" for c in chunks)
        assert "Canberra" in text
        assert "Sources:\n[1] 00:00:04" in text
        assert chunks[0].choices[0].delta.role == "assistant"
        last = chunks[-1].choices[0]
        assert last.finish_reason == "stop"
        assert last.model_extra["citations"][0]["video_id"] == served.video_id
        assert len({c.id for c in chunks}) == 1

    async def test_async_streaming(self, served: Served) -> None:
        async with AsyncOpenAI(api_key=served.keys["ask"], base_url=f"{served.base_url}/v1", max_retries=0) as aio:
            stream = await aio.chat.completions.create(
                model="all-videos", messages=[{"role": "user", "content": QUESTION}], stream=True
            )
            text = "".join([c.choices[0].delta.content or "" async for c in stream])
        assert "Canberra" in text

    def test_the_raw_stream_ends_with_done(self, served: Served) -> None:
        with httpx.stream(
            "POST",
            f"{served.base_url}/v1/chat/completions",
            json={"model": "all-videos", "stream": True, "messages": [{"role": "user", "content": QUESTION}]},
            headers=served.bearer("ask"),
        ) as response:
            body = response.read().decode()
        assert response.headers["content-type"].startswith("text/event-stream")
        assert body.rstrip().endswith("data: [DONE]")


class TestErrorsInOpenAisShape:
    def test_a_failure_after_streaming_began_is_an_error_event(self, served: Served) -> None:
        served.answerers.fail_midway = True
        stream = client(served, "ask").chat.completions.create(
            model="all-videos", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
        with pytest.raises(openai.APIError, match="stopped responding"):
            list(stream)

    def test_an_unknown_model_is_404_model_not_found(self, served: Served) -> None:
        with pytest.raises(openai.NotFoundError) as error:
            client(served).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        assert error.value.code == "model_not_found"
        assert "all-videos" in error.value.message

    def test_another_users_group_is_404(self, served: Served) -> None:
        with pytest.raises(openai.NotFoundError):
            client(served, "bob").chat.completions.create(
                model=f"group-{served.group_id}", messages=[{"role": "user", "content": QUESTION}]
            )

    def test_a_streamed_request_fails_before_streaming(self, served: Served) -> None:
        with pytest.raises(openai.NotFoundError):
            client(served).chat.completions.create(
                model="group-nope", messages=[{"role": "user", "content": "hi"}], stream=True
            )

    def test_no_key_or_a_wrong_key_is_401(self, served: Served) -> None:
        wrong = OpenAI(api_key="av_wrong", base_url=f"{served.base_url}/v1", max_retries=0)
        with pytest.raises(openai.AuthenticationError) as error:
            wrong.models.list()
        assert error.value.code == "invalid_api_key"
        response = httpx.get(f"{served.base_url}/v1/models")
        assert response.status_code == 401
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}

    def test_a_read_only_key_cannot_ask(self, served: Served) -> None:
        with pytest.raises(openai.PermissionDeniedError) as error:
            client(served, "read").chat.completions.create(
                model="all-videos", messages=[{"role": "user", "content": QUESTION}]
            )
        assert "`ask` scope" in error.value.message

    @pytest.mark.parametrize(
        "messages",
        [
            [{"role": "assistant", "content": "I speak last"}],
            [{"role": "user", "content": "   "}],
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "http://x"}}]}],
        ],
    )
    def test_the_last_message_must_be_a_users_question(self, served: Served, messages: list) -> None:
        with pytest.raises(openai.BadRequestError) as error:
            client(served).chat.completions.create(model="all-videos", messages=messages)
        assert "last message must be the user's question" in error.value.message

    @pytest.mark.parametrize(
        "body",
        [
            {"model": "all-videos"},
            {"model": "all-videos", "messages": []},
            {"messages": [{"role": "user", "content": "hi"}]},
            {"model": "all-videos", "messages": [{"role": "wizard", "content": "hi"}]},
        ],
    )
    def test_a_malformed_body_is_400_invalid_request(self, served: Served, body: dict) -> None:
        response = httpx.post(f"{served.base_url}/v1/chat/completions", json=body, headers=served.bearer("both"))
        assert response.status_code == 400
        assert response.json()["error"]["type"] == "invalid_request_error"

    def test_a_question_that_is_too_long_is_400(self, served: Served) -> None:
        with pytest.raises(openai.BadRequestError, match="at most 2000"):
            client(served).chat.completions.create(
                model="all-videos", messages=[{"role": "user", "content": "x " * 1500}]
            )
