"""Time the offline transcriber on one file: audio extraction, model load, transcription, real-time factor, peak RSS.

Usage: python bench/bench_transcribe.py [MEDIA] [--cache-dir DIR] [--threads N] [--language CODE]
(with the project installed, or PYTHONPATH=src). MEDIA defaults to the spoken test fixture.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from adapters.local_models.whisper import FasterWhisperTranscriber, available_cores
from adapters.media import PyAvAudioExtractor, PyAvMediaProbe

DEFAULT_MEDIA = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "media" / "talk.mp4"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "askvideo-bench-models"


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", nargs="?", type=Path, default=DEFAULT_MEDIA, help="video or audio file to transcribe")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="where the joined model is kept")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads for the model (default: all cores)")
    parser.add_argument("--language", default=None, help="skip language detection, e.g. 'en'")
    return parser.parse_args()


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports kibibytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run each stage once and print its cost."""
    args = parse_args()
    # Proof of offline operation: with this set, any attempt to reach the Hugging Face Hub fails loudly.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    info = PyAvMediaProbe().probe(args.media)
    transcriber = FasterWhisperTranscriber(args.cache_dir, cpu_threads=args.threads)
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        audio = PyAvAudioExtractor().extract(args.media, Path(scratch) / "audio.wav")
        extracted = time.perf_counter()
        transcriber.model()
        loaded = time.perf_counter()
        transcript = transcriber.transcribe(audio, language=args.language)
        finished = time.perf_counter()

    seconds = transcript.duration
    wall = finished - loaded
    print(f"file             {args.media} ({info.container}, {info.duration:.1f} s)")
    print(f"model            {transcriber.name}, {args.threads or available_cores()} threads, int8")
    print(f"extract audio    {extracted - started:.2f} s")
    print(f"load model       {loaded - extracted:.2f} s")
    print(f"audio seconds    {seconds:.1f} s")
    print(f"transcribe wall  {wall:.2f} s")
    print(f"real-time factor {wall / seconds:.3f}" if seconds else "real-time factor n/a (no audio)")
    print(f"peak RSS         {peak_rss_mib():.0f} MiB")
    print(f"language         {transcript.language}, {len(transcript.segments)} segments")


if __name__ == "__main__":
    main()
