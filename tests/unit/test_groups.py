"""Groups and sharing: use cases against in-memory adapters."""

from __future__ import annotations

import uuid

import pytest

from adapters.memory import FakeEmbedder, InMemoryRateLimiter, fake_media
from adapters.memory.search import InMemorySceneSearch
from application.accounts.authenticate import Caller
from application.accounts.policy import RateRule
from application.groups.manage_groups import (
    AddVideosToGroup,
    CreateGroup,
    DeleteGroup,
    EditGroup,
    GetGroup,
    ListGroups,
    RemoveVideoFromGroup,
    ReorderGroup,
)
from application.groups.sharing import CheckGuestAsk, GuestRules, OpenSharedGroup, RevokeShare, ShareGroup
from application.questions.ask_question import AskCommand, AskQuestion, AskSharedGroup
from application.questions.history import ListHistory
from application.videos.manage_videos import DeleteVideo
from application.videos.transcripts import OpenSharedMedia
from domain.errors import InvalidInput, NotFound, RateLimited
from domain.questions import Scope
from tests.unit.world import World

GEOGRAPHY = fake_media(20.0, (0.0, 5.0, "The capital of Australia is Canberra."))
COOKING = fake_media(20.0, (0.0, 5.0, "Add two eggs to the flour."))


class OneAnswerer:
    def __init__(self) -> None:
        from adapters.local_models.extractive import ExtractiveAnswerer  # noqa: PLC0415

        self.answerer = ExtractiveAnswerer()

    def for_asker(self, openai_api_key: str | None) -> object:
        return self.answerer


async def video(world: World, caller: Caller, content: bytes = GEOGRAPHY) -> uuid.UUID:
    uploaded = await world.upload()(caller, world.file(content))
    await world.process()(uploaded.id)
    return uploaded.id


async def group_of(world: World, caller: Caller, *video_ids: uuid.UUID) -> uuid.UUID:
    group = await CreateGroup(world.uow(), world.clock)(caller, name="Course", description="Week 1")
    if video_ids:
        await AddVideosToGroup(world.uow(), world.clock)(caller, group.id, list(video_ids))
    return group.id


class TestGroups:
    async def test_create_add_list_reorder_remove_delete(self, world: World) -> None:
        owner = world.add_user()
        first, second = await video(world, owner), await video(world, owner, COOKING)
        group_id = await group_of(world, owner, first, second)
        detail = await AddVideosToGroup(world.uow(), world.clock)(owner, group_id, [first])  # twice: a no-op
        assert [v.id for v in detail.videos] == [first, second]
        page = await ListGroups(world.uow())(owner)
        assert (page.total, len(page.items[0].video_ids)) == (1, 2)
        reordered = await ReorderGroup(world.uow(), world.clock)(owner, group_id, [second, first])
        assert [v.id for v in reordered.videos] == [second, first]
        edited = await EditGroup(world.uow(), world.clock)(owner, group_id, name="Course 2", description=None)
        assert (edited.name, edited.description) == ("Course 2", "Week 1")
        removed = await RemoveVideoFromGroup(world.uow(), world.clock)(owner, group_id, second)
        assert [v.id for v in removed.videos] == [first]
        await DeleteGroup(world.uow())(owner, group_id)
        assert world.store.groups == {}
        assert first in world.store.videos  # the videos stay

    @pytest.mark.parametrize(
        ("order", "message"), [("dup", "lists a video twice"), ("missing", "exactly the group's videos")]
    )
    async def test_a_bad_order_is_refused_and_nothing_changes(self, world: World, order: str, message: str) -> None:
        owner = world.add_user()
        first, second = await video(world, owner), await video(world, owner)
        group_id = await group_of(world, owner, first, second)
        new = [first, first] if order == "dup" else [first]
        with pytest.raises(InvalidInput, match=message):
            await ReorderGroup(world.uow(), world.clock)(owner, group_id, new)
        assert world.store.groups[group_id].video_ids == (first, second)

    async def test_only_own_videos_can_be_added_and_all_or_none(self, world: World) -> None:
        owner, other = world.add_user(), world.add_user()
        mine, theirs = await video(world, owner), await video(world, other)
        group_id = await group_of(world, owner)
        with pytest.raises(NotFound, match="no video with that id"):
            await AddVideosToGroup(world.uow(), world.clock)(owner, group_id, [mine, theirs])
        assert world.store.groups[group_id].video_ids == ()

    async def test_another_users_group_is_not_found(self, world: World) -> None:
        owner, stranger = world.add_user(), world.add_user()
        group_id = await group_of(world, owner)
        for action in (
            GetGroup(world.uow())(stranger, group_id),
            EditGroup(world.uow(), world.clock)(stranger, group_id, name="x", description=None),
            DeleteGroup(world.uow())(stranger, group_id),
            ShareGroup(world.uow(), world.clock)(stranger, group_id, expires_in_days=None),
        ):
            with pytest.raises(NotFound, match="no group with that id"):
                await action
        assert group_id in world.store.groups

    async def test_deleting_a_video_takes_it_out_of_its_groups(self, world: World) -> None:
        owner = world.add_user()
        first = await video(world, owner)
        group_id = await group_of(world, owner, first)
        await DeleteVideo(world.uow(), world.storage, world.queue)(owner, first)
        assert world.store.groups[group_id].video_ids == ()

    async def test_the_owner_asks_about_a_group_only(self, world: World) -> None:
        owner = world.add_user()
        geography, cooking = await video(world, owner), await video(world, owner, COOKING)
        group_id = await group_of(world, owner, cooking)
        ask = AskQuestion(
            world.uow(), InMemorySceneSearch(world.store), FakeEmbedder(), OneAnswerer(), world.box, world.clock
        )
        outside = await ask(owner, AskCommand(question="capital of Australia?", scope=Scope.group(group_id)))
        assert not outside.grounded
        inside = await ask(owner, AskCommand(question="How many eggs?", scope=Scope.group(group_id)))
        assert inside.citations[0].video_id == cooking
        assert geography not in {c.video_id for c in inside.citations}


class TestSharing:
    async def test_a_guest_sees_watches_and_asks_and_the_owner_sees_the_question(self, world: World) -> None:
        owner = world.add_user()
        first, unprocessed = await video(world, owner), (await world.upload()(owner, world.file())).id
        outside = await video(world, owner)
        group_id = await group_of(world, owner, first, unprocessed)
        token = (await ShareGroup(world.uow(), world.clock)(owner, group_id, expires_in_days=None)).share_token
        assert token is not None
        assert len(token) >= 32
        view = await OpenSharedGroup(world.uow(), world.clock)(token)
        assert [v.id for v in view.videos] == [first]  # only watchable videos
        media = await OpenSharedMedia(world.uow(), world.storage, world.clock)(token, first)
        assert media.size == len(GEOGRAPHY)
        for forbidden in (outside, unprocessed, uuid.uuid4()):
            with pytest.raises(NotFound):
                await OpenSharedMedia(world.uow(), world.storage, world.clock)(token, forbidden)
        ask = AskSharedGroup(world.uow(), InMemorySceneSearch(world.store), FakeEmbedder(), OneAnswerer(), world.clock)
        entry = await ask(token, "What is the capital of Australia?")
        assert (entry.user_id, entry.is_shared_origin, entry.grounded) == (None, True, True)
        history = await ListHistory(world.uow())(owner, Scope.group(group_id))
        assert [e.id for e in history.items] == [entry.id]

    async def test_regenerating_or_revoking_stops_the_old_link_at_once(self, world: World) -> None:
        owner = world.add_user()
        group_id = await group_of(world, owner, await video(world, owner))
        share = ShareGroup(world.uow(), world.clock)
        old = (await share(owner, group_id, expires_in_days=None)).share_token
        new = (await share(owner, group_id, expires_in_days=None)).share_token
        assert old != new
        with pytest.raises(NotFound, match="no longer valid"):
            await OpenSharedGroup(world.uow(), world.clock)(old)
        await RevokeShare(world.uow(), world.clock)(owner, group_id)
        with pytest.raises(NotFound):
            await OpenSharedGroup(world.uow(), world.clock)(new)

    async def test_an_expired_link_is_not_found(self, world: World) -> None:
        owner = world.add_user()
        group_id = await group_of(world, owner)
        token = (await ShareGroup(world.uow(), world.clock)(owner, group_id, expires_in_days=1)).share_token
        await OpenSharedGroup(world.uow(), world.clock)(token)
        world.clock.advance(days=1, seconds=1)
        with pytest.raises(NotFound):
            await OpenSharedGroup(world.uow(), world.clock)(token)
        with pytest.raises(InvalidInput, match="1 to 365 days"):
            await ShareGroup(world.uow(), world.clock)(owner, group_id, expires_in_days=0)

    async def test_guests_have_their_own_rate_limit(self, world: World) -> None:
        check = CheckGuestAsk(
            InMemoryRateLimiter(world.clock),
            GuestRules(per_token=RateRule(limit=100, window_seconds=60), per_ip=RateRule(limit=2, window_seconds=60)),
        )
        await check("token-a", "198.51.100.1")
        await check("token-a", "198.51.100.1")
        with pytest.raises(RateLimited):
            await check("token-a", "198.51.100.1")
        await check("token-a", "198.51.100.2")
