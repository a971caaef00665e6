"""Contract: the in-memory unit of work and the PostgreSQL one behave the same, so the fakes cannot drift.

Every test here runs twice, once per adapter. New repositories add their tests here.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from adapters.memory import FakeClock
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, create_engine, create_session_factory
from application.ports.persistence import EmbeddedScene
from domain.accounts import LoginSession, OneTimeToken, TokenKind, User
from domain.errors import Conflict, Unavailable
from domain.groups import Group
from domain.pipeline_check import CheckStatus, PipelineCheck
from domain.scenes import Scene, Sentence
from domain.transcript import Segment, Transcript, Word
from domain.videos import Video, VideoStatus
from tests.integration.conftest import UowFactory


def a_check() -> PipelineCheck:
    return PipelineCheck.queue(now=FakeClock().now())


class TestPipelineCheckRepositoryContract:
    async def test_an_added_and_committed_check_reads_back_equal(self, new_uow: UowFactory) -> None:
        check = a_check()
        async with new_uow() as uow:
            await uow.pipeline_checks.add(check)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.pipeline_checks.get(check.id) == check

    async def test_without_commit_nothing_is_stored(self, new_uow: UowFactory) -> None:
        check = a_check()
        async with new_uow() as uow:
            await uow.pipeline_checks.add(check)
        async with new_uow() as uow:
            assert await uow.pipeline_checks.get(check.id) is None

    async def test_an_error_inside_the_transaction_rolls_it_back(self, new_uow: UowFactory) -> None:
        check = a_check()

        async def add_then_fail() -> None:
            async with new_uow() as uow:
                await uow.pipeline_checks.add(check)
                raise RuntimeError

        with pytest.raises(RuntimeError):
            await add_then_fail()
        async with new_uow() as uow:
            assert await uow.pipeline_checks.get(check.id) is None

    async def test_an_update_is_stored(self, new_uow: UowFactory) -> None:
        check = a_check()
        async with new_uow() as uow:
            await uow.pipeline_checks.add(check)
            await uow.commit()
        done = replace(check.complete(worker="w-1", now=FakeClock().now()))
        async with new_uow() as uow:
            await uow.pipeline_checks.update(done)
            await uow.commit()
        async with new_uow() as uow:
            stored = await uow.pipeline_checks.get(check.id)
        assert stored == done
        assert stored is not None
        assert stored.status is CheckStatus.DONE


async def test_a_database_that_is_down_is_reported_as_unavailable() -> None:
    engine = create_engine("postgresql://askvideo@127.0.0.1:1/askvideo")
    try:
        with pytest.raises(Unavailable, match="database cannot be reached"):
            async with SqlAlchemyUnitOfWork(create_session_factory(engine)) as uow:
                await uow.pipeline_checks.get(a_check().id)
    finally:
        await engine.dispose()


def a_user(username: str = "ada", email: str = "ada@example.org") -> User:
    return User.register(username=username, email=email, password_hash="fake$x", video_limit=10, now=FakeClock().now())


class TestAccountRepositoriesContract:
    async def test_a_user_reads_back_by_id_username_and_email_in_any_case(self, new_uow: UowFactory) -> None:
        user = a_user(*_unique("Ada"))
        async with new_uow() as uow:
            await uow.users.add(user)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.users.get(user.id) == user
            assert await uow.users.get_by_login(user.username.upper()) == user
            assert await uow.users.get_by_login(user.email.upper()) == user
            assert await uow.users.get_by_email(f" {user.email.upper()} ") == user
            assert await uow.users.get_by_login("nobody-at-all") is None

    async def test_usernames_and_emails_are_unique_ignoring_case(self, new_uow: UowFactory) -> None:
        username, email = _unique("Bob")
        async with new_uow() as uow:
            await uow.users.add(a_user(username, email))
            await uow.commit()
        for clash in (a_user(username.lower(), "x" + email), a_user(username + "x", email.upper())):
            with pytest.raises(Conflict, match="already registered"):
                async with new_uow() as uow:
                    await uow.users.add(clash)
                    await uow.commit()

    async def test_an_update_that_takes_someone_elses_name_is_a_conflict(self, new_uow: UowFactory) -> None:
        first, second = a_user(*_unique("cy")), a_user(*_unique("di"))
        async with new_uow() as uow:
            await uow.users.add(first)
            await uow.users.add(second)
            await uow.commit()
        with pytest.raises(Conflict):
            async with new_uow() as uow:
                await uow.users.update(replace(second, username=first.username.upper()))
                await uow.commit()
        async with new_uow() as uow:
            assert (await uow.users.get(second.id)).username == second.username

    async def test_sessions_rotate_and_revoke_all_keeps_one(self, new_uow: UowFactory) -> None:
        user = a_user(*_unique("ed"))
        now = FakeClock().now()
        sessions = [LoginSession.open(user_id=user.id, now=now, lifetime=timedelta(days=1)) for _ in range(3)]
        async with new_uow() as uow:
            await uow.users.add(user)
            for session in sessions:
                await uow.login_sessions.add(session)
            await uow.commit()
        rotated = sessions[0].rotate(sessions[0].refresh_token_id, now=now)
        async with new_uow() as uow:
            await uow.login_sessions.update(rotated)
            await uow.login_sessions.revoke_all(user.id, now=now, keep=sessions[1].id)
            await uow.commit()
        async with new_uow() as uow:
            stored = [await uow.login_sessions.get(s.id) for s in sessions]
        assert stored[0].refresh_token_id == rotated.refresh_token_id
        assert [s.revoked_at is not None for s in stored] == [True, False, True]

    async def test_one_time_tokens_record_their_use(self, new_uow: UowFactory) -> None:
        user = a_user(*_unique("fay"))
        now = FakeClock().now()
        token = OneTimeToken.issue(user_id=user.id, kind=TokenKind.RESET_PASSWORD, now=now, lifetime=timedelta(hours=1))
        async with new_uow() as uow:
            await uow.users.add(user)
            await uow.one_time_tokens.add(token)
            await uow.commit()
        async with new_uow() as uow:
            await uow.one_time_tokens.update(token.use(now=now))
            await uow.commit()
        async with new_uow() as uow:
            assert (await uow.one_time_tokens.get(token.id)) == token.use(now=now)

    async def test_deleting_a_user_deletes_their_sessions_and_tokens(self, new_uow: UowFactory) -> None:
        user = a_user(*_unique("gus"))
        now = FakeClock().now()
        session = LoginSession.open(user_id=user.id, now=now, lifetime=timedelta(days=1))
        token = OneTimeToken.issue(user_id=user.id, kind=TokenKind.VERIFY_EMAIL, now=now, lifetime=timedelta(hours=1))
        async with new_uow() as uow:
            await uow.users.add(user)
            await uow.login_sessions.add(session)
            await uow.one_time_tokens.add(token)
            await uow.commit()
        async with new_uow() as uow:
            await uow.users.delete(user.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.users.get(user.id) is None
            assert await uow.login_sessions.get(session.id) is None
            assert await uow.one_time_tokens.get(token.id) is None


def _unique(name: str) -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:6]
    return f"{name}_{suffix}", f"{name}.{suffix}@Example.org".lower()


async def stored_owner(new_uow: UowFactory) -> User:
    owner = a_user(*_unique("own"))
    async with new_uow() as uow:
        await uow.users.add(owner)
        await uow.commit()
    return owner


def a_video(owner: User, title: str = "Lecture", *, minutes_ago: float = 0) -> Video:
    return Video.upload(
        owner_id=owner.id,
        title=title,
        description="about things",
        size_bytes=1234,
        duration=60.0,
        now=FakeClock().now() - timedelta(minutes=minutes_ago),
    )


class TestVideoRepositoriesContract:
    async def test_a_video_reads_back_equal_and_updates(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        video = a_video(owner)
        async with new_uow() as uow:
            await uow.videos.add(video)
            await uow.commit()
        edited = video.edit(title="Renamed").start_processing(now=FakeClock().now())
        async with new_uow() as uow:
            assert await uow.videos.get(video.id) == video
            await uow.videos.update(edited)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.videos.get(video.id) == edited

    async def test_listing_is_newest_first_filtered_searched_and_paged(self, new_uow: UowFactory) -> None:
        owner, other = await stored_owner(new_uow), await stored_owner(new_uow)
        videos = [a_video(owner, f"Talk {n} 100%_done", minutes_ago=10 - n) for n in range(5)]
        failed = videos[1].start_processing(now=FakeClock().now()).fail("broken")
        async with new_uow() as uow:
            for video in videos:
                await uow.videos.add(video)
            await uow.videos.update(failed)
            await uow.videos.add(a_video(other, "Talk of someone else"))
            await uow.commit()
        async with new_uow() as uow:
            page = await uow.videos.list_for_owner(owner.id, status=None, search=None, limit=2, offset=1)
            assert [v.title for v in page.items] == ["Talk 3 100%_done", "Talk 2 100%_done"]
            assert page.total == 5
            errors = await uow.videos.list_for_owner(
                owner.id, status=VideoStatus.ERROR, search=None, limit=10, offset=0
            )
            assert [v.id for v in errors.items] == [videos[1].id]
            found = await uow.videos.list_for_owner(owner.id, status=None, search="TALK 4", limit=10, offset=0)
            assert [v.title for v in found.items] == ["Talk 4 100%_done"]
            literal = await uow.videos.list_for_owner(owner.id, status=None, search="%_", limit=10, offset=0)
            assert literal.total == 5  # % and _ are matched literally, not as wildcards
            none = await uow.videos.list_for_owner(owner.id, status=None, search="x%y", limit=10, offset=0)
            assert none.total == 0
            assert await uow.videos.count_for_owner(owner.id) == 5

    async def test_only_one_claim_wins_until_the_heartbeat_goes_stale(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        video = a_video(owner)
        now, lease = FakeClock().now(), timedelta(minutes=2)
        async with new_uow() as uow:
            await uow.videos.add(video)
            await uow.commit()
        async with new_uow() as uow:
            claimed = await uow.videos.claim(video.id, now=now, lease=lease)
            await uow.commit()
        assert claimed is not None
        assert claimed.status is VideoStatus.PROCESSING
        async with new_uow() as uow:
            assert await uow.videos.claim(video.id, now=now + timedelta(minutes=1), lease=lease) is None
            # (The database is shared with other tests: look only for this video.)
            assert video.id not in await uow.videos.stalled(now=now + timedelta(minutes=1), lease=lease, limit=1000)
            assert video.id in await uow.videos.stalled(now=now + timedelta(minutes=3), lease=lease, limit=1000)
            again = await uow.videos.claim(video.id, now=now + timedelta(minutes=3), lease=lease)
            await uow.commit()
        assert again is not None
        async with new_uow() as uow:
            await uow.videos.update(again.complete(language="en", duration=60))
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.videos.claim(video.id, now=now + timedelta(hours=1), lease=lease) is None

    async def test_a_pending_video_past_the_lease_is_stalled(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        old, fresh = a_video(owner, minutes_ago=10), a_video(owner)
        async with new_uow() as uow:
            await uow.videos.add(old)
            await uow.videos.add(fresh)
            await uow.commit()
        async with new_uow() as uow:
            stalled = await uow.videos.stalled(now=FakeClock().now(), lease=timedelta(minutes=5), limit=1000)
        assert old.id in stalled
        assert fresh.id not in stalled

    async def test_transcripts_and_scenes_are_replaced_not_duplicated_and_go_with_the_video(
        self, new_uow: UowFactory
    ) -> None:
        owner = await stored_owner(new_uow)
        video = a_video(owner)
        transcript = Transcript(
            language="en",
            duration=12.5,
            segments=(Segment(start=0, end=2, text="Hello.", words=(Word(text="Hello.", start=0.1, end=0.9),)),),
        )
        sentence = Sentence(start=0.1, end=0.9, text="Hello.")
        scenes = [
            EmbeddedScene(
                scene=Scene(index=i, start=i * 10.0, end=i * 10.0 + 5, text=f"scene {i}", sentences=(sentence,)),
                sentence_vectors=[[0.0] * 383 + [1.0]],
            )
            for i in range(3)
        ]
        async with new_uow() as uow:
            await uow.videos.add(video)
            await uow.transcripts.save(video.id, transcript)
            await uow.scenes.replace_for_video(video.id, owner.id, scenes, embedder="test")
            await uow.commit()
        async with new_uow() as uow:
            await uow.transcripts.save(video.id, transcript)
            await uow.scenes.replace_for_video(video.id, owner.id, scenes[:2], embedder="test")
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.transcripts.get(video.id) == transcript
            assert [s.index for s in await uow.scenes.for_video(video.id)] == [0, 1]
            assert (await uow.scenes.for_video(video.id))[0] == scenes[0].scene
            await uow.videos.delete(video.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.videos.get(video.id) is None
            assert await uow.transcripts.get(video.id) is None
            assert await uow.scenes.for_video(video.id) == []


def a_group(
    owner: User, name: str = "Course", *, minutes_ago: float = 0, video_ids: tuple[uuid.UUID, ...] = ()
) -> Group:
    group = Group.create(
        owner_id=owner.id, name=name, description="a few talks", now=FakeClock().now() - timedelta(minutes=minutes_ago)
    )
    return replace(group, video_ids=video_ids)


async def stored_videos(new_uow: UowFactory, owner: User, count: int) -> list[Video]:
    videos = [a_video(owner, f"Part {n}") for n in range(count)]
    async with new_uow() as uow:
        for video in videos:
            await uow.videos.add(video)
        await uow.commit()
    return videos


def a_token() -> str:
    return secrets.token_urlsafe(24)


class TestGroupRepositoryContract:
    async def test_a_group_reads_back_equal_with_its_videos_in_order(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        first, second, third = await stored_videos(new_uow, owner, 3)
        group = a_group(owner, video_ids=(third.id, first.id, second.id))
        empty = a_group(owner, "Empty")
        async with new_uow() as uow:
            await uow.groups.add(group)
            await uow.groups.add(empty)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get(group.id) == group
            assert await uow.groups.get(empty.id) == empty
            assert await uow.groups.get(uuid.uuid4()) is None

    async def test_an_update_adds_removes_and_reorders_videos(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        a, b, c, d = await stored_videos(new_uow, owner, 4)
        group = a_group(owner, video_ids=(a.id, b.id, c.id))
        async with new_uow() as uow:
            await uow.groups.add(group)
            await uow.commit()
        later = FakeClock().now() + timedelta(minutes=5)
        changed = (
            group.edit(name="Renamed", description="new words", now=later)
            .remove_video(b.id, now=later)
            .add_videos([d.id], now=later)
            .reorder([d.id, c.id, a.id], now=later)
        )
        async with new_uow() as uow:
            await uow.groups.update(changed)
            await uow.commit()
        async with new_uow() as uow:
            stored = await uow.groups.get(group.id)
        assert stored == changed
        assert stored is not None
        assert stored.video_ids == (d.id, c.id, a.id)
        emptied = changed
        for video_id in changed.video_ids:
            emptied = emptied.remove_video(video_id, now=later)
        assert emptied.video_ids == ()
        async with new_uow() as uow:
            await uow.groups.update(emptied)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get(group.id) == emptied

    async def test_an_update_of_a_deleted_group_does_not_bring_it_back(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        (video,) = await stored_videos(new_uow, owner, 1)
        group = a_group(owner)
        async with new_uow() as uow:
            await uow.groups.add(group)
            await uow.commit()
        async with new_uow() as uow:
            await uow.groups.delete(group.id)
            await uow.commit()
        async with new_uow() as uow:
            await uow.groups.update(group.add_videos([video.id], now=FakeClock().now()))
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get(group.id) is None

    async def test_the_share_token_finds_the_group_until_replaced_or_revoked(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        (video,) = await stored_videos(new_uow, owner, 1)
        now = FakeClock().now()
        old_token, new_token = a_token(), a_token()
        shared = a_group(owner, video_ids=(video.id,)).share(old_token, now=now, expires_at=now + timedelta(days=7))
        async with new_uow() as uow:
            await uow.groups.add(shared)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get_by_share_token(old_token) == shared
            assert await uow.groups.get_by_share_token(a_token()) is None
        replaced = shared.share(new_token, now=now, expires_at=None)
        async with new_uow() as uow:
            await uow.groups.update(replaced)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get_by_share_token(old_token) is None
            assert await uow.groups.get_by_share_token(new_token) == replaced
        revoked = replaced.revoke_share(now=now)
        async with new_uow() as uow:
            await uow.groups.update(revoked)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get_by_share_token(new_token) is None
            assert await uow.groups.get(shared.id) == revoked

    async def test_listing_is_newest_first_paged_and_only_the_owners(self, new_uow: UowFactory) -> None:
        owner, other = await stored_owner(new_uow), await stored_owner(new_uow)
        (video,) = await stored_videos(new_uow, owner, 1)
        groups = [a_group(owner, f"Group {n}", minutes_ago=10 - n) for n in range(5)]
        groups[3] = replace(groups[3], video_ids=(video.id,))
        async with new_uow() as uow:
            for group in groups:
                await uow.groups.add(group)
            await uow.groups.add(a_group(other, "Someone else's"))
            await uow.commit()
        async with new_uow() as uow:
            page = await uow.groups.list_for_owner(owner.id, limit=2, offset=1)
            assert page.items == (groups[3], groups[2])
            assert page.total == 5
            everything = await uow.groups.list_for_owner(owner.id, limit=10, offset=0)
            assert [g.name for g in everything.items] == [f"Group {n}" for n in (4, 3, 2, 1, 0)]
            beyond = await uow.groups.list_for_owner(owner.id, limit=10, offset=5)
            assert beyond.items == ()
            assert beyond.total == 5

    async def test_deleting_a_group_keeps_its_videos(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        videos = await stored_videos(new_uow, owner, 2)
        group = a_group(owner, video_ids=tuple(v.id for v in videos)).share(
            a_token(), now=FakeClock().now(), expires_at=None
        )
        async with new_uow() as uow:
            await uow.groups.add(group)
            await uow.commit()
        async with new_uow() as uow:
            await uow.groups.delete(group.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get(group.id) is None
            assert group.share_token is not None
            assert await uow.groups.get_by_share_token(group.share_token) is None
            assert (await uow.groups.list_for_owner(owner.id, limit=10, offset=0)).total == 0
            assert [await uow.videos.get(v.id) for v in videos] == videos

    async def test_deleting_a_video_takes_it_out_of_every_group(self, new_uow: UowFactory) -> None:
        owner = await stored_owner(new_uow)
        a, b, c = await stored_videos(new_uow, owner, 3)
        first = a_group(owner, "First", video_ids=(a.id, b.id, c.id))
        second = a_group(owner, "Second", video_ids=(b.id,))
        async with new_uow() as uow:
            await uow.groups.add(first)
            await uow.groups.add(second)
            await uow.commit()
        async with new_uow() as uow:
            await uow.videos.delete(b.id)
            await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get(first.id) == replace(first, video_ids=(a.id, c.id))
            assert await uow.groups.get(second.id) == replace(second, video_ids=())

    async def test_two_groups_cannot_share_one_token(self, new_uow: UowFactory, request: pytest.FixtureRequest) -> None:
        if request.node.callspec.params["new_uow"] == "memory":
            pytest.skip("tokens are 192-bit random, so the in-memory store does not enforce their uniqueness")
        owner = await stored_owner(new_uow)
        now = FakeClock().now()
        token = a_token()
        first, second = a_group(owner, "First"), a_group(owner, "Second")
        async with new_uow() as uow:
            await uow.groups.add(first.share(token, now=now, expires_at=None))
            await uow.groups.add(second)
            await uow.commit()
        with pytest.raises(IntegrityError):
            async with new_uow() as uow:
                await uow.groups.update(second.share(token, now=now, expires_at=None))
                await uow.commit()
        async with new_uow() as uow:
            assert await uow.groups.get(second.id) == second
