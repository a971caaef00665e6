"""Ask: retrieve the scenes that match, let the answerer write a cited answer, keep it in the history."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.groups.manage_groups import owned_group
from application.groups.sharing import shared_group
from domain.errors import Conflict, NotFound
from domain.followups import asks_for_summary
from domain.questions import Answer, ChatEntry, Passage, Scope, ScopeKind, clean_question
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.media import Embedder
    from application.ports.persistence import UnitOfWork
    from application.ports.questions import AnswererChooser, SceneSearch
    from application.ports.security import SecretBox
    from application.ports.system import Clock

PASSAGES = 6
HISTORY_TURNS = 3
SUMMARY_VIDEOS = 10
"""A summary of a whole library covers its ten newest videos."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AskCommand:
    """A question about a scope."""

    question: str
    scope: Scope
    # Earlier (question, answer) turns of the conversation, oldest first. None: the stored chat of this scope.
    history: Sequence[tuple[str, str]] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Asking:
    """Everything one answer needs, once access has been decided."""

    question: str
    scope: Scope
    owner_id: UUID
    video_ids: Sequence[UUID] | None
    user_id: UUID | None
    shared: bool
    api_key: str | None
    history: Sequence[tuple[str, str]]


class _Answering:
    """The part every way of asking shares: embed, search, answer, keep."""

    def __init__(
        self, uow: UnitOfWork, search: SceneSearch, embedder: Embedder, answerers: AnswererChooser, clock: Clock
    ) -> None:
        self._uow, self._search, self._embedder, self._answerers, self._clock = uow, search, embedder, answerers, clock

    async def run(self, asking: _Asking) -> AsyncIterator[str | ChatEntry]:
        answerer = self._answerers.for_asker(asking.api_key)
        if asks_for_summary(asking.question):
            pieces = answerer.summarise(asking.question, await self._whole_videos(asking))
        else:
            # A follow-up ("and for children?") is searched as the question it continues.
            searched = await answerer.standalone(asking.question, asking.history) if asking.history else asking.question
            vector = await asyncio.to_thread(self._embedder.embed_query, searched)
            passages = await self._search.search(
                owner_id=asking.owner_id, video_ids=asking.video_ids, text=searched, vector=vector, limit=PASSAGES
            )
            pieces = answerer.answer(asking.question, passages, history=asking.history)
        answer: Answer | None = None
        async for piece in pieces:
            if isinstance(piece, Answer):
                answer = piece
            else:
                yield piece
        assert answer is not None, "an answerer must end with its Answer"
        entry = ChatEntry.record(
            user_id=asking.user_id,
            scope=asking.scope,
            question=asking.question,
            answer=answer,
            shared=asking.shared,
            now=self._clock.now(),
        )
        async with self._uow as uow:
            await uow.chats.add(entry)
            await uow.commit()
        yield entry

    async def _whole_videos(self, asking: _Asking) -> list[Passage]:
        """Every scene of the videos in scope, video after video (the first `SUMMARY_VIDEOS` of a library)."""
        async with self._uow as uow:
            if asking.video_ids is None:
                page = await uow.videos.list_for_owner(
                    asking.owner_id, status=VideoStatus.COMPLETED, search=None, limit=SUMMARY_VIDEOS, offset=0
                )
                videos = list(page.items)
            else:
                found = [await uow.videos.get(video_id) for video_id in asking.video_ids[:SUMMARY_VIDEOS]]
                videos = [v for v in found if v is not None and v.status is VideoStatus.COMPLETED]
            return [
                Passage(
                    video_id=video.id,
                    title=video.title,
                    scene_index=scene.index,
                    start=scene.start,
                    end=scene.end,
                    text=scene.text,
                    sentences=tuple((s.start, s.end, s.text) for s in scene.sentences),
                    score=0.0,
                )
                for video in videos
                for scene in await uow.scenes.for_video(video.id)
            ]


async def _collect(stream: AsyncIterator[str | ChatEntry]) -> ChatEntry:
    entry = None
    async for piece in stream:
        if isinstance(piece, ChatEntry):
            entry = piece
    assert entry is not None
    return entry


class AskQuestion:
    """An account holder asks about one of their videos, a group of theirs, or all their videos."""

    def __init__(
        self,
        uow: UnitOfWork,
        search: SceneSearch,
        embedder: Embedder,
        answerers: AnswererChooser,
        box: SecretBox,
        clock: Clock,
    ) -> None:
        self._uow, self._box = uow, box
        self._answering = _Answering(uow, search, embedder, answerers, clock)

    async def __call__(self, caller: Caller, command: AskCommand) -> ChatEntry:
        """The stored entry with the answer and its citations."""
        return await _collect(self.stream(caller, command))

    async def stream(self, caller: Caller, command: AskCommand) -> AsyncIterator[str | ChatEntry]:
        """Yield the answer's text as it is written, then the stored entry."""
        question = clean_question(command.question)
        async with self._uow as uow:
            video_ids = await self._videos_in_scope(uow, caller, command.scope)
            user = await uow.users.get(caller.user.id)
            earlier = await uow.chats.list_for(caller.user.id, command.scope, limit=HISTORY_TURNS, offset=0)
        key = self._box.decrypt(user.openai_key_ciphertext) if user and user.openai_key_ciphertext else None
        asking = _Asking(
            question=question,
            scope=command.scope,
            owner_id=caller.user.id,
            video_ids=video_ids,
            user_id=caller.user.id,
            shared=False,
            api_key=key,
            history=(
                [(e.question, e.answer) for e in reversed(earlier.items) if e.user_id == caller.user.id]
                if command.history is None
                else list(command.history)[-HISTORY_TURNS:]
            ),
        )
        async for piece in self._answering.run(asking):
            yield piece

    @staticmethod
    async def _videos_in_scope(uow: UnitOfWork, caller: Caller, scope: Scope) -> list[UUID] | None:
        """The videos to search (None: all of the caller's)."""
        if scope.kind is ScopeKind.GROUP and scope.group_id is not None:
            return list((await owned_group(uow, caller, scope.group_id)).video_ids)
        if scope.kind is ScopeKind.VIDEO and scope.video_id is not None:
            video = await uow.videos.get(scope.video_id)
            if video is None or video.owner_id != caller.user.id:
                raise NotFound("There is no video with that id.")
            if video.status is not VideoStatus.COMPLETED:
                raise Conflict(f"This video is not ready for questions yet (it is {video.status.value}).")
            return [video.id]
        return None


class AskSharedGroup:
    """A guest with a share link asks about the group; the entry is marked as asked through the link."""

    def __init__(
        self, uow: UnitOfWork, search: SceneSearch, embedder: Embedder, answerers: AnswererChooser, clock: Clock
    ) -> None:
        self._uow, self._clock = uow, clock
        self._answering = _Answering(uow, search, embedder, answerers, clock)

    async def __call__(self, token: str, question: str) -> ChatEntry:
        """The stored entry."""
        return await _collect(self.stream(token, question))

    async def stream(self, token: str, question: str) -> AsyncIterator[str | ChatEntry]:
        """Yield the answer's text, then the stored entry. The server's answerer is used (never the owner's key)."""
        question = clean_question(question)
        async with self._uow as uow:
            group = await shared_group(uow, token, self._clock)
        asking = _Asking(
            question=question,
            scope=Scope.group(group.id),
            owner_id=group.owner_id,
            video_ids=list(group.video_ids),
            user_id=None,
            shared=True,
            api_key=None,
            history=(),
        )
        async for piece in self._answering.run(asking):
            yield piece
