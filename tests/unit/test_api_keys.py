"""API keys: the domain rules and the use cases against in-memory adapters."""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.memory import InMemoryRateLimiter
from application.accounts.authenticate import Caller
from application.accounts.policy import RateRule
from application.api_keys.authenticate_api_key import AuthenticateApiKey, require_login, require_scope
from application.api_keys.create_api_key import CreateApiKey
from application.api_keys.list_api_keys import ListApiKeys
from application.api_keys.revoke_api_key import RevokeApiKey
from domain.api_keys import KEYS_PER_USER_MAX, ApiKey, ApiKeyScope, clean_scopes, digest, looks_like_api_key
from domain.errors import Forbidden, InvalidInput, LimitReached, NotFound, RateLimited, Unauthorized
from tests.unit.world import World


def authenticate(world: World, limit: int = 100) -> AuthenticateApiKey:
    return AuthenticateApiKey(
        world.uow(), InMemoryRateLimiter(world.clock), world.clock, RateRule(limit=limit, window_seconds=60)
    )


class TestTheSecret:
    def test_it_has_the_prefix_and_more_than_128_bits_and_only_its_digest_is_kept(self, world: World) -> None:
        key, secret = ApiKey.issue(user_id=uuid.uuid4(), name="CLI", scopes=["read"], now=world.clock.now())
        assert looks_like_api_key(secret)
        body = secret.removeprefix("av_")
        assert len(body) * math.log2(64) >= 128  # url-safe base64: 6 bits a character
        assert key.secret_digest == digest(secret) != secret
        assert secret.startswith(key.prefix)
        assert len(key.prefix) == 11
        assert secret not in repr(key).replace(key.prefix, "")

    def test_two_keys_never_share_a_secret(self, world: World) -> None:
        secrets = {
            ApiKey.issue(user_id=uuid.uuid4(), name="k", scopes=["ask"], now=world.clock.now())[1] for _ in range(50)
        }
        assert len(secrets) == 50

    @pytest.mark.parametrize(
        ("scopes", "message"),
        [([], "at least one scope"), (["write"], "Unknown scope write"), (["read", "admin"], "Unknown scope admin")],
    )
    def test_scopes_are_read_and_ask_and_at_least_one(self, scopes: list[str], message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            clean_scopes(scopes)

    @pytest.mark.parametrize(("name", "message"), [("  ", "Give the API key a name"), ("x" * 81, "at most 80")])
    def test_a_name_is_required_and_short(self, world: World, name: str, message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            ApiKey.issue(user_id=uuid.uuid4(), name=name, scopes=["read"], now=world.clock.now())


class TestManagingKeys:
    async def test_create_list_revoke(self, world: World) -> None:
        caller = world.add_user()
        first = await CreateApiKey(world.uow(), world.clock)(caller, name="  Laptop ", scopes=["read"])
        world.clock.advance(seconds=1)
        second = await CreateApiKey(world.uow(), world.clock)(caller, name="Bot", scopes=["read", "ask"])
        listed = await ListApiKeys(world.uow())(caller)
        assert [k.name for k in listed] == ["Bot", "Laptop"]
        assert listed[0].scopes == {ApiKeyScope.READ, ApiKeyScope.ASK}
        assert all(k.secret_digest not in (first.secret, second.secret) for k in listed)
        await RevokeApiKey(world.uow(), world.clock)(caller, first.key.id)
        assert [k.name for k in await ListApiKeys(world.uow())(caller)] == ["Bot"]
        with pytest.raises(NotFound):  # revoking twice: it is gone
            await RevokeApiKey(world.uow(), world.clock)(caller, first.key.id)

    async def test_another_users_key_cannot_be_seen_or_revoked(self, world: World) -> None:
        owner, other = world.add_user(), world.add_user()
        created = await CreateApiKey(world.uow(), world.clock)(owner, name="Mine", scopes=["read"])
        assert await ListApiKeys(world.uow())(other) == []
        with pytest.raises(NotFound, match="no API key with that id"):
            await RevokeApiKey(world.uow(), world.clock)(other, created.key.id)
        assert len(await ListApiKeys(world.uow())(owner)) == 1

    async def test_there_is_a_limit_of_keys_per_user(self, world: World) -> None:
        caller = world.add_user()
        for number in range(KEYS_PER_USER_MAX):
            await CreateApiKey(world.uow(), world.clock)(caller, name=f"k{number}", scopes=["read"])
        with pytest.raises(LimitReached, match="at most 25 API keys"):
            await CreateApiKey(world.uow(), world.clock)(caller, name="one more", scopes=["read"])

    async def test_a_key_cannot_manage_keys(self, world: World) -> None:
        caller = world.add_user()
        created = await CreateApiKey(world.uow(), world.clock)(caller, name="k", scopes=["read", "ask"])
        by_key = await authenticate(world)(created.secret)
        for action in (
            CreateApiKey(world.uow(), world.clock)(by_key, name="minted", scopes=["ask"]),
            ListApiKeys(world.uow())(by_key),
            RevokeApiKey(world.uow(), world.clock)(by_key, created.key.id),
        ):
            with pytest.raises(Forbidden, match="log in"):
                await action


class TestAuthenticatingByKey:
    async def test_the_key_gives_its_owner_with_its_scopes_and_notes_the_use(self, world: World) -> None:
        caller = world.add_user()
        created = await CreateApiKey(world.uow(), world.clock)(caller, name="k", scopes=["ask"])
        found = await authenticate(world)(created.secret)
        assert (found.user.id, found.api_key_id, found.scopes, found.session_id) == (
            caller.user.id,
            created.key.id,
            frozenset({ApiKeyScope.ASK}),
            None,
        )
        assert world.store.api_keys[created.key.id].last_used_at == world.clock.now()

    async def test_the_last_use_is_written_at_most_once_a_minute(self, world: World) -> None:
        caller = world.add_user()
        created = await CreateApiKey(world.uow(), world.clock)(caller, name="k", scopes=["read"])
        first_use = world.clock.now()
        await authenticate(world)(created.secret)
        world.clock.advance(seconds=30)
        await authenticate(world)(created.secret)
        assert world.store.api_keys[created.key.id].last_used_at == first_use
        world.clock.advance(seconds=31)
        await authenticate(world)(created.secret)
        assert world.store.api_keys[created.key.id].last_used_at == first_use + timedelta(seconds=61)

    @pytest.mark.parametrize("secret", ["av_nope", "av_" + "A" * 43, ""])
    async def test_an_unknown_key_is_refused(self, world: World, secret: str) -> None:
        with pytest.raises(Unauthorized, match="not valid"):
            await authenticate(world)(secret)

    async def test_a_revoked_key_stops_at_once(self, world: World) -> None:
        caller = world.add_user()
        created = await CreateApiKey(world.uow(), world.clock)(caller, name="k", scopes=["read"])
        await RevokeApiKey(world.uow(), world.clock)(caller, created.key.id)
        with pytest.raises(Unauthorized):
            await authenticate(world)(created.secret)

    async def test_a_deactivated_or_deleted_owner_is_refused(self, world: World) -> None:
        caller = world.add_user()
        created = await CreateApiKey(world.uow(), world.clock)(caller, name="k", scopes=["read"])
        world.store.users[caller.user.id] = replace(caller.user, is_active=False)
        with pytest.raises(Unauthorized):
            await authenticate(world)(created.secret)
        del world.store.users[caller.user.id]
        with pytest.raises(Unauthorized):
            await authenticate(world)(created.secret)

    async def test_each_key_has_its_own_rate_limit(self, world: World) -> None:
        caller = world.add_user()
        one = await CreateApiKey(world.uow(), world.clock)(caller, name="one", scopes=["read"])
        two = await CreateApiKey(world.uow(), world.clock)(caller, name="two", scopes=["read"])
        check = AuthenticateApiKey(
            world.uow(), InMemoryRateLimiter(world.clock), world.clock, RateRule(limit=2, window_seconds=60)
        )
        await check(one.secret)
        await check(one.secret)
        with pytest.raises(RateLimited) as refused:
            await check(one.secret)
        assert 1 <= refused.value.retry_after <= 60
        await check(two.secret)  # another key is not affected
        world.clock.advance(seconds=61)
        await check(one.secret)


class TestScopes:
    def test_a_login_may_do_everything(self, world: World) -> None:
        caller = world.add_user()
        require_scope(caller, (ApiKeyScope.ASK,))
        require_login(caller)

    def test_a_key_needs_one_of_the_scopes(self, world: World) -> None:
        user = world.add_user().user
        reader = Caller(user=user, session_id=None, api_key_id=uuid.uuid4(), scopes=frozenset({ApiKeyScope.READ}))
        require_scope(reader, (ApiKeyScope.READ, ApiKeyScope.ASK))
        with pytest.raises(Forbidden, match="needs the `ask` scope"):
            require_scope(reader, (ApiKeyScope.ASK,))
        with pytest.raises(Forbidden, match="log in"):
            require_login(reader)
