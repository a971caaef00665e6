"""Media adapters: probe uploads and extract speech-ready audio with PyAV."""

from __future__ import annotations

from adapters.media.pyav import PyAvAudioExtractor, PyAvMediaProbe

__all__ = ["PyAvAudioExtractor", "PyAvMediaProbe"]
