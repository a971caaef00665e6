"""Ask: retrieve the scenes that match, let the answerer write a cited answer, keep it in the history."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.errors import Conflict, InvalidInput, NotFound
from domain.questions import Answer, ChatEntry, Scope, ScopeKind, clean_question
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.ports.media import Embedder
    from application.ports.persistence import UnitOfWork
    from application.ports.questions import AnswererChooser, SceneSearch
    from application.ports.security import SecretBox
    from application.ports.system import Clock

PASSAGES = 6
HISTORY_TURNS = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class AskCommand:
    """A question about a scope."""

    question: str
    scope: Scope


class AskQuestion:
    """Answer from the asker's own completed videos only, citing the seconds."""

    def __init__(
        self,
        uow: UnitOfWork,
        search: SceneSearch,
        embedder: Embedder,
        answerers: AnswererChooser,
        box: SecretBox,
        clock: Clock,
    ) -> None:
        self._uow, self._search, self._embedder = uow, search, embedder
        self._answerers, self._box, self._clock = answerers, box, clock

    async def __call__(self, caller: Caller, command: AskCommand) -> ChatEntry:
        """The stored entry with the answer and its citations."""
        entry = None
        async for piece in self.stream(caller, command):
            if isinstance(piece, ChatEntry):
                entry = piece
        assert entry is not None
        return entry

    async def stream(self, caller: Caller, command: AskCommand) -> AsyncIterator[str | ChatEntry]:
        """Yield the answer's text as it is written, then the stored entry."""
        question = clean_question(command.question)
        async with self._uow as uow:
            video_ids = await self._videos_in_scope(uow, caller, command.scope)
            user = await uow.users.get(caller.user.id)
            earlier = await uow.chats.list_for(caller.user.id, command.scope, limit=HISTORY_TURNS, offset=0)
        vector = await asyncio.to_thread(self._embedder.embed_query, question)
        passages = await self._search.search(
            owner_id=caller.user.id, video_ids=video_ids, text=question, vector=vector, limit=PASSAGES
        )
        key = self._box.decrypt(user.openai_key_ciphertext) if user and user.openai_key_ciphertext else None
        answerer = self._answerers.for_asker(key)
        history = [(e.question, e.answer) for e in reversed(earlier.items)]
        answer: Answer | None = None
        async for piece in answerer.answer(question, passages, history=history):
            if isinstance(piece, Answer):
                answer = piece
            else:
                yield piece
        assert answer is not None, "an answerer must end with its Answer"
        entry = ChatEntry.record(
            user_id=caller.user.id,
            scope=command.scope,
            question=question,
            answer=answer,
            shared=False,
            now=self._clock.now(),
        )
        async with self._uow as uow:
            await uow.chats.add(entry)
            await uow.commit()
        yield entry

    @staticmethod
    async def _videos_in_scope(uow: UnitOfWork, caller: Caller, scope: Scope) -> list[UUID] | None:
        """The videos to search (None: all of the caller's)."""
        if scope.kind is ScopeKind.LIBRARY:
            return None
        if scope.kind is ScopeKind.VIDEO and scope.video_id is not None:
            video = await uow.videos.get(scope.video_id)
            if video is None or video.owner_id != caller.user.id:
                raise NotFound("There is no video with that id.")
            if video.status is not VideoStatus.COMPLETED:
                raise Conflict(f"This video is not ready for questions yet (it is {video.status.value}).")
            return [video.id]
        raise InvalidInput("Ask about one video or about all your videos.")
