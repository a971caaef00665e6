"""Contract: API keys, tags and the title/description index behave the same in memory and in PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.memory import FakeClock
from domain.api_keys import ApiKey, ApiKeyScope
from domain.errors import Conflict
from domain.questions import Answer, ChatEntry, Scope
from domain.tags import Tag
from tests.integration.conftest import UowFactory
from tests.integration.test_contract_persistence import a_group, a_video, stored_owner

NOW = FakeClock().now()


class TestApiKeyRepositoryContract:
    async def test_a_key_reads_back_by_id_and_digest_and_lists_live_newest_first(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        older, _ = ApiKey.issue(user_id=owner.id, name="older", scopes=["read"], now=NOW)
        newer, secret = ApiKey.issue(user_id=owner.id, name="newer", scopes=["read", "ask"], now=NOW + timedelta(1))
        async with new_uow() as uow:
            await uow.api_keys.add(older)
            await uow.api_keys.add(newer)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.api_keys.get(newer.id) == newer
            assert await uow.api_keys.get_by_digest(newer.secret_digest) == newer
            assert await uow.api_keys.get_by_digest("0" * 64) is None
            assert [k.name for k in await uow.api_keys.list_live(owner.id)] == ["newer", "older"]
        assert newer.scopes == {ApiKeyScope.READ, ApiKeyScope.ASK}
        assert secret not in (newer.secret_digest, newer.prefix)

    async def test_last_use_and_revocation_are_stored_and_revoked_keys_are_not_listed(
        self, new_uow: UowFactory
    ) -> None:
        owner = await stored_owner(new_uow)
        key, _ = ApiKey.issue(user_id=owner.id, name="k", scopes=["ask"], now=NOW)
        async with new_uow() as uow:
            await uow.api_keys.add(key)
            await uow.commit()
        used = key.used(NOW + timedelta(minutes=5))
        assert used is not None
        async with new_uow() as uow:
            await uow.api_keys.update(used)
            await uow.commit()
        async with new_uow() as uow:
            assert (await uow.api_keys.get(key.id)) == used
            await uow.api_keys.update(used.revoke(NOW + timedelta(minutes=6)))
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.api_keys.list_live(owner.id) == []
            stored = await uow.api_keys.get_by_digest(key.secret_digest)
        assert stored is not None
        assert not stored.is_live

    async def test_without_commit_nothing_is_stored(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        key, _ = ApiKey.issue(user_id=owner.id, name="k", scopes=["ask"], now=NOW)
        async with new_uow() as uow:
            await uow.api_keys.add(key)
        async with new_uow() as uow:
            assert await uow.api_keys.get(key.id) is None


class TestTagRepositoryContract:
    async def test_tags_are_listed_by_name_and_unique_per_owner_ignoring_case(self, new_uow: UowFactory) -> None:
        owner, other = await stored_owner(new_uow), await stored_owner(new_uow)
        zebra = Tag.create(owner_id=owner.id, name="zebra", color="#000", now=NOW)
        apple = Tag.create(owner_id=owner.id, name="Apple", color=None, now=NOW)
        async with new_uow() as uow:
            await uow.tags.add(zebra)
            await uow.tags.add(apple)
            await uow.tags.add(Tag.create(owner_id=other.id, name="ZEBRA", color=None, now=NOW))
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.tags.list_for_owner(owner.id) == [apple, zebra]
            assert await uow.tags.get(zebra.id) == zebra
            with pytest.raises(Conflict):
                await uow.tags.add(Tag.create(owner_id=owner.id, name="ZEBRA", color=None, now=NOW))
            # The transaction stays usable after the refusal.
            await uow.tags.add(Tag.create(owner_id=owner.id, name="Mango", color=None, now=NOW))
            with pytest.raises(Conflict):
                await uow.tags.update(apple.edit(name="Zebra", color=None))
            await uow.tags.update(apple.edit(name="Apricot", color="#fff"))
            await uow.commit()
        async with new_uow() as uow:
            assert [(t.name, t.color) for t in await uow.tags.list_for_owner(owner.id)] == [
                ("Apricot", "#ffffff"),
                ("Mango", "#64748b"),
                ("zebra", "#000000"),
            ]

    async def test_attach_detach_and_filter_the_video_list(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        first, second = a_video(owner, "First", minutes_ago=2), a_video(owner, "Second", minutes_ago=1)
        red = Tag.create(owner_id=owner.id, name="red", color=None, now=NOW)
        blue = Tag.create(owner_id=owner.id, name="blue", color=None, now=NOW)
        async with new_uow() as uow:
            for video in (first, second):
                await uow.videos.add(video)
            await uow.tags.add(red)
            await uow.tags.add(blue)
            await uow.tags.attach(red.id, first.id)
            await uow.tags.attach(red.id, first.id)  # twice is once
            await uow.tags.attach(red.id, second.id)
            await uow.tags.attach(blue.id, second.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.tags.for_videos([first.id, second.id]) == {first.id: [red], second.id: [blue, red]}
            reds = await uow.videos.list_for_owner(
                owner.id, status=None, search=None, limit=10, offset=0, tag_ids=[red.id]
            )
            assert ([v.title for v in reds.items], reds.total) == (["Second", "First"], 2)
            both = await uow.videos.list_for_owner(
                owner.id, status=None, search=None, limit=10, offset=0, tag_ids=[red.id, blue.id, red.id]
            )
            assert [v.title for v in both.items] == ["Second"]
            await uow.tags.detach(blue.id, second.id)
            await uow.tags.detach(blue.id, second.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.tags.for_videos([second.id]) == {second.id: [red]}
            await uow.tags.delete(red.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.tags.for_videos([first.id, second.id]) == {}
            assert await uow.tags.for_videos([]) == {}

    async def test_deleting_a_video_takes_its_tags_off(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        video = a_video(owner)
        tag = Tag.create(owner_id=owner.id, name="t", color=None, now=NOW)
        async with new_uow() as uow:
            await uow.videos.add(video)
            await uow.tags.add(tag)
            await uow.tags.attach(tag.id, video.id)
            await uow.commit()
        async with new_uow() as uow:
            await uow.videos.delete(video.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.tags.for_videos([video.id]) == {}
            assert await uow.tags.get(tag.id) == tag


class TestVideoTextIndexContract:
    async def test_titles_and_descriptions_match_any_term_ignoring_case(self, new_uow: UowFactory) -> None:
        owner, other = await stored_owner(new_uow), await stored_owner(new_uow)
        baking = replace(a_video(owner, "Weekend BAKING", minutes_ago=3), description="bread 100%")
        geography = replace(a_video(owner, "Geography", minutes_ago=2), description="Capitals and rivers")
        cooking = a_video(owner, "Cooking", minutes_ago=1)
        async with new_uow() as uow:
            for video in (baking, geography, cooking, a_video(other, "Baking elsewhere")):
                await uow.videos.add(video)
            await uow.commit()
        async with new_uow() as uow:
            index = uow.video_text
            assert [v.id for v in await index.matching(owner.id, ["baking"], limit=10)] == [baking.id]
            assert [v.id for v in await index.matching(owner.id, ["RIVERS", "bread"], limit=10)] == [
                geography.id,
                baking.id,
            ]
            assert [v.id for v in await index.matching(owner.id, ["rivers", "bread"], limit=1)] == [geography.id]
            assert [v.id for v in await index.matching(owner.id, ["%"], limit=10)] == [baking.id]  # literal %
            assert await index.matching(owner.id, [], limit=10) == []
            assert await index.matching(owner.id, ["nothing"], limit=10) == []


class TestAccountDeletionContract:
    async def test_deleting_a_user_takes_their_videos_groups_chats_keys_and_tags(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        video = a_video(owner)
        group = a_group(owner, video_ids=(video.id,))
        key, _ = ApiKey.issue(user_id=owner.id, name="laptop", scopes=["read"], now=NOW)
        tag = Tag.create(owner_id=owner.id, name="physics", color="#123", now=NOW)
        entry = ChatEntry.record(
            user_id=owner.id,
            scope=Scope.library(),
            question="What?",
            answer=Answer(text="That.", citations=(), grounded=False),
            shared=False,
            now=NOW,
        )
        async with new_uow() as uow:
            await uow.videos.add(video)
            await uow.groups.add(group)
            await uow.api_keys.add(key)
            await uow.tags.add(tag)
            await uow.tags.attach(tag.id, video.id)
            await uow.chats.add(entry)
            await uow.commit()
        async with new_uow() as uow:
            await uow.users.delete(owner.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.videos.get(video.id) is None
            assert await uow.groups.get(group.id) is None
            assert await uow.api_keys.get(key.id) is None
            assert await uow.tags.get(tag.id) is None
            assert await uow.chats.get(entry.id) is None
