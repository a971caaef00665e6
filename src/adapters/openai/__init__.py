"""OpenAI adapters: hosted Whisper transcription and text embeddings through the official `openai` client."""

from __future__ import annotations

from adapters.openai.embedder import OpenAiEmbedder
from adapters.openai.transcriber import OpenAiTranscriber

__all__ = ("OpenAiEmbedder", "OpenAiTranscriber")
