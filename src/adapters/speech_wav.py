"""What every transcriber adapter shares: opening the 16 kHz mono 16-bit WAV the port promises, and progress
reports that only move forward."""

from __future__ import annotations

import wave
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SAMPLE_RATE = 16_000
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM


def open_speech_wav(audio: Path) -> wave.Wave_read:
    """Open the WAV the port promises (16 kHz mono 16-bit), or say plainly what is wrong with it."""
    try:
        reader = wave.open(str(audio), "rb")  # noqa: SIM115 - the caller closes it with a with-block
    except (wave.Error, EOFError) as error:
        raise ValueError(
            f"{audio} is not a WAV file ({error}); extract its audio with an AudioExtractor first"
        ) from error
    if (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) != (SAMPLE_RATE, 1, SAMPLE_WIDTH):
        reader.close()
        raise ValueError(f"{audio} is not 16 kHz mono 16-bit WAV; extract its audio with an AudioExtractor first")
    return reader


def rising_progress(report: Callable[[float], None] | None) -> Callable[[float], None]:
    """Wrap a progress sink (or none) so it hears each fraction once, clipped to 0..1 and never going back."""
    reached = -1.0

    def forward(fraction: float) -> None:
        nonlocal reached
        fraction = min(max(fraction, 0.0), 1.0)
        if fraction > reached and report is not None:
            reached = fraction
            report(fraction)

    return forward
