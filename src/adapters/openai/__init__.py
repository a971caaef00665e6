"""OpenAI adapters: hosted Whisper transcription, text embeddings and grounded chat answers through the official
`openai` client."""

from __future__ import annotations

from adapters.openai.answerer import OpenAiAnswerer
from adapters.openai.embedder import OpenAiEmbedder
from adapters.openai.transcriber import OpenAiTranscriber

__all__ = ("OpenAiAnswerer", "OpenAiEmbedder", "OpenAiTranscriber")
