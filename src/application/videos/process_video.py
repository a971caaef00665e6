"""Process a video on a worker: extract the audio, transcribe, cut into scenes, embed, index — idempotently."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from application.ports.persistence import EmbeddedScene
from domain.errors import DomainError, InvalidInput, Unavailable
from domain.retrieval import contextual
from domain.scenes import SceneRules, cut_scenes, split_sentences
from domain.videos import Stage

if TYPE_CHECKING:
    from uuid import UUID

    from application.ports.media import AudioExtractor, Embedder, TranscriberChooser
    from application.ports.persistence import UnitOfWork
    from application.ports.security import SecretBox
    from application.ports.storage import BlobStorage
    from application.ports.system import Clock
    from domain.scenes import Scene
    from domain.transcript import Transcript
    from domain.videos import Video

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingRules:
    """How long a job may go without a heartbeat before another worker takes over, and how scenes are cut."""

    lease: timedelta = timedelta(minutes=5)
    heartbeat_every: float = 2.0
    scenes: SceneRules = field(default_factory=SceneRules)


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine of two unit vectors (their dot product)."""
    return sum(x * y for x, y in zip(a, b, strict=True))


def index_transcript(
    transcript: Transcript, title: str, embedder: Embedder, rules: SceneRules, progress: _Progress | None = None
) -> list[EmbeddedScene]:
    """Sentences → embeddings (each with the video's title before it) → scenes cut where the topic shifts.

    One embedding pass: the sentence vectors both cut the scenes and are the index. CPU-bound: call it in a thread.
    """
    sentences = split_sentences(transcript.segments)
    vectors = embedder.embed_passages([contextual(title, s.text) for s in sentences]) if sentences else []
    if progress:
        progress.set(Stage.INDEXING, 0.9)
    similarity = [cosine(vectors[i], vectors[i + 1]) for i in range(len(vectors) - 1)]
    scenes: list[Scene] = cut_scenes(sentences, similarity, rules)
    indexed, first = [], 0
    for scene in scenes:
        indexed.append(EmbeddedScene(scene=scene, sentence_vectors=vectors[first : first + len(scene.sentences)]))
        first += len(scene.sentences)
    if progress:
        progress.set(Stage.INDEXING, 1.0)
    return indexed


class _Progress:
    """The latest stage and fraction, written from the worker thread and saved by a heartbeat task."""

    def __init__(self) -> None:
        self.stage = Stage.EXTRACTING_AUDIO
        self.fraction = 0.0

    def set(self, stage: Stage, fraction: float) -> None:
        self.stage, self.fraction = stage, fraction


class ProcessVideoJob:
    """Run one video through the pipeline. Safe to run twice: a second run finds the video claimed or done."""

    def __init__(
        self,
        uow: UnitOfWork,
        storage: BlobStorage,
        extractor: AudioExtractor,
        transcribers: TranscriberChooser,
        embedder: Embedder,
        box: SecretBox,
        clock: Clock,
        rules: ProcessingRules,
    ) -> None:
        self._uow, self._storage, self._extractor = uow, storage, extractor
        self._transcribers, self._embedder, self._box = transcribers, embedder, box
        self._clock, self._rules = clock, rules

    async def __call__(self, video_id: UUID) -> Video | None:
        """Process the video; None when there is nothing to do (deleted, done, or another worker holds it)."""
        async with self._uow as uow:
            video = await uow.videos.claim(video_id, now=self._clock.now(), lease=self._rules.lease)
            owner = await uow.users.get(video.owner_id) if video else None
            await uow.commit()
        if video is None:
            return None
        progress = _Progress()
        heartbeat = asyncio.create_task(self._beat(video.id, progress))
        try:
            transcript, scenes = await self._run(video, owner.openai_key_ciphertext if owner else None, progress)
        except Unavailable:
            raise  # a dependency is down: let the queue retry later
        except DomainError as error:
            return await self._fail(video, error.detail)
        except FileNotFoundError:
            return await self._fail(
                video, "The uploaded file is missing from storage. Delete this video and upload it again."
            )
        except Exception as error:
            log.exception("processing failed", extra={"video_id": str(video.id)})
            return await self._fail(video, f"Processing failed unexpectedly ({type(error).__name__}). Try again.")
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        return await self._finish(video, transcript, scenes)

    async def _run(
        self, video: Video, key_ciphertext: bytes | None, progress: _Progress
    ) -> tuple[Transcript, list[EmbeddedScene]]:
        try:
            api_key = self._box.decrypt(key_ciphertext) if key_ciphertext else None
        except ValueError:
            raise InvalidInput(
                "Your saved OpenAI API key can no longer be read. Set it again in your settings."
            ) from None
        transcriber = self._transcribers.for_owner(api_key)
        with tempfile.TemporaryDirectory(prefix="askvideo-") as work:
            async with self._storage.local_copy(video.storage_key) as source:
                audio = await asyncio.to_thread(self._extractor.extract, source, Path(work) / "audio.wav")
            progress.set(Stage.TRANSCRIBING, 0.0)
            transcript = await asyncio.to_thread(
                transcriber.transcribe, audio, on_progress=lambda f: progress.set(Stage.TRANSCRIBING, f)
            )
        progress.set(Stage.INDEXING, 0.0)
        scenes = await asyncio.to_thread(self._index, video, transcript, progress)
        return transcript, scenes

    def _index(self, video: Video, transcript: Transcript, progress: _Progress) -> list[EmbeddedScene]:
        return index_transcript(transcript, video.title, self._embedder, self._rules.scenes, progress)

    async def _beat(self, video_id: UUID, progress: _Progress) -> None:
        """Save progress regularly; each save is also the heartbeat that keeps the job's claim."""
        while True:
            await asyncio.sleep(self._rules.heartbeat_every)
            with contextlib.suppress(Exception):  # a missed heartbeat is retried at the next beat
                async with self._uow as uow:
                    video = await uow.videos.get(video_id)
                    if video is not None:
                        await uow.videos.update(video.report(progress.stage, progress.fraction, now=self._clock.now()))
                        await uow.commit()

    async def _finish(self, video: Video, transcript: Transcript, scenes: list[EmbeddedScene]) -> Video | None:
        async with self._uow as uow:
            current = await uow.videos.get(video.id)
            if current is None:
                return None  # deleted while it was processed: nothing to keep
            done = current.complete(language=transcript.language, duration=transcript.duration)
            await uow.transcripts.save(video.id, transcript)
            await uow.scenes.replace_for_video(video.id, video.owner_id, scenes, embedder=self._embedder.name)
            await uow.videos.update(done)
            await uow.commit()
        return done

    async def _fail(self, video: Video, message: str) -> Video | None:
        async with self._uow as uow:
            current = await uow.videos.get(video.id)
            if current is None:
                return None
            failed = current.fail(message)
            await uow.videos.update(failed)
            await uow.commit()
        return failed
