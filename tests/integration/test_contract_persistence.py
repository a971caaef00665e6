"""Contract: the in-memory unit of work and the PostgreSQL one behave the same, so the fakes cannot drift.

Every test here runs twice, once per adapter. New repositories add their tests here.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.memory import FakeClock, InMemoryStore, InMemoryUnitOfWork
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, create_engine, create_session_factory
from application.ports.persistence import UnitOfWork
from domain.accounts import LoginSession, OneTimeToken, TokenKind, User
from domain.errors import Conflict, Unavailable
from domain.pipeline_check import CheckStatus, PipelineCheck

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "postgres"])
async def new_uow(request: pytest.FixtureRequest) -> AsyncIterator[UowFactory]:
    if request.param == "memory":
        store = InMemoryStore()
        yield lambda: InMemoryUnitOfWork(store)
        return
    engine = create_engine(request.getfixturevalue("database_url"))
    sessions = create_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(sessions)
    await engine.dispose()


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
