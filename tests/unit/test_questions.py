"""Asking, history, feedback and export against in-memory adapters and the offline extractive answerer."""

from __future__ import annotations

import uuid

import pytest

from adapters.local_models.extractive import REFUSAL, ExtractiveAnswerer
from adapters.memory import FakeEmbedder, fake_media
from adapters.memory.search import InMemorySceneSearch
from application.accounts.authenticate import Caller
from application.questions.ask_question import AskCommand, AskQuestion
from application.questions.history import ExportHistory, GiveFeedback, ListHistory
from domain.errors import Conflict, InvalidInput, NotFound
from domain.exports import neutralise
from domain.questions import ChatEntry, Feedback, Scope
from tests.unit.world import World

LECTURE = fake_media(
    60.0,
    (0.0, 5.0, "Welcome to the geography lecture."),
    (5.0, 10.0, "The capital of Australia is Canberra."),
    (10.0, 16.0, "Sydney is its largest city."),
    (30.0, 36.0, "Next week we discuss volcanoes in Iceland."),
)
COOKING = fake_media(40.0, (0.0, 6.0, "Add two eggs to the flour."), (6.0, 12.0, "Bake it for forty minutes."))


class OneAnswerer:
    def __init__(self) -> None:
        self.answerer = ExtractiveAnswerer()
        self.keys: list[str | None] = []

    def for_asker(self, openai_api_key: str | None) -> ExtractiveAnswerer:
        self.keys.append(openai_api_key)
        return self.answerer


async def library(world: World, caller: Caller) -> tuple[uuid.UUID, uuid.UUID]:
    ids = []
    for content, title in ((LECTURE, "Geography"), (COOKING, "Baking")):
        command = world.file(content)
        video = await world.upload()(
            caller, command.__class__(title=title, description=None, file=command.file, size_bytes=command.size_bytes)
        )
        await world.process()(video.id)
        ids.append(video.id)
    return ids[0], ids[1]


def asker(world: World, answerers: OneAnswerer | None = None) -> AskQuestion:
    return AskQuestion(
        world.uow(),
        InMemorySceneSearch(world.store),
        FakeEmbedder(),
        answerers or OneAnswerer(),
        world.box,
        world.clock,
    )


class TestAskQuestion:
    async def test_answers_from_the_right_video_with_the_sentence_seconds(self, world: World) -> None:
        caller = world.add_user()
        geography, _ = await library(world, caller)
        entry = await asker(world)(
            caller, AskCommand(question="What is the capital of Australia?", scope=Scope.library())
        )
        assert entry.grounded
        assert "Canberra" in entry.answer
        first = entry.citations[0]
        assert (first.video_id, first.title, first.start, first.end) == (geography, "Geography", 5.0, 10.0)
        assert first.text == "The capital of Australia is Canberra."
        assert world.store.chats[entry.id] == entry

    async def test_a_question_the_videos_do_not_cover_is_refused_without_citations(self, world: World) -> None:
        caller = world.add_user()
        await library(world, caller)
        entry = await asker(world)(caller, AskCommand(question="Who won the 1998 world cup?", scope=Scope.library()))
        assert (entry.grounded, entry.answer, entry.citations) == (False, REFUSAL, ())

    async def test_a_video_scope_searches_only_that_video(self, world: World) -> None:
        caller = world.add_user()
        _, baking = await library(world, caller)
        entry = await asker(world)(caller, AskCommand(question="capital of Australia", scope=Scope.video(baking)))
        assert not entry.grounded

    async def test_another_users_videos_are_never_searched(self, world: World) -> None:
        owner, stranger = world.add_user(), world.add_user()
        geography, _ = await library(world, owner)
        entry = await asker(world)(stranger, AskCommand(question="capital of Australia", scope=Scope.library()))
        assert not entry.grounded
        with pytest.raises(NotFound):
            await asker(world)(stranger, AskCommand(question="capital?", scope=Scope.video(geography)))

    async def test_a_video_not_processed_yet_is_a_conflict(self, world: World) -> None:
        caller = world.add_user()
        video = await world.upload()(caller, world.file(LECTURE))
        with pytest.raises(Conflict, match="not ready for questions yet"):
            await asker(world)(caller, AskCommand(question="capital?", scope=Scope.video(video.id)))

    @pytest.mark.parametrize(("question", "message"), [("  ", "Ask a question"), ("x" * 2001, "at most 2000")])
    async def test_bad_questions_are_refused(self, world: World, question: str, message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            await asker(world)(world.add_user(), AskCommand(question=question, scope=Scope.library()))

    async def test_streaming_yields_text_then_the_stored_entry(self, world: World) -> None:
        caller = world.add_user()
        await library(world, caller)
        pieces = [
            p
            async for p in asker(world).stream(
                caller, AskCommand(question="Where is the largest city?", scope=Scope.library())
            )
        ]
        assert isinstance(pieces[-1], ChatEntry)
        assert "".join(p for p in pieces[:-1] if isinstance(p, str)) == pieces[-1].answer

    async def test_the_askers_own_openai_key_is_offered(self, world: World) -> None:
        caller = world.add_user(key="sk-own-key-abcdefghijklmnopqrstuvwxyz")
        await library(world, caller)
        answerers = OneAnswerer()
        await asker(world, answerers)(caller, AskCommand(question="capital?", scope=Scope.library()))
        assert answerers.keys == ["sk-own-key-abcdefghijklmnopqrstuvwxyz"]


class TestExtractiveAnswers:
    async def test_a_name_the_videos_never_mention_is_refused(self, world: World) -> None:
        caller = world.add_user()
        await library(world, caller)
        entry = await asker(world)(
            caller,
            AskCommand(question="What did Professor Okafor say about volcanoes?", scope=Scope.library()),
        )
        assert (entry.grounded, entry.citations) == (False, ())

    async def test_a_number_the_videos_never_say_is_refused_while_the_spoken_one_is_found(self, world: World) -> None:
        caller = world.add_user()
        await library(world, caller)
        ask = asker(world)
        refused = await ask(caller, AskCommand(question="What bakes for 45 minutes?", scope=Scope.library()))
        assert not refused.grounded
        found = await ask(caller, AskCommand(question="What bakes for 40 minutes?", scope=Scope.library()))
        assert found.grounded  # "forty minutes" was said
        assert found.citations[0].text == "Bake it for forty minutes."

    async def test_a_long_sentence_is_cited_for_ten_seconds_from_its_start(self, world: World) -> None:
        caller = world.add_user()
        command = world.file(
            fake_media(40.0, (2.0, 31.0, "The committee approved the new telescope after a long debate."))
        )
        video = await world.upload()(caller, command)
        await world.process()(video.id)
        entry = await asker(world)(caller, AskCommand(question="Which telescope was approved?", scope=Scope.library()))
        assert (entry.citations[0].start, entry.citations[0].end) == (2.0, 12.0)


class TestHistory:
    async def test_history_feedback_and_csv(self, world: World) -> None:
        caller = world.add_user()
        geography, _ = await library(world, caller)
        scope = Scope.video(geography)
        first = await asker(world)(caller, AskCommand(question="capital of Australia?", scope=scope))
        world.clock.advance(seconds=5)
        second = await asker(world)(caller, AskCommand(question='=HYPERLINK("x") volcanoes?', scope=scope))
        await asker(world)(caller, AskCommand(question="capital?", scope=Scope.library()))
        page = await ListHistory(world.uow())(caller, scope)
        assert [e.id for e in page.items] == [second.id, first.id]
        rated = await GiveFeedback(world.uow())(caller, first.id, Feedback.GOOD)
        assert rated.feedback is Feedback.GOOD
        with pytest.raises(NotFound):
            await GiveFeedback(world.uow())(world.add_user(), first.id, Feedback.BAD)
        csv_text = await ExportHistory(world.uow())(caller, scope)
        assert csv_text.startswith("\ufefftime,question,answer,cited videos,feedback,asked via share link\r\n")
        lines = csv_text.splitlines()
        assert "capital of Australia?" in lines[1]
        assert "Geography 0:00:05–0:00:10" in lines[1]
        assert ",good," in lines[1]
        assert "'=HYPERLINK" in lines[2]
        cleared = await GiveFeedback(world.uow())(caller, first.id, None)
        assert cleared.feedback is None

    async def test_a_bad_page_is_refused(self, world: World) -> None:
        with pytest.raises(InvalidInput):
            await ListHistory(world.uow())(world.add_user(), Scope.library(), limit=1000)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("fine", "fine")],
)
def test_formula_injection_is_neutralised(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


class TestFollowUpsAndSummaries:
    async def test_a_follow_up_is_searched_with_the_question_before_it(self, world: World) -> None:
        caller = world.add_user()
        geography, _ = await library(world, caller)
        ask = asker(world)
        scope = Scope.video(geography)
        await ask(caller, AskCommand(question="What is the capital of Australia?", scope=scope))
        follow_up = await ask(caller, AskCommand(question="And its largest city?", scope=scope))
        assert follow_up.grounded
        assert follow_up.question == "And its largest city?"  # the history keeps what was asked
        assert "Sydney" in follow_up.answer

    async def test_history_given_by_the_caller_replaces_the_stored_one(self, world: World) -> None:
        caller = world.add_user()
        _, baking = await library(world, caller)
        entry = await asker(world)(
            caller,
            AskCommand(
                question="And how long does it bake?",
                scope=Scope.video(baking),
                history=[("Add the eggs to the flour?", "Add two eggs to the flour.")],
            ),
        )
        assert entry.citations[0].text == "Bake it for forty minutes."

    async def test_summarise_this_video_quotes_its_central_sentences_in_order(self, world: World) -> None:
        caller = world.add_user()
        geography, _ = await library(world, caller)
        entry = await asker(world)(caller, AskCommand(question="Summarise this video", scope=Scope.video(geography)))
        assert entry.grounded
        starts = [c.start for c in entry.citations]
        assert starts == sorted(starts)
        assert {c.video_id for c in entry.citations} == {geography}
        assert all(c.end - c.start <= 10 for c in entry.citations)

    async def test_a_library_summary_covers_every_video_under_its_title(self, world: World) -> None:
        caller = world.add_user()
        geography, baking = await library(world, caller)
        entry = await asker(world)(caller, AskCommand(question="Give me an overview", scope=Scope.library()))
        assert {c.video_id for c in entry.citations} == {geography, baking}
        assert "Geography:" in entry.answer
        assert "Baking:" in entry.answer

    async def test_a_summary_of_nothing_is_refused(self, world: World) -> None:
        entry = await asker(world)(world.add_user(), AskCommand(question="Summarise my videos", scope=Scope.library()))
        assert (entry.grounded, entry.citations) == (False, ())
