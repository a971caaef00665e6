"""The chat answerer drives the real `openai` async client over HTTP against a fake OpenAI server, streaming."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from openai import AsyncOpenAI

from adapters.openai import OpenAiAnswerer
from adapters.openai import answerer as answerer_module
from adapters.openai.answerer import REFUSAL, SYSTEM_PROMPT
from domain.errors import InvalidInput, Unavailable
from domain.questions import Answer, Citation, Passage
from tests.fakes.openai_server import CHAT, DEFAULT_CHAT_REPLY, FakeOpenAi
from tests.integration.conftest import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from application.ports.questions import Answerer

pytestmark = pytest.mark.integration

API_KEY = "sk-test-0123456789abcdef"
RICE = uuid.uuid4()
SOUP = uuid.uuid4()
PASSAGES = (
    Passage(
        video_id=RICE,
        title="Cooking rice",
        scene_index=3,
        start=64.5,
        end=92.25,
        text="Simmer the rice for twelve minutes with the lid on.",
        sentences=((64.5, 92.25, "Simmer the rice for twelve minutes with the lid on."),),
        score=0.91,
    ),
    Passage(
        video_id=SOUP,
        title="Miso soup",
        scene_index=0,
        start=5.0,
        end=17.5,
        text="Never boil miso: add it at the end.",
        sentences=((5.0, 17.5, "Never boil miso: add it at the end."),),
        score=0.42,
    ),
)


@pytest.fixture
def server() -> Iterator[FakeOpenAi]:
    fake = FakeOpenAi()
    with fake:
        yield fake


def _answerer(base_url: str, **options: Any) -> OpenAiAnswerer:
    return OpenAiAnswerer(API_KEY, base_url=base_url, **options)


async def _ask(
    answerer: Answerer,
    question: str = "How long does rice simmer?",
    passages: Sequence[Passage] = PASSAGES,
    history: Sequence[tuple[str, str]] = (),
) -> tuple[list[str], Answer]:
    """The streamed pieces and the final answer, checking the port's shape: pieces first, one `Answer` last."""
    items = [item async for item in answerer.answer(question, passages, history=history)]
    *pieces, final = items
    assert all(isinstance(piece, str) and piece for piece in pieces)
    assert isinstance(final, Answer)
    return [str(piece) for piece in pieces], final


def _citation(passage: Passage) -> Citation:
    """A cited passage is cited at its (here: only) sentence, for at most ten seconds."""
    start, end, text = passage.sentences[0]
    return Citation(
        video_id=passage.video_id,
        title=passage.title,
        start=start,
        end=min(end, start + 10),
        text=text,
        score=passage.score,
    )


async def test_the_answer_streams_and_cites_the_passages_it_names(server: FakeOpenAi) -> None:
    server.chat_reply = "Simmer it for twelve minutes [1], and add miso at the very end [2][1]."

    pieces, answer = await _ask(_answerer(server.base_url))

    assert len(pieces) > 5  # streamed in small chunks, not in one piece at the end
    assert "".join(pieces) == answer.text == server.chat_reply
    assert answer.grounded
    # In first-cited order, each once, with the passages' own seconds and words.
    assert answer.citations == (_citation(PASSAGES[0]), _citation(PASSAGES[1]))
    (request,) = server.requests_to(CHAT)
    assert request.fields["model"] == ["gpt-4o-mini"]
    assert request.fields["stream"] == ["True"]
    assert request.fields["temperature"] == ["0.0"]
    assert request.messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert request.messages[-1]["content"] == (
        "Excerpts:\n"
        "[1] Cooking rice (01:04–01:32): Simmer the rice for twelve minutes with the lid on.\n"
        "[2] Miso soup (00:05–00:17): Never boil miso: add it at the end.\n"
        "\n"
        "Question: How long does rice simmer?"
    )


async def test_the_default_reply_of_the_fake_cites_the_first_passage(server: FakeOpenAi) -> None:
    answerer = _answerer(server.base_url, model="llama3.2")

    _, answer = await _ask(answerer)

    assert answer.text == DEFAULT_CHAT_REPLY
    assert answer.citations == (_citation(PASSAGES[0]),)
    assert answerer.name == "openai-llama3.2"
    assert server.requests_to(CHAT)[0].fields["model"] == ["llama3.2"]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
async def test_a_cited_number_that_does_not_exist_is_never_shown(server: FakeOpenAi, chunk: int) -> None:
    server.chat_reply = "Twelve minutes [7]. Lid on [1, 7] [9][2] and [12-13] done [2].\n[8] End [x]."
    server.chat_chunk_chars = chunk

    pieces, answer = await _ask(_answerer(server.base_url))

    # Markers arrive split over chunks; none citing a missing passage is ever shown, so the pieces add up exactly.
    assert "".join(pieces) == answer.text == "Twelve minutes. Lid on [1][2] and done [2].\nEnd [x]."
    assert answer.citations == (_citation(PASSAGES[0]), _citation(PASSAGES[1]))
    assert answer.grounded


async def test_only_missing_numbers_cited_is_not_grounded(server: FakeOpenAi) -> None:
    server.chat_reply = "Twelve minutes [7]."

    pieces, answer = await _ask(_answerer(server.base_url))

    assert "".join(pieces) == answer.text == "Twelve minutes."
    assert answer == Answer(text="Twelve minutes.", citations=(), grounded=False)


async def test_an_answer_without_citations_is_not_grounded(server: FakeOpenAi) -> None:
    server.chat_reply = "Rice usually simmers for about fifteen minutes."

    _, answer = await _ask(_answerer(server.base_url))

    assert answer == Answer(text=server.chat_reply, citations=(), grounded=False)


@pytest.mark.parametrize("reply", [REFUSAL, "the videos do not cover this [1]", f"  {REFUSAL}\n"])
async def test_the_refusal_is_not_grounded_and_cites_nothing(server: FakeOpenAi, reply: str) -> None:
    server.chat_reply = reply

    pieces, answer = await _ask(_answerer(server.base_url), "Who won the 1998 World Cup?")

    assert answer.citations == ()
    assert not answer.grounded
    assert "".join(pieces) == answer.text
    assert answer.text.strip(".").casefold() == REFUSAL.strip(".").casefold()  # no marker left to show as a chip


async def test_an_answer_that_only_starts_like_the_refusal_is_answered(server: FakeOpenAi) -> None:
    server.chat_reply = "The videos do not cover this in detail, but rice simmers for twelve minutes [1]."
    server.chat_chunk_chars = 1

    pieces, answer = await _ask(_answerer(server.base_url))

    assert "".join(pieces) == answer.text == server.chat_reply
    assert answer.citations == (_citation(PASSAGES[0]),)
    assert answer.grounded


async def test_an_empty_reply_becomes_the_refusal(server: FakeOpenAi) -> None:
    server.chat_reply = "  "

    pieces, answer = await _ask(_answerer(server.base_url))

    assert pieces == [REFUSAL]
    assert answer == Answer(text=REFUSAL, citations=(), grounded=False)


async def test_no_passages_means_the_refusal_without_asking_the_model(server: FakeOpenAi) -> None:
    pieces, answer = await _ask(_answerer(server.base_url), passages=())

    assert pieces == [REFUSAL]
    assert answer == Answer(text=REFUSAL, citations=(), grounded=False)
    assert server.received == []


async def test_history_goes_before_the_question_and_the_key_in_the_authorization_header(server: FakeOpenAi) -> None:
    seen: list[dict[str, Any]] = []

    def reply(request: dict[str, Any]) -> str:
        seen.append(request)
        return "Twelve minutes [1]."

    server.chat_reply = reply
    history = [("What is miso?", "A paste [2]."), ("Is it salty?", "Yes [1].")]

    await _ask(_answerer(server.base_url, temperature=None), "And the rice?", history=history)

    (request,) = server.requests_to(CHAT)
    assert request.authorization == f"Bearer {API_KEY}"
    assert [(message["role"], message["content"]) for message in request.messages[1:5]] == [
        ("user", "What is miso?"),
        ("assistant", "A paste."),
        ("user", "Is it salty?"),
        ("assistant", "Yes."),
    ]
    assert request.messages[5]["content"].endswith("Question: And the rice?")
    assert len(request.messages) == 6
    assert "temperature" not in seen[0]  # None leaves it to the server


async def test_a_refused_key_is_invalid_input_without_the_key(server: FakeOpenAi) -> None:
    server.fail_next(1, 401)

    with pytest.raises(InvalidInput, match="OpenAI API key was refused") as raised:
        await _ask(_answerer(server.base_url))
    assert API_KEY not in raised.value.detail
    assert len(server.received) == 1  # 401 is final: no retries


async def test_a_server_error_is_retried_before_the_answer_starts(server: FakeOpenAi) -> None:
    server.fail_next(1, 500)

    pieces, answer = await _ask(_answerer(server.base_url))

    assert [request.status for request in server.requests_to(CHAT)] == [500, 200]
    assert [request.retry_count for request in server.requests_to(CHAT)] == [0, 1]
    assert "".join(pieces) == answer.text == DEFAULT_CHAT_REPLY


async def test_failures_beyond_the_retry_budget_are_unavailable(server: FakeOpenAi) -> None:
    server.fail_next(2, 429)

    with pytest.raises(Unavailable, match="rate-limiting"):
        await _ask(_answerer(server.base_url, max_retries=1))
    assert len(server.requests_to(CHAT)) == 2


async def test_an_error_in_the_middle_of_the_stream_is_unavailable(server: FakeOpenAi) -> None:
    server.chat_reply = "Twelve minutes [1] and then"
    server.chat_stream_error = "The server had an error while processing your request."
    pieces: list[str] = []

    with pytest.raises(Unavailable, match="in the middle of the answer"):
        async for item in _answerer(server.base_url).answer("How long?", PASSAGES):
            assert isinstance(item, str)
            pieces.append(item)
    assert "".join(pieces).startswith("Twelve minutes [1]")
    assert len(server.requests_to(CHAT)) == 1  # part of it was shown: not retried


async def test_a_server_that_is_not_listening_is_unavailable() -> None:
    answerer = _answerer(f"http://127.0.0.1:{free_port()}/v1", max_retries=0, timeout=2)

    began = time.monotonic()
    with pytest.raises(Unavailable, match="could not be reached"):
        await _ask(answerer)
    assert time.monotonic() - began < 5


async def test_the_fake_also_answers_without_streaming(server: FakeOpenAi) -> None:
    server.chat_reply = lambda request: f"You said: {request['messages'][-1]['content']}"
    async with AsyncOpenAI(api_key=API_KEY, base_url=server.base_url) as client:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}]
        )

    assert completion.choices[0].message.content == "You said: hello"
    assert completion.choices[0].finish_reason == "stop"
    (request,) = server.requests_to(CHAT)
    assert request.messages == ({"role": "user", "content": "hello"},)
    assert "stream" not in request.fields


def test_an_api_key_is_required() -> None:
    with pytest.raises(ValueError, match="API key is required"):
        OpenAiAnswerer("")


async def test_a_follow_up_is_rewritten_by_the_model_with_the_conversation(server: FakeOpenAi) -> None:
    server.chat_reply = "How long does brown rice simmer?"
    history = [("How long does rice simmer? [1]", "Twelve minutes [1].")]
    rewritten = await _answerer(server.base_url).standalone("And brown rice?", history)
    assert rewritten == "How long does brown rice simmer?"
    sent = server.requests_to(CHAT)[-1].messages
    assert "And brown rice?" in sent[-1]["content"]
    assert "[1]" not in sent[-1]["content"].split("Last question")[0].split("A: ")[1]  # old markers are dropped


async def test_without_history_the_question_is_not_sent_for_rewriting(server: FakeOpenAi) -> None:
    assert await _answerer(server.base_url).standalone("How long?", []) == "How long?"
    assert server.requests_to(CHAT) == []


async def test_a_summary_maps_over_every_part_then_merges_citing_the_scenes(
    server: FakeOpenAi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answerer_module, "SUMMARY_PART_CHARS", 60)  # each scene is its own part
    server.chat_reply = lambda request: (
        "Rice simmers, then miso goes in last [1][2]." if "Merge" in request["messages"][0]["content"] else "Part [1]."
    )
    items = [item async for item in _answerer(server.base_url).summarise("Summarise", PASSAGES)]
    final = items[-1]
    assert isinstance(final, Answer)
    assert final.text == "Rice simmers, then miso goes in last [1][2]."
    assert final.citations == tuple(_citation(p) for p in PASSAGES)
    prompts = [r.messages[0]["content"] for r in server.requests_to(CHAT)]
    assert len(prompts) == len(PASSAGES) + 1
    assert "Merge" in prompts[-1]
    assert "[2] Miso soup" in server.requests_to(CHAT)[1].messages[-1]["content"]  # numbered across the request


async def test_a_short_summary_is_one_request(server: FakeOpenAi) -> None:
    server.chat_reply = "Rice simmers twelve minutes [1]."
    items = [item async for item in _answerer(server.base_url).summarise("Summarise", PASSAGES)]
    assert items[-1].citations == (_citation(PASSAGES[0]),)
    assert len(server.requests_to(CHAT)) == 1
