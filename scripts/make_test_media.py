"""Regenerate the media fixtures in tests/fixtures/media from known English sentences.

Each sentence is spoken on its own by espeak-ng, trimmed to its audible samples and placed at a known offset
between known silences, so every sentence's start and end second is exact. PyAV (with its bundled ffmpeg)
encodes and muxes the results. Needs the Debian package `espeak-ng` and the Python package `av`.

Usage: python scripts/make_test_media.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

OUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "media"
SAMPLE_RATE = 22050  # espeak-ng's native rate, so no resampling happens before encoding
VOICE = "en-us"
WORDS_PER_MINUTE = 150  # a little slower than espeak-ng's default, which makes the robot voice easier to transcribe
LEAD_IN = 1.0
GAP = 1.5
TAIL = 1.0
# Anything quieter than this (out of 32767) counts as silence when trimming what espeak-ng renders.
SILENCE_THRESHOLD = 300
VIDEO_SIZE = (160, 120)
VIDEO_FPS = 5

SENTENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("The capital of Australia is Canberra.", ("australia", "canberra")),
    ("Our meeting moved to Thursday at nine.", ("meeting", "thursday")),
    ("Please bring the blue umbrella to the station.", ("umbrella", "station")),
    ("The recipe needs three eggs and a cup of flour.", ("recipe", "eggs", "flour")),
    ("Jupiter is the largest planet in our solar system.", ("jupiter", "planet")),
    ("The last train to London leaves at midnight.", ("train", "london")),
)


@dataclass(frozen=True, slots=True)
class PlacedSentence:
    """One sentence's text, key words and exact place in the rendered track."""

    text: str
    keywords: tuple[str, ...]
    start_sample: int
    end_sample: int


def speak(text: str, workdir: Path) -> np.ndarray:
    """Render one sentence with espeak-ng and return its audible samples as int16, silence trimmed off."""
    wav_path = workdir / "sentence.wav"
    subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [_espeak(), "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-w", str(wav_path), text],
        check=True,
        capture_output=True,
    )
    with wave.open(str(wav_path), "rb") as reader:
        if reader.getframerate() != SAMPLE_RATE or reader.getnchannels() != 1 or reader.getsampwidth() != 2:
            raise RuntimeError(f"espeak-ng wrote an unexpected WAV format for {text!r}")
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    if loud.size == 0:
        raise RuntimeError(f"espeak-ng rendered only silence for {text!r}")
    return samples[loud[0] : loud[-1] + 1].copy()


def _espeak() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        raise SystemExit("espeak-ng is not installed: apt-get install -y espeak-ng")
    return path


def render_track(sentences: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[np.ndarray, list[PlacedSentence]]:
    """Speak every sentence and lay them out between fixed silences; return the track and where each sentence sits."""
    pieces: list[np.ndarray] = [np.zeros(round(LEAD_IN * SAMPLE_RATE), dtype=np.int16)]
    placed: list[PlacedSentence] = []
    cursor = pieces[0].size
    gap = np.zeros(round(GAP * SAMPLE_RATE), dtype=np.int16)
    with tempfile.TemporaryDirectory() as tmp:
        for index, (text, keywords) in enumerate(sentences):
            if index:
                pieces.append(gap)
                cursor += gap.size
            speech = speak(text, Path(tmp))
            placed.append(PlacedSentence(text, keywords, cursor, cursor + speech.size))
            pieces.append(speech)
            cursor += speech.size
    pieces.append(np.zeros(round(TAIL * SAMPLE_RATE), dtype=np.int16))
    return np.concatenate(pieces), placed


def video_frame(index: int, total: int) -> np.ndarray:
    """A simple moving progress bar, so the video track has some real content to encode."""
    width, height = VIDEO_SIZE
    frame = np.full((height, width, 3), 40, dtype=np.uint8)
    filled = round(width * index / max(total - 1, 1))
    frame[height // 2 - 8 : height // 2 + 8, :filled] = (230, 180, 40)
    return frame


def write_mp4(path: Path, samples: np.ndarray | None, seconds: float) -> None:
    """Mux a small H.264 video track and, when samples are given, an AAC audio track into an MP4 file."""
    with av.open(str(path), mode="w", format="mp4") as container:
        video = container.add_stream("libx264", rate=VIDEO_FPS)
        video.width, video.height = VIDEO_SIZE
        video.pix_fmt = "yuv420p"
        video.options = {"crf": "32", "preset": "veryslow", "tune": "stillimage"}
        audio = None
        if samples is not None:
            audio = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
            audio.bit_rate = 40_000
        frame_count = round(seconds * VIDEO_FPS)
        for index in range(frame_count):
            frame = av.VideoFrame.from_ndarray(video_frame(index, frame_count), format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, VIDEO_FPS)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if audio is not None and samples is not None:
            _encode_audio(container, audio, samples)


def _encode_audio(container: av.container.OutputContainer, stream: av.audio.AudioStream, samples: np.ndarray) -> None:
    # 1024-sample chunks match AAC's frame size, so the encoder never has to buffer odd remainders.
    for offset in range(0, samples.size, 1024):
        chunk = samples[offset : offset + 1024]
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = offset
        frame.time_base = Fraction(1, SAMPLE_RATE)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def write_wav(path: Path, samples: np.ndarray) -> None:
    """Write mono 16-bit PCM at the render rate."""
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(samples.astype("<i2").tobytes())


def describe(placed: list[PlacedSentence], total_samples: int) -> dict[str, object]:
    """The ground truth a test compares a transcript against."""
    return {
        "file": "talk.mp4",
        "sample_rate": SAMPLE_RATE,
        "duration": round(total_samples / SAMPLE_RATE, 3),
        "voice": f"espeak-ng {VOICE} at {WORDS_PER_MINUTE} words per minute",
        "sentences": [
            {
                "start": round(sentence.start_sample / SAMPLE_RATE, 3),
                "end": round(sentence.end_sample / SAMPLE_RATE, 3),
                "text": sentence.text,
                "keywords": list(sentence.keywords),
            }
            for sentence in placed
        ],
    }


def main() -> None:
    """Write every fixture into the output folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write the fixtures into")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    track, placed = render_track(SENTENCES)
    seconds = track.size / SAMPLE_RATE
    write_mp4(out / "talk.mp4", track, seconds)
    (out / "talk.json").write_text(json.dumps(describe(placed, track.size), indent=2) + "\n", encoding="utf-8")

    write_mp4(out / "no_audio.mp4", None, 4.0)

    # A plain MP4 keeps its index (the moov box) at the end, so the first half is what an interrupted upload leaves.
    talk = (out / "talk.mp4").read_bytes()
    (out / "truncated.mp4").write_bytes(talk[: len(talk) // 2])

    (out / "not_media.mp4").write_text(
        "These are meeting notes saved as text and renamed to .mp4; they are not a video.\n", encoding="utf-8"
    )
    (out / "empty.mp4").write_bytes(b"")

    first = placed[0]
    lead = round(0.5 * SAMPLE_RATE)
    write_wav(out / "speech.wav", track[first.start_sample - lead : first.end_sample + lead])

    for path in sorted(out.iterdir()):
        print(f"{path.name:16} {path.stat().st_size:>8} bytes")


if __name__ == "__main__":
    main()
