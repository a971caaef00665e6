"""The OpenAI adapters drive the real `openai` client over HTTP against a fake OpenAI server."""

from __future__ import annotations

import math
import time
import wave
from typing import TYPE_CHECKING

import numpy as np
import pytest

from adapters.openai import OpenAiEmbedder, OpenAiTranscriber
from adapters.openai.transcriber import language_code
from domain.errors import InvalidInput, Unavailable
from tests.fakes.openai_server import EMBEDDINGS, TRANSCRIPTIONS, FakeOpenAi, fake_vector
from tests.integration.conftest import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from application.ports.media import Embedder, Transcriber

pytestmark = pytest.mark.integration

API_KEY = "sk-test-0123456789abcdef"
RATE = 16_000
PERIOD = 4.0  # seconds: 3 s of sound, then 1 s of near silence
SOUND = 3.0
SPLIT_LIMIT = 300 * 1024  # ~9.6 s of 16 kHz audio per piece


@pytest.fixture
def server() -> Iterator[FakeOpenAi]:
    fake = FakeOpenAi()
    with fake:
        yield fake


def _write_wav(path: Path, seconds: float) -> Path:
    """A tone with noise for 3 s of every 4, and faint noise in the 1 s gaps between (pauses between sentences)."""
    rng = np.random.default_rng(7)
    times = np.arange(round(seconds * RATE)) / RATE
    loud = (times % PERIOD) < SOUND
    signal = np.where(loud, 0.4 * np.sin(2 * np.pi * 220 * times) + 0.1 * rng.standard_normal(times.size), 0.0)
    signal += 0.001 * rng.standard_normal(times.size)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _transcriber(base_url: str, **options: object) -> OpenAiTranscriber:
    return OpenAiTranscriber(API_KEY, base_url=base_url, **options)  # type: ignore[arg-type]


def test_long_audio_is_split_at_pauses_and_merged_on_one_clock(server: FakeOpenAi, tmp_path: Path) -> None:
    audio = _write_wav(tmp_path / "long.wav", 40.0)
    progress: list[float] = []
    transcriber: Transcriber = _transcriber(server.base_url, max_upload_bytes=SPLIT_LIMIT)

    transcript = transcriber.transcribe(audio, on_progress=progress.append)

    pieces = server.requests_to(TRANSCRIPTIONS)
    assert len(pieces) >= 4
    assert all(piece.status == 200 for piece in pieces)
    assert all(piece.upload_bytes is not None and piece.upload_bytes <= SPLIT_LIMIT for piece in pieces)
    lengths = [piece.audio_seconds or 0.0 for piece in pieces]
    assert sum(lengths) == pytest.approx(40.0)
    offsets = [sum(lengths[:index]) for index in range(len(lengths))]
    for cut in offsets[1:]:
        # The middle of a 0.5 s window inside a 1 s gap: at least 0.25 s away from any sound.
        assert SOUND + 0.2 < cut % PERIOD < PERIOD - 0.2, f"cut at {cut:.3f} s is not in a pause"

    starts_of_pieces = [segment.start for segment in transcript.segments if segment.text == "second 0"]
    assert starts_of_pieces == pytest.approx(offsets)
    starts = [segment.start for segment in transcript.segments]
    assert starts == sorted(starts)
    assert transcript.segments[-1].end == pytest.approx(40.0)
    assert len(transcript.segments) == sum(math.ceil(length) for length in lengths)
    for segment in transcript.segments:
        assert segment.start < segment.end
        second = segment.text.removeprefix("second ")
        assert [word.text for word in segment.words] == ["second", second]
        assert segment.words[0].start == pytest.approx(segment.start)
        assert segment.words[-1].end == pytest.approx(segment.end)

    assert transcript.language == "en"
    assert transcript.duration == pytest.approx(40.0)
    assert transcriber.name == "openai-whisper-1"
    assert progress[0] == 0.0
    assert progress[-1] == 1.0
    assert progress == sorted(progress)
    assert len(progress) >= len(pieces) + 1

    first, *rest = pieces
    assert first.fields["model"] == ["whisper-1"]
    assert first.fields["response_format"] == ["verbose_json"]
    assert sorted(first.fields["timestamp_granularities[]"]) == ["segment", "word"]
    assert "language" not in first.fields
    # The language detected on the first piece with speech is imposed on the rest.
    assert all(piece.fields.get("language") == ["en"] for piece in rest)
    assert all(piece.authorization == f"Bearer {API_KEY}" for piece in pieces)


def test_short_audio_goes_in_one_request_with_the_given_language(server: FakeOpenAi, tmp_path: Path) -> None:
    audio = _write_wav(tmp_path / "short.wav", 5.5)
    server.language = "german"

    transcript = _transcriber(server.base_url).transcribe(audio, language="de")

    (request,) = server.requests_to(TRANSCRIPTIONS)
    assert request.fields["language"] == ["de"]
    assert request.audio_seconds == pytest.approx(5.5)
    assert transcript.language == "de"
    assert [segment.text for segment in transcript.segments] == [f"second {n}" for n in range(6)]
    assert transcript.segments[-1].end == pytest.approx(5.5)


@pytest.mark.parametrize("status", [429, 500])
def test_a_transient_failure_is_retried_transparently(server: FakeOpenAi, tmp_path: Path, status: int) -> None:
    audio = _write_wav(tmp_path / "short.wav", 3.0)
    server.fail_next(1, status)

    transcript = _transcriber(server.base_url).transcribe(audio)

    assert [request.status for request in server.requests_to(TRANSCRIPTIONS)] == [status, 200]
    assert [request.retry_count for request in server.requests_to(TRANSCRIPTIONS)] == [0, 1]
    assert len(transcript.segments) == 3


def test_failures_beyond_the_retry_budget_are_unavailable(server: FakeOpenAi, tmp_path: Path) -> None:
    audio = _write_wav(tmp_path / "short.wav", 3.0)
    server.fail_next(3, 503)

    with pytest.raises(Unavailable, match="kept failing"):
        _transcriber(server.base_url, max_retries=2).transcribe(audio)
    assert len(server.requests_to(TRANSCRIPTIONS)) == 3


def test_a_refused_key_is_invalid_input_without_the_key(server: FakeOpenAi, tmp_path: Path) -> None:
    audio = _write_wav(tmp_path / "short.wav", 3.0)
    server.fail_next(1, 401)

    with pytest.raises(InvalidInput, match="OpenAI API key was refused") as raised:
        _transcriber(server.base_url).transcribe(audio)
    assert API_KEY not in raised.value.detail
    assert len(server.received) == 1  # 401 is final: no retries


def test_an_exhausted_account_is_invalid_input_not_a_retry_later(server: FakeOpenAi, tmp_path: Path) -> None:
    audio = _write_wav(tmp_path / "short.wav", 3.0)
    server.fail_next(2, 429, code="insufficient_quota")

    with pytest.raises(InvalidInput, match="no credit left"):
        _transcriber(server.base_url, max_retries=1).transcribe(audio)


def test_a_server_that_is_not_listening_is_unavailable(tmp_path: Path) -> None:
    audio = _write_wav(tmp_path / "short.wav", 3.0)
    transcriber = _transcriber(f"http://127.0.0.1:{free_port()}/v1", max_retries=0, timeout=2)

    began = time.monotonic()
    with pytest.raises(Unavailable, match="could not be reached"):
        transcriber.transcribe(audio)
    assert time.monotonic() - began < 5


def test_a_file_that_is_not_16_khz_mono_wav_is_refused_before_any_request(server: FakeOpenAi, tmp_path: Path) -> None:
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(44_100)
        writer.writeframes(b"\0" * 4 * 44_100)

    with pytest.raises(ValueError, match="16 kHz mono"):
        _transcriber(server.base_url).transcribe(stereo)
    assert server.received == []


def test_language_names_become_codes() -> None:
    assert language_code("english") == "en"
    assert language_code(" Japanese ") == "ja"
    assert language_code("en") == "en"
    assert language_code("klingon") == "klingon"


def _embedder(base_url: str, **options: object) -> OpenAiEmbedder:
    return OpenAiEmbedder(API_KEY, base_url=base_url, **options)  # type: ignore[arg-type]


def _unit(vector: np.ndarray) -> list[float]:
    return (vector / np.linalg.norm(vector)).tolist()


def test_embeddings_have_the_requested_dimensions_and_unit_length(server: FakeOpenAi) -> None:
    embedder: Embedder = _embedder(server.base_url)

    query = embedder.embed_query("How old is the universe?")
    passages = embedder.embed_passages(["The cosmos is 13.8 billion years old.", ""])

    assert embedder.dimension == 384
    assert embedder.name == "openai-text-embedding-3-small-384"
    for vector in [query, *passages]:
        assert len(vector) == 384
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-9)
    # The fake's raw vectors are far from unit length, so this proves the client normalises them.
    assert query == pytest.approx(_unit(fake_vector("How old is the universe?", 384)), abs=1e-6)
    assert {request.dimensions for request in server.requests_to(EMBEDDINGS)} == {384}
    assert server.requests_to(EMBEDDINGS)[0].fields["model"] == ["text-embedding-3-small"]
    # The API refuses empty strings; the adapter sends a space instead.
    assert server.requests_to(EMBEDDINGS)[1].texts == ("The cosmos is 13.8 billion years old.", " ")


def test_other_dimensions_are_passed_to_the_api(server: FakeOpenAi) -> None:
    embedder = _embedder(server.base_url, model="text-embedding-3-large", dimensions=64)

    vector = embedder.embed_query("hello")

    assert embedder.name == "openai-text-embedding-3-large-64"
    assert len(vector) == 64
    assert vector == pytest.approx(_unit(fake_vector("hello", 64, "text-embedding-3-large")), abs=1e-6)


def test_batches_keep_the_input_order(server: FakeOpenAi) -> None:
    texts = [f"passage number {n}" for n in range(5)]

    vectors = _embedder(server.base_url, batch_size=2).embed_passages(texts)

    requests = server.requests_to(EMBEDDINGS)
    assert [request.texts for request in requests] == [tuple(texts[0:2]), tuple(texts[2:4]), tuple(texts[4:])]
    for text, vector in zip(texts, vectors, strict=True):
        assert vector == pytest.approx(_unit(fake_vector(text, 384)), abs=1e-6)


def test_no_text_means_no_request(server: FakeOpenAi) -> None:
    assert _embedder(server.base_url).embed_passages([]) == []
    assert server.received == []


def test_the_key_goes_in_the_authorization_header(server: FakeOpenAi) -> None:
    _embedder(server.base_url).embed_query("hello")

    (request,) = server.received
    assert request.authorization == f"Bearer {API_KEY}"


def test_embedding_errors_map_to_domain_errors(server: FakeOpenAi) -> None:
    embedder = _embedder(server.base_url, max_retries=1)

    server.fail_next(1, 401)
    with pytest.raises(InvalidInput, match="OpenAI API key was refused"):
        embedder.embed_query("hello")

    server.fail_next(2, 429)
    with pytest.raises(Unavailable, match="rate-limiting"):
        embedder.embed_query("hello")

    server.fail_next(1, 429)
    assert len(embedder.embed_query("hello")) == 384  # one 429, then served by the retry
