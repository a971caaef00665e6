"""Tags and library search: domain rules and use cases against in-memory adapters."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from adapters.memory import FakeEmbedder, InMemoryRateLimiter, fake_media
from adapters.memory.search import InMemorySceneSearch
from application.accounts.authenticate import Caller
from application.accounts.policy import RateRule
from application.library.search_library import SearchLibrary
from application.tags.create_tag import CreateTag
from application.tags.delete_tag import DeleteTag
from application.tags.edit_tag import EditTag
from application.tags.list_tags import ListTags
from application.tags.tag_videos import AttachTag, DetachTag, TagsOfVideos
from application.videos.manage_videos import DeleteVideo, ListVideos, VideoQuery
from domain.errors import Conflict, InvalidInput, LimitReached, NotFound, RateLimited
from domain.library_search import clean_query
from domain.tags import TAGS_PER_OWNER_MAX, Tag, clean_color
from tests.unit.world import World

GEOGRAPHY = fake_media(20.0, (0.0, 5.0, "The capital of Australia is Canberra."))
COOKING = fake_media(20.0, (0.0, 5.0, "Add two eggs to the flour."), (10.0, 15.0, "Bake it for an hour."))


async def video(
    world: World, caller: Caller, content: bytes, title: str = "Lecture", description: str = ""
) -> uuid.UUID:
    uploaded = await world.upload()(caller, world.file(content))
    await world.process()(uploaded.id)
    stored = world.store.videos[uploaded.id]
    world.store.videos[uploaded.id] = replace(stored, title=title, description=description)
    return uploaded.id


class TestColours:
    @pytest.mark.parametrize(
        ("given", "stored"), [("#3B82F6", "#3b82f6"), ("#38f", "#3388ff"), (" #abcdef ", "#abcdef"), (None, "#64748b")]
    )
    def test_hex_colours_are_kept_as_lower_case_rrggbb(self, given: str | None, stored: str) -> None:
        assert clean_color(given) == stored

    @pytest.mark.parametrize("bad", ["red", "#12345", "#ggg", "3b82f6", "#3b82f6ff", "", "javascript:alert(1)"])
    def test_anything_else_is_refused(self, bad: str) -> None:
        with pytest.raises(InvalidInput, match="not a colour"):
            clean_color(bad)


class TestTags:
    async def test_create_rename_recolour_list_delete(self, world: World) -> None:
        caller = world.add_user()
        work = await CreateTag(world.uow(), world.clock)(caller, name=" Work  talks ", color="#F00")
        await CreateTag(world.uow(), world.clock)(caller, name="archive", color=None)
        assert (work.name, work.color) == ("Work talks", "#ff0000")
        edited = await EditTag(world.uow())(caller, work.id, name="Talks", color=None)
        assert (edited.name, edited.color) == ("Talks", "#ff0000")
        edited = await EditTag(world.uow())(caller, work.id, name=None, color="#00ff00")
        assert (edited.name, edited.color) == ("Talks", "#00ff00")
        assert [t.name for t in await ListTags(world.uow())(caller)] == ["archive", "Talks"]
        await DeleteTag(world.uow())(caller, work.id)
        assert [t.name for t in await ListTags(world.uow())(caller)] == ["archive"]

    async def test_names_are_unique_per_owner_ignoring_case(self, world: World) -> None:
        caller, other = world.add_user(), world.add_user()
        await CreateTag(world.uow(), world.clock)(caller, name="Work", color=None)
        second = await CreateTag(world.uow(), world.clock)(caller, name="Home", color=None)
        with pytest.raises(Conflict, match="already have a tag"):
            await CreateTag(world.uow(), world.clock)(caller, name="WORK", color=None)
        with pytest.raises(Conflict):
            await EditTag(world.uow())(caller, second.id, name="work", color=None)
        await CreateTag(world.uow(), world.clock)(other, name="work", color=None)  # another owner may

    @pytest.mark.parametrize(
        ("name", "color", "message"),
        [("", None, "needs a name"), ("x" * 41, None, "at most 40"), ("ok", "blue", "colour")],
    )
    async def test_bad_input_is_refused(self, world: World, name: str, color: str | None, message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            await CreateTag(world.uow(), world.clock)(world.add_user(), name=name, color=color)

    async def test_there_is_a_limit_of_tags(self, world: World) -> None:
        caller = world.add_user()
        for number in range(TAGS_PER_OWNER_MAX - 1):
            tag = Tag.create(owner_id=caller.user.id, name=f"t{number}", color=None, now=world.clock.now())
            world.store.tags[tag.id] = tag
        await CreateTag(world.uow(), world.clock)(caller, name="the last one", color=None)
        with pytest.raises(LimitReached, match="at most 200 tags"):
            await CreateTag(world.uow(), world.clock)(caller, name="one more", color=None)

    async def test_another_users_tag_is_not_found(self, world: World) -> None:
        owner, other = world.add_user(), world.add_user()
        tag = await CreateTag(world.uow(), world.clock)(owner, name="Mine", color=None)
        for action in (
            EditTag(world.uow())(other, tag.id, name="Stolen", color=None),
            DeleteTag(world.uow())(other, tag.id),
        ):
            with pytest.raises(NotFound, match="no tag with that id"):
                await action
        assert world.store.tags[tag.id].name == "Mine"


class TestTagsOnVideos:
    async def test_attach_filter_detach_and_delete(self, world: World) -> None:
        caller = world.add_user()
        geo = await video(world, caller, GEOGRAPHY, "Geography")
        cook = await video(world, caller, COOKING, "Cooking")
        course = await CreateTag(world.uow(), world.clock)(caller, name="Course", color=None)
        food = await CreateTag(world.uow(), world.clock)(caller, name="Food", color=None)
        await AttachTag(world.uow())(caller, geo, course.id)
        await AttachTag(world.uow())(caller, cook, course.id)
        assert [t.name for t in await AttachTag(world.uow())(caller, cook, food.id)] == ["Course", "Food"]
        assert [t.name for t in await AttachTag(world.uow())(caller, cook, food.id)] == ["Course", "Food"]  # twice
        listing = ListVideos(world.uow())
        assert {v.title for v in (await listing(caller, VideoQuery(tag_ids=(course.id,)))).items} == {
            "Geography",
            "Cooking",
        }
        both = await listing(caller, VideoQuery(tag_ids=(course.id, food.id)))
        assert ([v.title for v in both.items], both.total) == (["Cooking"], 1)
        assert [t.name for t in await DetachTag(world.uow())(caller, cook, food.id)] == ["Course"]
        assert (await listing(caller, VideoQuery(tag_ids=(food.id,)))).total == 0
        await DeleteTag(world.uow())(caller, course.id)
        assert await TagsOfVideos(world.uow())(caller, [geo, cook]) == {}

    async def test_only_the_owner_of_both_may_attach_or_detach(self, world: World) -> None:
        owner, other = world.add_user(), world.add_user()
        mine = await video(world, owner, GEOGRAPHY)
        theirs = await video(world, other, COOKING)
        my_tag = await CreateTag(world.uow(), world.clock)(owner, name="Mine", color=None)
        their_tag = await CreateTag(world.uow(), world.clock)(other, name="Theirs", color=None)
        for video_id, tag_id, message in ((theirs, my_tag.id, "video"), (mine, their_tag.id, "tag")):
            for action in (AttachTag, DetachTag):
                with pytest.raises(NotFound, match=f"no {message} with that id"):
                    await action(world.uow())(owner, video_id, tag_id)
        assert world.store.video_tags.get(theirs, set()) == set()

    async def test_filtering_by_someone_elses_tag_is_not_found(self, world: World) -> None:
        owner, other = world.add_user(), world.add_user()
        their_tag = await CreateTag(world.uow(), world.clock)(other, name="Theirs", color=None)
        with pytest.raises(NotFound, match="no tag with that id"):
            await ListVideos(world.uow())(owner, VideoQuery(tag_ids=(their_tag.id,)))
        with pytest.raises(NotFound):
            await ListVideos(world.uow())(owner, VideoQuery(tag_ids=(uuid.uuid4(),)))

    async def test_a_deleted_video_loses_its_tags(self, world: World) -> None:
        caller = world.add_user()
        geo = await video(world, caller, GEOGRAPHY)
        tag = await CreateTag(world.uow(), world.clock)(caller, name="Geo", color=None)
        await AttachTag(world.uow())(caller, geo, tag.id)
        await DeleteVideo(world.uow(), world.storage, world.queue)(caller, geo)
        assert geo not in world.store.video_tags
        assert (await ListVideos(world.uow())(caller, VideoQuery(tag_ids=(tag.id,)))).total == 0


def searcher(world: World) -> SearchLibrary:
    return SearchLibrary(world.uow(), InMemorySceneSearch(world.store), FakeEmbedder())


class TestLibrarySearch:
    async def test_what_is_said_gives_the_video_with_its_moment(self, world: World) -> None:
        caller = world.add_user()
        geo = await video(world, caller, GEOGRAPHY, "Lecture 1")
        await video(world, caller, COOKING, "Lecture 2")
        results = await searcher(world)(caller, "capital of Australia")
        assert results[0].video.id == geo
        assert results[0].hit.moments[0].text.startswith("The capital of Australia")
        assert results[0].hit.moments[0].start == 0.0

    async def test_a_title_or_description_match_counts_and_ranks_first(self, world: World) -> None:
        caller = world.add_user()
        await video(world, caller, GEOGRAPHY, "Lecture 1")
        baking = await video(world, caller, COOKING, "Weekend baking", description="Bread for beginners")
        results = await searcher(world)(caller, "baking")
        assert results[0].video.id == baking
        assert results[0].hit.matched_text
        by_description = await searcher(world)(caller, "beginners")
        assert by_description[0].video.id == baking

    async def test_only_the_callers_videos_are_searched(self, world: World) -> None:
        owner, other = world.add_user(), world.add_user()
        await video(world, other, GEOGRAPHY, "Australia facts")
        assert await searcher(world)(owner, "Australia") == []

    @pytest.mark.parametrize(("query", "message"), [("   ", "Type something"), ("x" * 301, "at most 300")])
    async def test_a_query_is_required_and_short(self, world: World, query: str, message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            await searcher(world)(world.add_user(), query)

    @pytest.mark.parametrize("limit", [0, 51])
    async def test_the_limit_is_bounded(self, world: World, limit: int) -> None:
        with pytest.raises(InvalidInput, match="limit must be 1–50"):
            await searcher(world)(world.add_user(), "anything", limit=limit)

    async def test_each_user_has_a_rate_limit(self, world: World) -> None:
        caller, other = world.add_user(), world.add_user()
        limited = SearchLibrary(
            world.uow(),
            InMemorySceneSearch(world.store),
            FakeEmbedder(),
            InMemoryRateLimiter(world.clock),
            RateRule(limit=2, window_seconds=60),
        )
        await limited(caller, "one")
        await limited(caller, "two")
        with pytest.raises(RateLimited):
            await limited(caller, "three")
        await limited(other, "one")

    def test_queries_are_trimmed(self) -> None:
        assert clean_query("  capital   city ") == "capital city"
