"""An in-memory Ask Video served over real HTTP, with a user, a processed video, a group and API keys."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from dependency_injector import providers

from adapters.local_models.extractive import ExtractiveAnswerer
from domain.errors import Unavailable
from domain.questions import Answer, Passage
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.integration.served_app import serving
from tests.unit.world import TALK

PASSWORD = "correct horse battery"


@dataclass
class RecordingAnswerers:
    """The offline answerer, remembering the history each question came with."""

    histories: list[list[tuple[str, str]]] = field(default_factory=list)
    fail_midway: bool = False
    """Set: the next answer breaks after its first piece, as when the model service goes down mid-reply."""
    answerer: ExtractiveAnswerer = field(default_factory=ExtractiveAnswerer)

    def for_asker(self, openai_api_key: str | None) -> RecordingAnswerers:
        return self

    name = "recording"

    async def answer(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[tuple[str, str]] = ()
    ) -> AsyncIterator[str | Answer]:
        self.histories.append(list(history))
        async for piece in self.answerer.answer(question, passages, history=history):
            yield piece
            if self.fail_midway:
                self.fail_midway = False
                raise Unavailable("The answering model stopped responding; try again shortly.")

    async def standalone(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        return await self.answerer.standalone(question, history)

    def summarise(self, request: str, scenes: Sequence[Passage]) -> AsyncIterator[str | Answer]:
        return self.answerer.summarise(request, scenes)


@dataclass
class Served:
    base_url: str
    video_id: str
    group_id: str
    keys: dict[str, str]
    login: dict[str, str]
    answerers: RecordingAnswerers
    container: object

    def bearer(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[key]}"}


def sign_up(client: httpx.Client, container, name: str) -> dict[str, str]:
    client.post("/api/auth/signup", json={"username": name, "email": f"{name}@example.org", "password": PASSWORD})
    mail = container.gateways.mailer().sent[-1].body
    client.post("/api/auth/verify-email", json={"token": mail.split("token=")[1].split()[0]})
    tokens = client.post("/api/auth/login", json={"login": name, "password": PASSWORD, "tokenDelivery": "body"}).json()
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


@contextmanager
def served_library(data_dir: Path) -> Iterator[Served]:
    """Ada with one processed video ("Geography") in a group, and keys `read`, `ask`, `both` and Bob's `bob`."""
    container = build_container(Settings(wiring="memory", data_dir=data_dir))
    answerers = RecordingAnswerers()
    container.gateways.answerers.override(providers.Object(answerers))
    with serving(create_app(container)) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        ada = sign_up(client, container, "ada")
        bob = sign_up(client, container, "bob")
        video = client.post(
            "/api/videos",
            files={"file": ("t.mp4", TALK, "video/mp4")},
            data={"title": "Geography", "description": "World facts"},
            headers=ada,
        ).json()["id"]
        group = client.post("/api/groups", json={"name": "Course"}, headers=ada).json()["id"]
        client.post(f"/api/groups/{group}/videos", json={"videoIds": [video]}, headers=ada)
        keys = {}
        for name, scopes, owner in (
            ("read", ["read"], ada),
            ("ask", ["ask"], ada),
            ("both", ["read", "ask"], ada),
            ("bob", ["read", "ask"], bob),
        ):
            keys[name] = client.post("/api/keys", json={"name": name, "scopes": scopes}, headers=owner).json()["secret"]
        yield Served(
            base_url=base_url,
            video_id=video,
            group_id=group,
            keys=keys,
            login=ada,
            answerers=answerers,
            container=container,
        )
